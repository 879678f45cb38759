package dev.sluice.destination;

/**
 * The whole batch failed for a reason that sending it again will not fix: the request was
 * invalid, the credentials were refused, the object does not exist. The engine does not retry it;
 * its records stay pending in the state, so a later run sends them once the cause is fixed.
 *
 * <p>When the cause affects every later batch too (the endpoint is gone, a daily quota is used
 * up), throw {@link #stopsRun(String)}: the engine then stops sending, keeps the state of every
 * record not confirmed, and ends the run as {@link dev.sluice.SyncReport.Status#ABORTED}.
 */
public class PermanentDestinationException extends DestinationException {
  private static final long serialVersionUID = 1L;

  /** Whether the run should stop: every later batch would fail the same way. */
  private final boolean stopsRun;

  /**
   * A failure of this batch only.
   *
   * @param message what went wrong, and what to do about it
   */
  public PermanentDestinationException(String message) {
    this(message, null, false);
  }

  /**
   * A failure of this batch only, with the underlying cause.
   *
   * @param message what went wrong, and what to do about it
   * @param cause the underlying failure
   */
  public PermanentDestinationException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * A permanent failure.
   *
   * @param message what failed and what to do, without secrets
   * @param cause the underlying cause, or null
   * @param stopsRun whether no later batch of this run can succeed either
   */
  public PermanentDestinationException(String message, Throwable cause, boolean stopsRun) {
    super(message, cause);
    this.stopsRun = stopsRun;
  }

  /**
   * {@return a failure that no later batch of this run can escape, so the run should stop}
   *
   * @param message what went wrong, and what to do about it
   */
  public static PermanentDestinationException stopsRun(String message) {
    return new PermanentDestinationException(message, null, true);
  }

  /** {@return whether the engine should stop the run} */
  public boolean stopsRun() {
    return stopsRun;
  }

  @Override
  public final boolean isRetryable() {
    return false;
  }
}
