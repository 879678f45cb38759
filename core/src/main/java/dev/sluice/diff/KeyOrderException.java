package dev.sluice.diff;

import dev.sluice.SluiceException;

/**
 * A source that declared its records ordered by key produced a key smaller than the one before.
 * The run fails rather than derive wrong changes. Common cause: the database's collation orders
 * text differently from {@link KeyOrder} (code points); order by a binary collation or do not
 * declare the order.
 */
public class KeyOrderException extends SluiceException {
  private static final long serialVersionUID = 1L;

  /**
   * {@code key} arrived after {@code previous} although it sorts before it.
   *
   * @param previous the key that arrived before
   * @param key the key that arrived out of order
   */
  public KeyOrderException(String previous, String key) {
    super("key '" + key + "' arrived after '" + previous + "', but the source declared ascending key order;"
        + " order by a binary collation (code point order, such as COLLATE \"C\"), or do not declare the order");
  }
}
