package dev.sluice.destination;

/**
 * The whole batch failed for a reason that may pass: a 5xx answer, a timeout, a reset connection.
 * The engine may send the same batch again (with the same {@link Batch#id()}); records it does
 * not get through stay pending in the state and are sent on the next run.
 */
public class RetryableDestinationException extends DestinationException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with a message that names what failed.
   *
   * @param message what went wrong, and what to do about it
   */
  public RetryableDestinationException(String message) {
    super(message);
  }

  /**
   * An exception with a message and the underlying cause.
   *
   * @param message what went wrong, and what to do about it
   * @param cause the underlying failure
   */
  public RetryableDestinationException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public final boolean isRetryable() {
    return true;
  }
}
