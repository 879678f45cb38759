package dev.sluice.webhook;

import dev.sluice.SluiceException;

/** A received webhook message failed verification; the message says which check. */
public class WebhookVerificationException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /**
   * A failed check.
   *
   * @param message what went wrong, and what to do about it
   */
  public WebhookVerificationException(String message) {
    super(message);
  }
}
