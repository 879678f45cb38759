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
 *
 * <p>When the request may have reached the destination but its answer was lost (a read timeout, a
 * connection reset after sending), {@link #answerLost()} says so: the engine then does not send the
 * batch again within the run to a destination whose writes are not
 * {@link Capabilities#idempotentWrites() idempotent}, and reports its records as uncertain.
 */
public class RetryableDestinationException extends DestinationException {
  private static final long serialVersionUID = 1L;

  /** The wait the destination asked for, or null. */
  private final Duration requestedWait;
  /** Whether the request may have reached the destination and only its answer was lost. */
  private final boolean answerLost;

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
    this(message, requestedWait, cause, false);
  }

  private RetryableDestinationException(String message, Duration requestedWait, Throwable cause, boolean answerLost) {
    super(message, cause);
    this.answerLost = answerLost;
    this.requestedWait = requestedWait == null || requestedWait.isNegative() || requestedWait.isZero()
        ? null : requestedWait;
  }

  /**
   * {@return an exception for a request that may have reached the destination, whose answer was
   * lost: the destination may or may not have written the batch}
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public static RetryableDestinationException answerLost(String message, Throwable cause) {
    return new RetryableDestinationException(message, null, cause, true);
  }

  /**
   * {@return whether the request may have reached the destination and only its answer was lost, so
   * the destination may have written the batch}
   */
  public boolean answerLost() {
    return answerLost;
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
