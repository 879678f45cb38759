package dev.sluice;

/**
 * The root of every exception that Sluice throws on its own account. Unchecked: callers catch it
 * where they can act on it, typically around {@link Sync#run()} only for configuration mistakes,
 * since a run reports its failures in the {@link SyncReport} rather than by throwing.
 */
public class SluiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with a message that says what went wrong and what to do about it.
   *
   * @param message what went wrong, and what to do about it
   */
  public SluiceException(String message) {
    super(message);
  }

  /**
   * An exception with a message and the underlying cause.
   *
   * @param message what went wrong, and what to do about it
   * @param cause the underlying failure
   */
  public SluiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
