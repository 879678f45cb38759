package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.ValueLimits;
import dev.sluice.diff.KeyOrder;
import dev.sluice.state.StateCursor;
import dev.sluice.state.StateStore;
import dev.sluice.state.StateStoreException;
import dev.sluice.state.SyncState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link StateStore} passes. A store's test extends it and says how to
 * make a fresh, empty store:
 *
 * <pre>{@code
 * class MyStateStoreTest extends StateStoreContract {
 *   @Override
 *   protected StateStore newStore() {
 *     return new MyStateStore(...);
 *   }
 * }
 * }</pre>
 *
 * <p>Override {@link #durable()} to return true for a store whose checkpointed changes survive a
 * session that never commits (they are folded in at the next open).
 */
public abstract class StateStoreContract {

  private StateStore store;

  /**
   * {@return a new, empty store, or one whose syncs this test class does not share with another}
   */
  protected abstract StateStore newStore();

  /** {@return whether checkpointed changes survive a session closed without commit} */
  protected boolean durable() {
    return false;
  }

  /** {@return the store under test} */
  protected final StateStore store() {
    return store;
  }

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  /**
   * {@return a sync name unique to one test, so that tests sharing a database stay apart}
   *
   * @param suffix what tells this test apart
   */
  protected final String syncName(String suffix) {
    return getClass().getSimpleName() + "-" + suffix + "-" + Long.toHexString(System.nanoTime());
  }

  @Test
  void startsEmptyWithoutFingerprint() {
    try (SyncState state = store.open(syncName("empty"))) {
      assertThat(state.size()).isZero();
      assertThat(state.fingerprint()).isNull();
      assertThat(state.cursor().next()).isFalse();
    }
  }

  @Test
  void commitPublishesPreviousStatePlusConfirmedChangesWithTheFingerprint() {
    String sync = syncName("commit");
    try (SyncState state = store.open(sync)) {
      state.put("b", 2);
      state.put("a", 1);
      state.checkpoint();
      state.put("c", 3);
      state.checkpoint();
      state.commit("fp-1");
    }
    try (SyncState state = store.open(sync)) {
      assertThat(state.fingerprint()).isEqualTo("fp-1");
      state.put("b", 20);
      state.remove("c");
      state.remove("never-there");
      state.put("d", 4);
      state.checkpoint();
      assertThat(entries(state)).as("reads see the previous state only").containsExactly(
          Map.entry("a", 1L), Map.entry("b", 2L), Map.entry("c", 3L));
      state.commit("fp-2");
    }
    try (SyncState state = store.open(sync)) {
      assertThat(entries(state)).containsExactly(Map.entry("a", 1L), Map.entry("b", 20L), Map.entry("d", 4L));
      assertThat(state.size()).isEqualTo(3);
      assertThat(state.fingerprint()).isEqualTo("fp-2");
    }
  }

  @Test
  void keepsOrDropsUncommittedChangesAsItsDurabilityPromises() {
    String sync = syncName("uncommitted");
    try (SyncState state = store.open(sync)) {
      state.put("kept-if-durable", 1);
      state.checkpoint();
      state.put("never-checkpointed", 2);
    }
    try (SyncState state = store.open(sync)) {
      Map<String, Long> entries = entries(state);
      if (durable()) {
        assertThat(entries).containsExactly(Map.entry("kept-if-durable", 1L));
      } else {
        assertThat(entries).isEmpty();
      }
    }
  }

  @Test
  void givesBackExactlyEveryKeyItAcceptsAndRefusesTheOthersByName() {
    String sync = syncName("odd-keys");
    List<String> keys = List.of("k\uD800", "\uDC00lone", "nul\u0000key", "x".repeat(ValueLimits.MAX_KEY_BYTES + 1),
        "\u00e9".repeat(ValueLimits.MAX_KEY_BYTES / 2 + 1), "x".repeat(ValueLimits.MAX_KEY_BYTES), "tab\tand\nnewline",
        "emoji \uD83D\uDE00", "\uFFFF", " ", "back\\slash|pipe");
    List<String> accepted = new ArrayList<>();
    try (SyncState state = store.open(sync)) {
      for (String key : keys) {
        try {
          state.put(key, key.length());
          accepted.add(key);
        } catch (IllegalArgumentException e) {
          assertThat(ValueLimits.keyProblem(key)).as("refused a key the engine accepts: %s", e.getMessage()).isNotNull();
          assertThat(e.getMessage()).contains(ValueLimits.escape(key).substring(0, Math.min(20, ValueLimits.escape(key).length())));
        }
      }
      state.commit("fp");
    }
    try (SyncState state = store.open(sync)) {
      Map<String, Long> back = new LinkedHashMap<>();
      StateCursor cursor = state.cursor();
      while (cursor.next()) {
        back.put(cursor.key(), cursor.hash());
      }
      assertThat(back.keySet()).as("what a store keeps, it gives back exactly").containsExactlyInAnyOrderElementsOf(accepted);
      for (String key : accepted) {
        assertThat(back.get(key)).isEqualTo((long) key.length());
      }
    }
    for (String key : keys) {
      if (ValueLimits.keyProblem(key) == null) {
        assertThat(accepted).as("every key the engine accepts is kept").contains(key);
      }
    }
  }

  @Test
  void walksKeysInCodePointOrder() {
    String sync = syncName("order");
    List<String> keys = List.of("m", "b", "Z", "ä", "a", "B", "10", "9", "\uFFFD", "\uD83D\uDE80", "a b", "ab", "");
    try (SyncState state = store.open(sync)) {
      for (String key : keys) {
        state.put(key, key.hashCode());
      }
      state.commit("fp");
    }
    List<String> expected = new ArrayList<>(keys);
    expected.sort(KeyOrder.COMPARATOR);
    try (SyncState state = store.open(sync)) {
      assertThat(entries(state).keySet()).containsExactlyElementsOf(expected);
      StateCursor cursor = state.cursor();
      while (cursor.next()) {
        assertThat(cursor.hash()).isEqualTo(cursor.key().hashCode());
      }
    }
  }

  @Test
  void holdsALargeState() {
    String sync = syncName("large");
    try (SyncState state = store.open(sync)) {
      for (int i = 0; i < 20_000; i++) {
        state.put("key-" + i, i * 31L);
        if (i % 1000 == 999) {
          state.checkpoint();
        }
      }
      state.commit("fp");
    }
    try (SyncState state = store.open(sync)) {
      assertThat(state.size()).isEqualTo(20_000);
      Map<String, Long> entries = entries(state);
      assertThat(entries).hasSize(20_000).containsEntry("key-12345", 12345 * 31L);
      if (state.supportsLookups()) {
        assertThat(state.hashOf("key-777")).isEqualTo(777 * 31L);
        assertThat(state.hashOf("key-20000")).isNull();
      }
    }
  }

  @Test
  void refusesASecondSessionForTheSameSync() {
    String sync = syncName("lock");
    try (SyncState first = store.open(sync)) {
      assertThat(first.size()).isZero();
      assertThatThrownBy(() -> store.open(sync))
          .isInstanceOf(StateStoreException.class)
          .hasMessageContaining("'" + sync + "' is already running");
      store.open(syncName("other")).close();
    }
    store.open(sync).close();
  }

  @Test
  void keepsSyncsApart() {
    String one = syncName("one");
    String two = syncName("two");
    try (SyncState state = store.open(one)) {
      state.put("a", 1);
      state.commit("fp-one");
    }
    try (SyncState state = store.open(two)) {
      assertThat(state.size()).isZero();
      assertThat(state.fingerprint()).isNull();
    }
  }

  @Test
  void refusesWritesAfterCommit() {
    try (SyncState state = store.open(syncName("closed"))) {
      state.commit("fp");
      assertThatThrownBy(() -> state.put("a", 1)).isInstanceOf(IllegalStateException.class);
    }
  }

  /**
   * {@return the committed entries of a session, in cursor order}
   *
   * @param state the session
   */
  protected static Map<String, Long> entries(SyncState state) {
    Map<String, Long> entries = new LinkedHashMap<>();
    StateCursor cursor = state.cursor();
    while (cursor.next()) {
      entries.put(cursor.key(), cursor.hash());
    }
    return entries;
  }
}
