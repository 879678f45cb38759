package dev.sluice.state;

import dev.sluice.SluiceException;

/** A state store could not be read, written or locked. The run that uses it fails. */
public class StateStoreException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /** An exception with a message naming the sync and what failed. */
  public StateStoreException(String message) {
    super(message);
  }

  /** An exception with a message and the underlying cause. */
  public StateStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
