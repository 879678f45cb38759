package dev.sluice.destination;

import dev.sluice.SluiceException;

/**
 * Thrown by {@link Destination#write(Batch)} when a whole batch failed. Connectors classify; the
 * engine decides: see the three subclasses for what each tells it. Messages must not contain
 * secrets (tokens, passwords, signing keys).
 */
public abstract class DestinationException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with a message that names what failed.
   *
   * @param message what went wrong, and what to do about it
   */
  protected DestinationException(String message) {
    super(message);
  }

  /**
   * An exception with a message and the underlying cause.
   *
   * @param message what went wrong, and what to do about it
   * @param cause the underlying failure
   */
  protected DestinationException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@return whether trying the same batch again later may succeed} */
  public abstract boolean isRetryable();
}
