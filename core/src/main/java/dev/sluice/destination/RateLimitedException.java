package dev.sluice.destination;

import java.time.Duration;
import java.util.Objects;

/**
 * The destination refused the batch because a rate limit was reached (a 429). The engine waits
 * {@link #retryAfter()} before the next call when it is positive, and its normal backoff when it is
 * zero (the destination did not say); such waits use up no attempt and are not failures for the
 * circuit breaker, but count against the policy's total rate-limit wait.
 */
public class RateLimitedException extends RetryableDestinationException {
  private static final long serialVersionUID = 1L;

  /** How long the API asked to wait. */
  private final Duration retryAfter;

  /**
   * An exception that asks the engine to wait.
   *
   * @param message what the API said, without secrets
   * @param retryAfter how long to wait before the next call; zero when the destination did not say
   */
  public RateLimitedException(String message, Duration retryAfter) {
    this(message, retryAfter, null);
  }

  /**
   * An exception that asks the engine to wait, with the underlying cause.
   *
   * @param message what went wrong, and what to do about it
   * @param retryAfter how long the API asked to wait
   * @param cause the underlying failure
   */
  public RateLimitedException(String message, Duration retryAfter, Throwable cause) {
    super(message, requireNonNegative(retryAfter), cause);
    this.retryAfter = retryAfter;
  }

  private static Duration requireNonNegative(Duration d) {
    Objects.requireNonNull(d, "retryAfter");
    if (d.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative, was " + d);
    }
    return d;
  }

  /** {@return how long to wait before calling the destination again; zero when the destination did not say} */
  public Duration retryAfter() {
    return retryAfter;
  }
}
