package dev.sluice.diff;

/**
 * The state of one sync, opened for one run by {@link StateStore#open(String)}: the key → hash
 * entries the last committed run left (read side), and the changes this run confirms (write side).
 *
 * <p><b>Reads</b> ({@link #hashOf}, {@link #cursor}, {@link #size}) always see the state as it was
 * when the run opened it, never this run's own writes.
 *
 * <p><b>Writes.</b> The engine calls {@link #put} for each record the destination confirmed and
 * {@link #remove} for each confirmed delete, then {@link #checkpoint()} after each batch's outcomes
 * (a durable store makes them survive a crash there), and {@link #commit()} once at the end, which
 * publishes previous state + confirmed changes atomically. The engine never calls the write
 * methods concurrently. {@link #close()} ends the session; without a commit, nothing written is
 * published.
 *
 * <p><b>Failures</b> are reported as {@link StateStoreException}; the run fails.
 */
public interface SyncState extends AutoCloseable {

  /** The hash the previous state holds for {@code key}, or null when it holds none. */
  Long hashOf(String key);

  /** A fresh cursor over the previous state, in ascending key order. */
  StateCursor cursor();

  /** Number of entries in the previous state. */
  long size();

  /** The destination confirmed the record with {@code key} and content {@code hash}. */
  void put(String key, long hash);

  /** The destination confirmed the delete of {@code key}. */
  void remove(String key);

  /** The outcomes of one batch have been written; a durable store persists them now. */
  default void checkpoint() {}

  /** Publishes the new state atomically. Called at most once. */
  void commit();

  /** Ends the session and releases its lock. Must not throw after a failed commit. */
  @Override
  void close();
}
