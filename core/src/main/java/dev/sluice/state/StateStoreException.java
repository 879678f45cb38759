package dev.sluice.state;

import dev.sluice.SluiceException;

/** A state store could not be read, written or locked. The run that uses it fails. */
public class StateStoreException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with a message naming the sync and what failed.
   *
   * @param message what went wrong, and what to do about it
   */
  public StateStoreException(String message) {
    super(message);
  }

  /**
   * An exception with a message and the underlying cause.
   *
   * @param message what went wrong, and what to do about it
   * @param cause the underlying failure
   */
  public StateStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
