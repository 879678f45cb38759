package dev.sluice.state;

import dev.sluice.diff.KeyOrder;

/**
 * Walks the entries of a sync's committed state in ascending key order
 * ({@link KeyOrder}). Use: {@code while (cursor.next()) { cursor.key(); cursor.hash(); }}.
 * Read from one thread.
 */
public interface StateCursor {

  /**
   * Moves to the next entry.
   *
   * @return false when there is none
   */
  boolean next();

  /** {@return the key of the current entry} */
  String key();

  /** {@return the hash of the current entry} */
  long hash();
}
