package dev.sluice.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryStateStoreTest {

  private final InMemoryStateStore store = new InMemoryStateStore();

  @Test
  void commitPublishesPreviousStatePlusConfirmedChanges() {
    try (SyncState s = store.open("s")) {
      s.put("b", 2);
      s.put("a", 1);
      s.put("c", 3);
      s.commit();
    }
    try (SyncState s = store.open("s")) {
      s.put("b", 20);
      s.remove("c");
      s.put("d", 4);
      assertThat(s.hashOf("b")).as("reads see the previous state only").isEqualTo(2L);
      assertThat(s.hashOf("d")).isNull();
      s.commit();
    }
    assertThat(store.entries("s")).containsExactly(
        java.util.Map.entry("a", 1L), java.util.Map.entry("b", 20L), java.util.Map.entry("d", 4L));
  }

  @Test
  void sessionWithoutCommitPublishesNothing() {
    try (SyncState s = store.open("s")) {
      s.put("a", 1);
    }
    assertThat(store.entries("s")).isEmpty();
  }

  @Test
  void cursorWalksKeysInAscendingOrder() {
    try (SyncState s = store.open("s")) {
      for (String k : List.of("m", "b", "z", "a", "B")) {
        s.put(k, k.hashCode());
      }
      s.commit();
    }
    List<String> keys = new ArrayList<>();
    try (SyncState s = store.open("s")) {
      StateCursor c = s.cursor();
      while (c.next()) {
        keys.add(c.key());
        assertThat(c.hash()).isEqualTo(c.key().hashCode());
      }
      assertThat(s.size()).isEqualTo(5);
    }
    assertThat(keys).containsExactly("B", "a", "b", "m", "z");
  }

  @Test
  void lookupsFindEveryKeyOfALargeState() {
    try (SyncState s = store.open("s")) {
      for (int i = 0; i < 10_000; i++) {
        s.put("key-" + i, i);
      }
      s.commit();
    }
    try (SyncState s = store.open("s")) {
      for (int i = 0; i < 10_000; i++) {
        assertThat(s.hashOf("key-" + i)).isEqualTo(i);
      }
      assertThat(s.hashOf("key-10000")).isNull();
    }
  }

  @Test
  void refusesASecondSessionForTheSameSync() {
    try (SyncState first = store.open("s")) {
      assertThat(first.size()).isZero();
      assertThatThrownBy(() -> store.open("s"))
          .isInstanceOf(StateStoreException.class)
          .hasMessageContaining("sync 's' is already running");
      store.open("other").close();
    }
    store.open("s").close();
  }

  @Test
  void keepsSyncsApart() {
    try (SyncState s = store.open("one")) {
      s.put("a", 1);
      s.commit();
    }
    assertThat(store.entries("two")).isEmpty();
  }

  @Test
  void refusesWritesAfterCommit() {
    try (SyncState s = store.open("s")) {
      s.commit();
      assertThatThrownBy(() -> s.put("a", 1)).isInstanceOf(IllegalStateException.class);
    }
  }
}
