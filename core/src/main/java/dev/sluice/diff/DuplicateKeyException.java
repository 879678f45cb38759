package dev.sluice.diff;

import dev.sluice.SluiceException;

/** The source produced the same key twice in one run. The run fails and sends no deletes. */
public class DuplicateKeyException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /** The key that appeared twice. */
  private final String key;

  /**
   * The given key appeared twice.
   *
   * @param key the record key
   */
  public DuplicateKeyException(String key) {
    super("duplicate key '" + key + "': the source produced it twice in one run; keys must be unique"
        + " (check the key columns or de-duplicate in the query)");
    this.key = key;
  }

  /** {@return the repeated key} */
  public String key() {
    return key;
  }
}
