package dev.sluice.destination;

import java.time.Duration;
import java.util.Optional;

/**
 * The whole batch failed for a reason that may pass: a 5xx answer, a timeout, a reset connection.
 * The engine may send the same batch again (with the same {@link Batch#id()}); records it does
 * not get through stay pending in the state and are sent on the next run. When the destination
 * said how long to wait (a {@code Retry-After} on a 503, say), {@link #requestedWait()} carries it
 * and the engine waits exactly that long instead of its backoff; such an answer is a wait, not a
 * failure, for the circuit breaker.
 */
public class RetryableDestinationException extends DestinationException {
  private static final long serialVersionUID = 1L;

  /** The wait the destination asked for, or null. */
  private final Duration requestedWait;

  /**
   * An exception with a message that names what failed.
   *
   * @param message what went wrong, and what to do about it
   */
  public RetryableDestinationException(String message) {
    this(message, (Duration) null, null);
  }

  /**
   * An exception with a message and the underlying cause.
   *
   * @param message what went wrong, and what to do about it
   * @param cause the underlying failure
   */
  public RetryableDestinationException(String message, Throwable cause) {
    this(message, (Duration) null, cause);
  }

  /**
   * An exception for an answer that said how long to wait before the next call.
   *
   * @param message what went wrong, and what to do about it
   * @param requestedWait the wait asked for; null, zero or negative when none was (usable)
   * @param cause the underlying failure, or null
   */
  public RetryableDestinationException(String message, Duration requestedWait, Throwable cause) {
    super(message, cause);
    this.requestedWait = requestedWait == null || requestedWait.isNegative() || requestedWait.isZero()
        ? null : requestedWait;
  }

  /** {@return how long the destination asked to wait before the next call, when it said (and said a positive time)} */
  public Optional<Duration> requestedWait() {
    return Optional.ofNullable(requestedWait);
  }

  @Override
  public final boolean isRetryable() {
    return true;
  }
}
