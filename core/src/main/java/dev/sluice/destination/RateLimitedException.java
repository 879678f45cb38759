package dev.sluice.destination;

import java.time.Duration;
import java.util.Objects;

/**
 * The destination refused the batch because a rate limit was reached, and said (or the connector
 * knows) how long to wait. The engine waits at least {@link #retryAfter()} before the next call to
 * this destination; such waits do not count as failed attempts.
 */
public class RateLimitedException extends RetryableDestinationException {
  private static final long serialVersionUID = 1L;

  /** How long the API asked to wait. */
  private final Duration retryAfter;

  /**
   * An exception that asks the engine to wait.
   *
   * @param message what the API said, without secrets
   * @param retryAfter how long to wait before the next call; zero or more
   */
  public RateLimitedException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = requireNonNegative(retryAfter);
  }

  /**
   * An exception that asks the engine to wait, with the underlying cause.
   *
   * @param message what went wrong, and what to do about it
   * @param retryAfter how long the API asked to wait
   * @param cause the underlying failure
   */
  public RateLimitedException(String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.retryAfter = requireNonNegative(retryAfter);
  }

  private static Duration requireNonNegative(Duration d) {
    Objects.requireNonNull(d, "retryAfter");
    if (d.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative, was " + d);
    }
    return d;
  }

  /** {@return how long to wait before calling the destination again} */
  public Duration retryAfter() {
    return retryAfter;
  }
}
