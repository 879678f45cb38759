package dev.sluice.source;

import dev.sluice.SluiceException;

/** A source could not be opened or read. The run that reads it fails. */
public class SourceException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /**
   * An exception with a message that names the source and what failed.
   *
   * @param message what went wrong, and what to do about it
   */
  public SourceException(String message) {
    super(message);
  }

  /**
   * An exception with a message and the underlying cause.
   *
   * @param message what went wrong, and what to do about it
   * @param cause the underlying failure
   */
  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
