package dev.sluice.state;

import dev.sluice.diff.KeyOrder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link StateStore} in memory: fast, and gone when the process ends, so the first run after a
 * restart sends everything again. The default state of a sync.
 *
 * <p>Each sync's state is an immutable snapshot of sorted keys and their hashes (about 60 bytes
 * per key plus the key text); a commit builds the next snapshot and publishes it atomically.
 * Thread-safe.
 */
public final class InMemoryStateStore implements StateStore {

  private final Map<String, Snapshot> snapshots = new ConcurrentHashMap<>();
  private final Map<String, Boolean> open = new ConcurrentHashMap<>();

  /** A new, empty store. */
  public InMemoryStateStore() {}

  @Override
  public SyncState open(String syncName) {
    Objects.requireNonNull(syncName, "syncName");
    if (open.putIfAbsent(syncName, Boolean.TRUE) != null) {
      throw new StateStoreException("sync '" + syncName + "' is already running against this state store;"
          + " one run of a sync at a time (wait for the other run to finish)");
    }
    return new Session(syncName, snapshots.getOrDefault(syncName, Snapshot.EMPTY));
  }

  /**
   * {@return a copy of the committed state of {@code syncName}, in key order; empty when it has none}
   *
   * @param syncName the name of the sync
   */
  public Map<String, Long> entries(String syncName) {
    Snapshot s = snapshots.getOrDefault(syncName, Snapshot.EMPTY);
    Map<String, Long> copy = new LinkedHashMap<>();
    for (int i = 0; i < s.keys.length; i++) {
      copy.put(s.keys[i], s.hashes[i]);
    }
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Forgets the state of {@code syncName}, so its next run sends everything.
   *
   * @param syncName the name of the sync
   */
  public void clear(String syncName) {
    snapshots.remove(syncName);
  }

  private final class Session implements SyncState {
    private final String syncName;
    private final Snapshot previous;
    // null value = confirmed delete
    private final Map<String, Long> confirmed = new HashMap<>();
    private boolean closed;
    private boolean committed;

    Session(String syncName, Snapshot previous) {
      this.syncName = syncName;
      this.previous = previous;
    }

    @Override
    public String fingerprint() {
      return previous.fingerprint;
    }

    @Override
    public boolean supportsLookups() {
      return true;
    }

    @Override
    public Long hashOf(String key) {
      int i = previous.indexOf(key);
      return i < 0 ? null : previous.hashes[i];
    }

    @Override
    public StateCursor cursor() {
      return previous.cursor();
    }

    @Override
    public long size() {
      return previous.keys.length;
    }

    @Override
    public void put(String key, long hash) {
      checkWritable();
      StateKeys.check(syncName, key);
      confirmed.put(key, hash);
    }

    @Override
    public void remove(String key) {
      checkWritable();
      StateKeys.check(syncName, key);
      confirmed.put(key, null);
    }

    @Override
    public void commit(String fingerprint) {
      checkWritable();
      committed = true;
      snapshots.put(syncName, previous.apply(confirmed, fingerprint));
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        open.remove(syncName);
      }
    }

    private void checkWritable() {
      if (closed || committed) {
        throw new IllegalStateException("the state session of sync '" + syncName + "' is "
            + (closed ? "closed" : "already committed"));
      }
    }
  }

  /** Sorted keys with their hashes, and an open-addressing index for lookups. */
  private static final class Snapshot {
    static final Snapshot EMPTY = new Snapshot(new String[0], new long[0], null);

    final String[] keys;
    final long[] hashes;
    final String fingerprint;
    private final int[] slots; // index + 1 into keys; 0 = empty
    private final int mask;

    /** The same entries under another fingerprint, sharing the index. */
    private Snapshot(Snapshot same, String fingerprint) {
      this.keys = same.keys;
      this.hashes = same.hashes;
      this.fingerprint = fingerprint;
      this.slots = same.slots;
      this.mask = same.mask;
    }

    Snapshot(String[] keys, long[] hashes, String fingerprint) {
      this.keys = keys;
      this.hashes = hashes;
      this.fingerprint = fingerprint;
      int capacity = Integer.highestOneBit(Math.max(4, keys.length * 2 - 1)) << 1;
      this.slots = new int[capacity];
      this.mask = capacity - 1;
      for (int i = 0; i < keys.length; i++) {
        int s = spread(keys[i].hashCode()) & mask;
        while (slots[s] != 0) {
          s = (s + 1) & mask;
        }
        slots[s] = i + 1;
      }
    }

    int indexOf(String key) {
      int s = spread(key.hashCode()) & mask;
      int slot;
      while ((slot = slots[s]) != 0) {
        if (keys[slot - 1].equals(key)) {
          return slot - 1;
        }
        s = (s + 1) & mask;
      }
      return -1;
    }

    private static int spread(int h) {
      return h ^ (h >>> 16);
    }

    StateCursor cursor() {
      return new StateCursor() {
        private int i = -1;

        @Override
        public boolean next() {
          return ++i < keys.length;
        }

        @Override
        public String key() {
          return keys[i];
        }

        @Override
        public long hash() {
          return hashes[i];
        }
      };
    }

    /** The next snapshot: this one with puts and deletes (null values) applied. */
    Snapshot apply(Map<String, Long> changes, String newFingerprint) {
      if (changes.isEmpty()) {
        return new Snapshot(this, newFingerprint);
      }
      List<String> changed = new ArrayList<>(changes.keySet());
      changed.sort(KeyOrder.COMPARATOR);
      String[] outKeys = new String[keys.length + changed.size()];
      long[] outHashes = new long[outKeys.length];
      int a = 0;
      int b = 0;
      int n = 0;
      while (a < keys.length || b < changed.size()) {
        int cmp = a == keys.length ? 1 : b == changed.size() ? -1 : KeyOrder.compare(keys[a], changed.get(b));
        if (cmp < 0) {
          outKeys[n] = keys[a];
          outHashes[n++] = hashes[a++];
        } else {
          String key = changed.get(b++);
          if (cmp == 0) {
            a++;
          }
          Long hash = changes.get(key);
          if (hash != null) {
            outKeys[n] = key;
            outHashes[n++] = hash;
          }
        }
      }
      return new Snapshot(Arrays.copyOf(outKeys, n), Arrays.copyOf(outHashes, n), newFingerprint);
    }
  }
}
