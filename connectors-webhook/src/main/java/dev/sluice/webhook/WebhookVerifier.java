package dev.sluice.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies, on the receiving side, what Sluice (or any Standard Webhooks sender) signed: the
 * {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature} headers (names in
 * any case) against the raw body, in constant time, accepting any one valid {@code v1} signature
 * of the header, and refusing timestamps more than the tolerance (5 minutes) away from now.
 * Thread-safe.
 */
public final class WebhookVerifier {

  /** How far a timestamp may be from now, either way. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private final List<WebhookSecret> secrets;
  private final Clock clock;
  private final Duration tolerance;

  private WebhookVerifier(List<WebhookSecret> secrets, Clock clock, Duration tolerance) {
    this.secrets = secrets;
    this.clock = clock;
    this.tolerance = tolerance;
  }

  /**
   * Accepts messages signed with any of {@code secrets}, on the system clock.
   *
   * @param secrets the secrets
   * @return the verifier
   */
  public static WebhookVerifier of(WebhookSecret... secrets) {
    return of(Clock.systemUTC(), secrets);
  }

  /**
   * Accepts messages signed with any of {@code secrets}, judging timestamps by {@code clock}.
   *
   * @param clock the clock to read the time from
   * @param secrets the secrets
   * @return the verifier
   */
  public static WebhookVerifier of(Clock clock, WebhookSecret... secrets) {
    Objects.requireNonNull(clock, "clock");
    if (secrets.length == 0) {
      throw new IllegalArgumentException("give at least one webhook secret");
    }
    return new WebhookVerifier(List.of(secrets), clock, DEFAULT_TOLERANCE);
  }

  /**
   * Verifies one message.
   *
   * @param headers the request headers (any case; first value of each)
   * @param body the raw body bytes, exactly as received
   * @throws WebhookVerificationException saying which check failed
   */
  public void verify(Map<String, String> headers, byte[] body) {
    String id = header(headers, "webhook-id");
    String timestamp = header(headers, "webhook-timestamp");
    String signatures = header(headers, "webhook-signature");
    long seconds;
    try {
      seconds = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      throw new WebhookVerificationException("webhook-timestamp is not a number of seconds");
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - seconds) > tolerance.getSeconds()) {
      throw new WebhookVerificationException("webhook-timestamp is more than " + tolerance.toMinutes()
          + " minutes away from now");
    }
    for (WebhookSecret secret : secrets) {
      byte[] expected = WebhookSigner.sign(secret, id, seconds, body).getBytes(StandardCharsets.US_ASCII);
      for (String entry : signatures.trim().split(" +")) {
        int comma = entry.indexOf(',');
        if (comma > 0 && entry.substring(0, comma).equals("v1")
            && MessageDigest.isEqual(expected, entry.substring(comma + 1).getBytes(StandardCharsets.US_ASCII))) {
          return;
        }
      }
    }
    throw new WebhookVerificationException("no signature in webhook-signature matches the body");
  }

  private static String header(Map<String, String> headers, String name) {
    for (Map.Entry<String, String> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().toLowerCase(Locale.ROOT).equals(name)) {
        return e.getValue();
      }
    }
    throw new WebhookVerificationException("the " + name + " header is missing");
  }
}
