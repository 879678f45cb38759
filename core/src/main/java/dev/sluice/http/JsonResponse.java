package dev.sluice.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RateLimitedException;
import dev.sluice.destination.RetryableDestinationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP response: status, headers, body. Immutable.
 *
 * <p>{@link #throwIfFailed()} applies the classification every HTTP connector shares: 2xx is
 * success; 429 is a {@link RateLimitedException}; 408 and 5xx are retryable; any other status is
 * permanent. A {@code Retry-After} (seconds or an HTTP date) on any of the retryable answers is
 * passed on as the wait the server asked for; a zero, negative or unreadable one is ignored, so
 * the engine falls back to its backoff.
 */
public final class JsonResponse {

  private final String method;
  private final String path;
  private final int status;
  private final Map<String, List<String>> headers; // lower-case names
  private final byte[] body;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final String redactedBody;

  JsonResponse(String method, String path, int status, Map<String, List<String>> headers, byte[] body,
      ObjectMapper mapper, Clock clock, String redactedBody) {
    this.method = method;
    this.path = path;
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.mapper = mapper;
    this.clock = clock;
    this.redactedBody = redactedBody;
  }

  /** {@return the HTTP status code} */
  public int status() {
    return status;
  }

  /** {@return whether the status is 2xx} */
  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  /**
   * {@return the first value of a header (case-insensitive name), if present}
   *
   * @param name the header name
   */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** {@return all headers, names in lower case} */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** {@return the body as text (UTF-8); empty when there is none} */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * {@return the body as JSON, or a missing node when the body is empty}
   *
   * @throws RetryableDestinationException when the body is not valid JSON (a proxy's error page, a
   *     truncated response): sending again may well get a proper answer
   */
  public JsonNode json() {
    if (body.length == 0) {
      return mapper.missingNode();
    }
    try {
      return mapper.readTree(body);
    } catch (IOException e) {
      throw new RetryableDestinationException("HTTP " + status + " from " + method + " " + path
          + " has a body that is not valid JSON: " + excerpt(), e);
    }
  }

  /**
   * How long the server asks to wait, from {@code Retry-After} in seconds or as an HTTP date;
   * empty when the header is absent, unreadable, zero, negative or a date already past.
   *
   * @return the wait asked for, if any
   */
  public Optional<Duration> retryAfter() {
    return header("Retry-After").flatMap(this::parseRetryAfter);
  }

  private Optional<Duration> parseRetryAfter(String value) {
    String v = value.trim();
    Duration wait;
    if (v.matches("-?[0-9]{1,18}")) {
      wait = Duration.ofSeconds(Long.parseLong(v));
    } else {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        wait = Duration.between(clock.instant(), at.toInstant());
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
    return wait.isNegative() || wait.isZero() ? Optional.empty() : Optional.of(wait);
  }

  /**
   * Returns this response when it is a success, and otherwise throws what the status means.
   *
   * @return this response
   * @throws RateLimitedException for 429, waiting {@code Retry-After} (zero, the engine's backoff,
   *     when it has none that can be used)
   * @throws RetryableDestinationException for 408 and 5xx, with the {@code Retry-After} if any
   * @throws PermanentDestinationException for any other non-2xx status
   */
  public JsonResponse throwIfFailed() {
    if (isSuccess()) {
      return this;
    }
    String message = "HTTP " + status + " from " + method + " " + path + (redactedBody.isEmpty() ? "" : ": " + excerpt());
    if (status == 429) {
      throw new RateLimitedException(message, retryAfter().orElse(Duration.ZERO));
    }
    if (status == 408 || status >= 500) {
      throw new RetryableDestinationException(message, retryAfter().orElse(null), null);
    }
    throw new PermanentDestinationException(message);
  }

  /** {@return the start of the body, with secrets masked, for messages} */
  public String excerpt() {
    return redactedBody.length() <= 300 ? redactedBody : redactedBody.substring(0, 300) + "...";
  }

  @Override
  public String toString() {
    return "HTTP " + status + " from " + method + " " + path;
  }
}
