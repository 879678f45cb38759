package dev.sluice.engine;

import dev.sluice.state.StateCursor;
import dev.sluice.state.StateStore;
import dev.sluice.state.SyncState;

/**
 * A state store that starts empty, accepts every confirmation and keeps none: for memory probes,
 * where the point is what the engine itself holds, not what a state store holds.
 */
public final class ForgetfulStateStore implements StateStore {
  @Override
  public SyncState open(String syncName) {
    return new SyncState() {
      @Override
      public String fingerprint() {
        return null;
      }

      @Override
      public StateCursor cursor() {
        return new StateCursor() {
          @Override
          public boolean next() {
            return false;
          }

          @Override
          public String key() {
            throw new IllegalStateException("empty");
          }

          @Override
          public long hash() {
            throw new IllegalStateException("empty");
          }
        };
      }

      @Override
      public long size() {
        return 0;
      }

      @Override
      public void put(String key, long hash) {}

      @Override
      public void remove(String key) {}

      @Override
      public void commit(String fingerprint) {}

      @Override
      public void close() {}
    };
  }
}
