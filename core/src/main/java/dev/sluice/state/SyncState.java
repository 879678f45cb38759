package dev.sluice.state;

import dev.sluice.diff.KeyOrder;

/**
 * The state of one sync, opened for one run by {@link StateStore#open(String)}: the key → hash
 * entries the last committed run left, with that run's sync fingerprint (read side), and the
 * changes this run confirms (write side).
 *
 * <p><b>Reads</b> ({@link #cursor}, {@link #size}, {@link #fingerprint}, {@link #hashOf}) always see
 * the state as it was when the run opened it, never this run's own writes. A store that can look
 * single keys up quickly says so with {@link #supportsLookups()}; the engine then may diff an
 * unordered source without sorting it.
 *
 * <p><b>Writes.</b> The engine calls {@link #put} for each record the destination confirmed and
 * {@link #remove} for each confirmed delete, then {@link #checkpoint()} after each batch's outcomes
 * (a durable store makes them survive a crash there), and {@link #commit(String)} once at the end,
 * which publishes previous state + confirmed changes atomically with the sync's current
 * fingerprint. The engine never calls the write methods concurrently. {@link #close()} ends the
 * session; without a commit, checkpointed changes of a durable store are folded in when the sync
 * is next opened, since the destination has them.
 *
 * <p><b>Failures</b> are reported as {@link StateStoreException}; the run fails.
 */
public interface SyncState extends AutoCloseable {

  /** {@return the fingerprint the last commit recorded, or null when there was none} */
  String fingerprint();

  /** {@return a fresh cursor over the previous state, in ascending {@link KeyOrder}} */
  StateCursor cursor();

  /** {@return the number of entries in the previous state} */
  long size();

  /**
   * {@return the session of the store behind this state, as {@code type}, when it is one} The
   * engine may hand a differ a view of the state instead of the session itself — an empty view
   * when the state was written for another destination — and a differ that reads its store's
   * tables directly (the warehouse's) finds its session through this. The default gives this
   * object when it is a {@code type}.
   *
   * @param type the session class the caller reads
   * @param <T> the session type
   */
  default <T> java.util.Optional<T> unwrap(Class<T> type) {
    return type.isInstance(this) ? java.util.Optional.of(type.cast(this)) : java.util.Optional.empty();
  }

  /**
   * {@return whether {@link #hashOf} is fast (a memory lookup), so unordered sources need no sorting}
   */
  default boolean supportsLookups() {
    return false;
  }

  /**
   * {@return the hash the previous state holds for {@code key}, or null when it holds none}
   *
   * @param key the record key
   * @throws UnsupportedOperationException unless {@link #supportsLookups()}
   */
  default Long hashOf(String key) {
    throw new UnsupportedOperationException(getClass().getName() + " does not look keys up; use cursor()");
  }

  /**
   * The destination confirmed the record with {@code key} and content {@code hash}.
   *
   * @param key the record key
   * @param hash the record's content hash
   */
  void put(String key, long hash);

  /**
   * The destination confirmed the delete of {@code key}.
   *
   * @param key the record key
   */
  void remove(String key);

  /** The outcomes of one batch have been written; a durable store persists them now. */
  default void checkpoint() {}

  /**
   * Publishes previous state + confirmed changes atomically, recording {@code fingerprint}.
   * Called at most once.
   *
   * @param fingerprint the sync's fingerprint
   */
  void commit(String fingerprint);

  /** Ends the session and releases its lock. Must not throw after a failed commit. */
  @Override
  void close();
}
