package dev.sluice.state;

import dev.sluice.diff.KeyOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.ChildJvm;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the file store does with damaged, missing and leftover files. */
class FileStateStoreTest {

  @TempDir
  Path dir;

  @Test
  void refusesATruncatedSnapshotSayingHowToRecover() throws IOException {
    FileStateStore store = committed(Map.of("a", 1L, "b", 2L, "c", 3L));
    Path snapshot = dir.resolve("s.state");
    try (RandomAccessFile file = new RandomAccessFile(snapshot.toFile(), "rw")) {
      file.setLength(file.length() - 5);
    }

    assertThatThrownBy(() -> store.open("s"))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("the state file " + snapshot + " is damaged: it ends early (torn write)")
        .hasMessageContaining("restore the file from a backup, or delete it");
  }

  @Test
  void refusesASnapshotWithAFlippedByte() throws IOException {
    Map<String, Long> entries = new LinkedHashMap<>();
    for (int i = 0; i < 1000; i++) {
      entries.put("key-" + i, (long) i);
    }
    FileStateStore store = committed(entries);
    Path snapshot = dir.resolve("s.state");
    byte[] bytes = Files.readAllBytes(snapshot);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(snapshot, bytes);

    assertThatThrownBy(() -> store.open("s"))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("is damaged");
  }

  @Test
  void refusesAFileThatIsNoStateFile() throws IOException {
    FileStateStore store = FileStateStore.in(dir);
    Files.writeString(dir.resolve("s.state"), "hello, I am a text file");

    assertThatThrownBy(() -> store.open("s")).hasMessageContaining("it is not a Sluice state file");
  }

  @Test
  void foldsTheJournalOfARunThatNeverCommitted() {
    FileStateStore store = committed(Map.of("a", 1L));
    try (SyncState state = store.open("s")) {
      state.put("b", 2);
      state.remove("a");
      state.checkpoint();
    }
    assertThat(Files.exists(dir.resolve("s.journal"))).isTrue();

    try (SyncState state = store.open("s")) {
      assertThat(StateStoreContractAccess.entries(state)).containsExactly(Map.entry("b", 2L));
      assertThat(state.fingerprint()).as("an interrupted run's fingerprint is not recorded").isEqualTo("fp");
    }
    assertThat(Files.exists(dir.resolve("s.journal"))).isFalse();
  }

  @Test
  void startsFromTheSnapshotWhenTheJournalIsMissing() throws IOException {
    FileStateStore store = committed(Map.of("a", 1L));
    try (SyncState state = store.open("s")) {
      state.put("b", 2);
      state.checkpoint();
    }
    Files.delete(dir.resolve("s.journal"));

    try (SyncState state = store.open("s")) {
      assertThat(StateStoreContractAccess.entries(state)).containsExactly(Map.entry("a", 1L));
    }
  }

  @Test
  void ignoresATornLastJournalBlock() throws IOException {
    FileStateStore store = committed(Map.of("a", 1L));
    try (SyncState state = store.open("s")) {
      state.put("b", 2);
      state.checkpoint();
      state.put("c", 3);
      state.checkpoint();
    }
    Path journal = dir.resolve("s.journal");
    long intact = Files.size(journal);
    Files.write(journal, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 1, 0}, StandardOpenOption.APPEND);
    assertThat(Files.size(journal)).isGreaterThan(intact);

    try (SyncState state = store.open("s")) {
      assertThat(StateStoreContractAccess.entries(state))
          .containsExactly(Map.entry("a", 1L), Map.entry("b", 2L), Map.entry("c", 3L));
    }
  }

  @Test
  void ignoresAJournalLeftBehindByAnAlreadyPublishedSnapshot() throws IOException {
    FileStateStore store = committed(Map.of("a", 1L));
    try (SyncState state = store.open("s")) {
      state.put("b", 2);
      state.checkpoint();
      Files.copy(dir.resolve("s.journal"), dir.resolve("old.journal"));
      state.commit("fp");
    }
    Files.move(dir.resolve("old.journal"), dir.resolve("s.journal"));
    try (SyncState state = store.open("s")) {
      state.remove("b");
      state.commit("fp");
    }
    try (SyncState state = store.open("s")) {
      assertThat(StateStoreContractAccess.entries(state)).containsExactly(Map.entry("a", 1L));
    }
  }

  @Test
  void keepsSyncNamesThatAreNotFileNamesApart() throws IOException {
    FileStateStore store = FileStateStore.in(dir);
    for (String name : new String[] {"a/b", "a%2Fb", "../up", "Ünïcode sync"}) {
      try (SyncState state = store.open(name)) {
        state.put(name, 1);
        state.commit("fp");
      }
    }
    try (SyncState state = store.open("a/b")) {
      assertThat(StateStoreContractAccess.entries(state)).containsOnlyKeys("a/b");
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      assertThat(files).allMatch(p -> p.getParent().equals(dir));
    }
  }

  @Test
  void refusesASyncLockedByAnotherProcess() throws Exception {
    try (ChildJvm holder = ChildJvm.start("64m", LockHolder.class, dir.toString(), "shared")) {
      assertThat(holder.awaitLine("locked"::equals, Duration.ofMinutes(1))).as("the holder printed:%n%s", holder.output())
          .isTrue();

      assertThatThrownBy(() -> FileStateStore.in(dir).open("shared"))
          .isInstanceOf(StateStoreException.class)
          .hasMessageContaining("sync 'shared' is already running against the state in " + dir)
          .hasMessageContaining("held by this or another process");
      holder.kill();
    }
    FileStateStore.in(dir).open("shared").close();
  }

  /** Holds a sync's lock until killed. */
  public static final class LockHolder {
    public static void main(String[] args) throws Exception {
      SyncState state = FileStateStore.in(Path.of(args[0])).open(args[1]);
      System.out.println("locked");
      System.out.flush();
      System.in.read();
      state.close();
    }
  }

  @Test
  void roundTripsManyUnicodeKeysAcrossBufferBoundariesInCodePointOrder() {
    // Keys mixing ASCII, 2- and 3-byte UTF-8, surrogate pairs and long shared prefixes: several MiB
    // of snapshot, so reading and writing cross their buffers many times.
    java.util.Random random = new java.util.Random(7);
    String[] pieces = {"a", "b", "z", "é", "ß", "中", "文", "\uD83D\uDE80", "\uD83D\uDE00", "\uFFFD", "\uE000", "-", "9"};
    Map<String, Long> expected = new java.util.TreeMap<>(KeyOrder.COMPARATOR);
    while (expected.size() < 150_000) {
      StringBuilder key = new StringBuilder("customer/").append(random.nextInt(50)).append('/');
      int length = 1 + random.nextInt(12);
      for (int j = 0; j < length; j++) {
        key.append(pieces[random.nextInt(pieces.length)]);
      }
      expected.put(key.toString(), random.nextLong());
    }
    FileStateStore store = committed(expected);
    try (SyncState state = store.open("s")) {
      state.put("customer/0/é-new", 42);
      state.commit("fp");
    }
    expected.put("customer/0/é-new", 42L);

    try (SyncState state = store.open("s")) {
      assertThat(new java.util.ArrayList<>(StateStoreContractAccess.entries(state).entrySet()))
          .containsExactlyElementsOf(expected.entrySet());
    }
  }

  private FileStateStore committed(Map<String, Long> entries) {
    FileStateStore store = FileStateStore.in(dir);
    try (SyncState state = store.open("s")) {
      entries.forEach(state::put);
      state.commit("fp");
    }
    return store;
  }
}
