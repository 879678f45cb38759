package dev.sluice.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook messages as the Standard Webhooks specification says: HMAC-SHA256 over
 * {@code id.timestamp.body} (the exact bytes sent), base64, written {@code v1,<signature>}; with
 * several secrets (during a rotation) the header holds one signature per secret, separated by
 * spaces. Thread-safe.
 */
public final class WebhookSigner {

  private final List<WebhookSecret> secrets;

  private WebhookSigner(List<WebhookSecret> secrets) {
    this.secrets = List.copyOf(secrets);
  }

  /**
   * Signs with every one of {@code secrets} (one normally; two while rotating).
   *
   * @param secrets the secrets
   * @return the signer
   */
  public static WebhookSigner of(WebhookSecret... secrets) {
    Objects.requireNonNull(secrets, "secrets");
    if (secrets.length == 0) {
      throw new IllegalArgumentException("give at least one webhook secret");
    }
    return new WebhookSigner(List.of(secrets));
  }

  /**
   * {@return the {@code webhook-signature} header value for a message}
   *
   * @param messageId the {@code webhook-id}
   * @param timestampSeconds the {@code webhook-timestamp}, in seconds since the epoch
   * @param body the body
   */
  public String signature(String messageId, long timestampSeconds, byte[] body) {
    List<String> signatures = new ArrayList<>();
    for (WebhookSecret secret : secrets) {
      signatures.add("v1," + sign(secret, messageId, timestampSeconds, body));
    }
    return String.join(" ", signatures);
  }

  static String sign(WebhookSecret secret, String messageId, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
      mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
