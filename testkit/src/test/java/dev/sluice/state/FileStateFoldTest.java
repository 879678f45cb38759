package dev.sluice.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.diff.KeyOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a commit folds the run's journal into the next snapshot: read in one pass when batches are
 * only slightly out of turn, sorted on disk when the journal is in no useful order; the same
 * snapshot either way.
 */
class FileStateFoldTest {

  @TempDir
  Path dir;

  @Test
  void foldsAJournalWhoseBatchesCompletedOutOfTurn() throws Exception {
    List<String> keys = keys(120_000);
    List<List<String>> batches = new ArrayList<>();
    for (int i = 0; i < keys.size(); i += 500) {
      batches.add(keys.subList(i, Math.min(keys.size(), i + 500)));
    }
    // Four writers: each batch may complete up to three places early or late.
    Random random = new Random(1);
    for (int i = 0; i + 3 < batches.size(); i += 4) {
      Collections.shuffle(batches.subList(i, i + 4), random);
    }
    Map<String, Long> expected = commitInBatches(batches, 7);

    assertThat(read()).isEqualTo(expected);
    assertThat(filesBesideTheState()).isEmpty();
  }

  @Test
  void sortsAJournalInNoUsefulOrderOnDisk() throws Exception {
    List<String> keys = keys(150_000);
    Collections.shuffle(keys, new Random(2));
    List<List<String>> batches = new ArrayList<>();
    for (int i = 0; i < keys.size(); i += 500) {
      batches.add(keys.subList(i, Math.min(keys.size(), i + 500)));
    }
    Map<String, Long> expected = commitInBatches(batches, 9);

    assertThat(read()).isEqualTo(expected);
    assertThat(filesBesideTheState()).as("no sort files are left").isEmpty();
  }

  @Test
  void theLastConfirmationOfAKeyWinsAndRemovalsApplyToTheOldSnapshot() throws Exception {
    FileStateStore store = FileStateStore.in(dir).withoutFsync();
    try (SyncState s = store.open("s")) {
      for (int i = 0; i < 1_000; i++) {
        s.put("k" + i, i);
      }
      s.commit(null);
    }
    try (SyncState s = store.open("s")) {
      s.put("k5", 50);
      s.checkpoint();
      s.remove("k7");
      s.put("k5", 500);
      s.checkpoint();
      s.put("k7", 70);
      s.remove("k9");
      s.put("new", 1);
      s.commit(null);
    }
    Map<String, Long> state = read();
    assertThat(state).hasSize(1_000).containsEntry("k5", 500L).containsEntry("k7", 70L).containsEntry("new", 1L)
        .doesNotContainKey("k9");
  }

  private Map<String, Long> commitInBatches(List<List<String>> batches, long salt) {
    Map<String, Long> expected = new TreeMap<>(KeyOrder.COMPARATOR);
    try (SyncState s = FileStateStore.in(dir).withoutFsync().open("s")) {
      for (List<String> batch : batches) {
        for (String key : batch) {
          long hash = key.hashCode() * salt;
          s.put(key, hash);
          expected.put(key, hash);
        }
        s.checkpoint();
      }
      s.commit("f");
    }
    return expected;
  }

  private Map<String, Long> read() {
    Map<String, Long> state = new TreeMap<>(KeyOrder.COMPARATOR);
    try (SyncState s = FileStateStore.in(dir).withoutFsync().open("s")) {
      StateCursor cursor = s.cursor();
      String previous = null;
      while (cursor.next()) {
        if (previous != null) {
          assertThat(KeyOrder.compare(previous, cursor.key())).as("order after %s", previous).isNegative();
        }
        previous = cursor.key();
        state.put(cursor.key(), cursor.hash());
      }
    }
    return state;
  }

  private List<Path> filesBesideTheState() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> !p.getFileName().toString().matches("s\\.(state|lock)")).toList();
    }
  }

  private static List<String> keys(int n) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(String.format("c%09d", i));
    }
    keys.add("\ud83d\ude00 emoji");
    keys.add("\uffff last of the BMP");
    keys.add("\ue000 private use");
    keys.sort(KeyOrder.COMPARATOR);
    return keys;
  }
}
