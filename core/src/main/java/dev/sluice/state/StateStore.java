package dev.sluice.state;

/**
 * Keeps, per sync, the hash of each record the destination confirmed, so that the next run sends
 * only what changed. Implementations: {@link InMemoryStateStore} (the default; lost when the
 * process ends).
 *
 * <p><b>Contract.</b> New state = previous state + the changes the destination confirmed; never
 * ahead of the destination. One run of a sync at a time: {@link #open(String)} refuses a second
 * session for a sync name whose previous session is still open, with a
 * {@link StateStoreException} that says so. Thread-safe: different syncs may open their states at
 * once.
 */
public interface StateStore {

  /**
   * Opens the state of {@code syncName} for one run.
   *
   * @param syncName the name of the sync
   * @return the state, for one run
   * @throws StateStoreException if the state cannot be read, or another run of that sync holds it
   */
  SyncState open(String syncName);

  /** {@return a new, empty in-memory store} */
  static StateStore inMemory() {
    return new InMemoryStateStore();
  }
}
