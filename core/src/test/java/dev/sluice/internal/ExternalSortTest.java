package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.RecordShape;
import dev.sluice.diff.KeyOrder;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalSortTest {

  @TempDir
  Path dir;

  @Test
  void sortsInMemoryWithoutTouchingTheDiskWhenEverythingFits() throws Exception {
    List<String> keys = randomKeys(2_000, 1);
    try (ExternalSort sort = new ExternalSort(dir.resolve("spill"), 10_000, 1 << 20, 8)) {
      add(sort, keys);
      assertThat(read(sort)).containsExactlyElementsOf(expected(keys));
      assertThat(sort.spilledRuns()).isZero();
    }
    assertThat(dir.resolve("spill")).doesNotExist();
  }

  @Test
  void mergesRunsInSeveralPassesWhenTheyOutnumberTheFanIn() throws Exception {
    List<String> keys = randomKeys(5_000, 2);
    try (ExternalSort sort = new ExternalSort(dir, 37, 1 << 20, 3)) {
      add(sort, keys);
      List<String> sorted = read(sort);
      int firstLevelRuns = (5_000 + 36) / 37;
      assertThat(sort.spilledRuns()).as("runs written, merge passes included").isGreaterThan(firstLevelRuns + 10);
      assertThat(sorted).containsExactlyElementsOf(expected(keys));
    }
    assertThat(filesUnder(dir)).as("no sort file is left after close").isEmpty();
  }

  @Test
  void spillsWhenTheByteBudgetIsReachedBeforeTheEntryCount() throws Exception {
    List<String> keys = randomKeys(3_000, 3);
    try (ExternalSort sort = new ExternalSort(dir, 1_000_000, 4_096, 4)) {
      add(sort, keys);
      assertThat(read(sort)).containsExactlyElementsOf(expected(keys));
      assertThat(sort.spilledRuns()).isGreaterThan(10);
    }
  }

  @Test
  void keepsEqualKeysInTheOrderTheyWereAdded() throws Exception {
    Random random = new Random(4);
    try (ExternalSort sort = new ExternalSort(dir, 50, 1 << 20, 4)) {
      for (int i = 0; i < 2_000; i++) {
        sort.add("k" + random.nextInt(40), 0, i);
      }
      ExternalSort.Cursor cursor = sort.sorted();
      String previousKey = null;
      long previousValue = -1;
      int n = 0;
      while (cursor.next()) {
        String key = cursor.key();
        if (key.equals(previousKey)) {
          assertThat(cursor.value()).as("order of the entries of %s", key).isGreaterThan(previousValue);
        } else if (previousKey != null) {
          assertThat(KeyOrder.compare(previousKey, key)).isNegative();
        }
        previousKey = key;
        previousValue = cursor.value();
        n++;
      }
      assertThat(n).isEqualTo(2_000);
    }
  }

  @Test
  void sortsLongKeysThatShareLongPrefixesAndDifferLate() throws Exception {
    List<String> keys = new ArrayList<>();
    Random random = new Random(5);
    String prefix = "tenant-0042|" + "x".repeat(150) + "|";
    for (int i = 0; i < 3_000; i++) {
      keys.add(prefix + "item-" + (random.nextInt(100)) + "-" + "y".repeat(random.nextInt(20)) + random.nextInt(1000));
      keys.add(prefix.substring(0, random.nextInt(prefix.length())));
    }
    try (ExternalSort sort = new ExternalSort(dir, 500, 1 << 20, 4)) {
      add(sort, keys);
      assertThat(read(sort)).containsExactlyElementsOf(expected(keys));
    }
  }

  @Test
  void ordersSupplementaryCharactersAfterTheBmpAboveTheSurrogatesAndKeepsLoneSurrogates() throws Exception {
    List<String> keys = new ArrayList<>(List.of("\ud83d\ude00", "\uffff", "\ue000", "z", "\ud800", "\udc00", "\ud83d\ude00a",
        "\ufb01", "\ud800\udc00"));
    Random random = new Random(6);
    for (int i = 0; i < 4_000; i++) {
      keys.add(KeyBytesTest.randomText(random) + i);
    }
    try (ExternalSort sort = new ExternalSort(dir, 300, 1 << 20, 4)) {
      add(sort, keys);
      List<String> sorted = read(sort);
      assertThat(sorted).containsExactlyElementsOf(expected(keys));
      assertThat(sorted.indexOf("\ud83d\ude00")).isGreaterThan(sorted.indexOf("\uffff"));
      assertThat(sorted.indexOf("\uffff")).isGreaterThan(sorted.indexOf("\ue000"));
    }
  }

  @Test
  void carriesRecordsOfEveryValueTypeExactly() throws Exception {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("tags", List.of("a", "b\ud800"));
    nested.put("n", 3L);
    RecordShape shape = RecordShape.of("s", "i", "l", "d", "big", "x", "b", "t", "day", "list", "map", "none");
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      records.add(shape.record("r" + (499 - i), "text " + i + " \ud83d\ude00 \udc00", i, (long) i << 40,
          BigDecimal.valueOf(i * 37L, 2), new BigDecimal("123456789012345678901234567890.12345"), i * 0.1, i % 2 == 0,
          Instant.ofEpochSecond(1_700_000_000L + i, i), LocalDate.of(2020, 1, 1).plusDays(i), List.of(i, "x", List.of()),
          nested, null));
    }
    records.add(Record.builder("other").set("only", "field").build());
    RecordCodec codec = new RecordCodec();
    try (ExternalSort sort = new ExternalSort(dir, 64, 1 << 20, 4)) {
      for (Record r : records) {
        codec.write(sort.begin(r.key(), 0, r.size()), r);
        sort.end();
      }
      ExternalSort.Cursor cursor = sort.sorted();
      List<Record> back = new ArrayList<>();
      while (cursor.next()) {
        back.add(codec.read(cursor.key(), cursor.payload()));
      }
      records.sort(Comparator.comparing(Record::key, KeyOrder.COMPARATOR));
      assertThat(back).containsExactlyElementsOf(records);
    }
  }

  @Test
  void failsNamingTheDirectoryWhenARunCannotBeWrittenAndLeavesNothingBehind() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file"), "in the way");
    ExternalSort sort = new ExternalSort(notADirectory, 10, 1 << 20, 4);
    assertThatThrownBy(() -> add(sort, randomKeys(100, 7)))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(notADirectory.toString());
    sort.close();
    assertThat(filesUnder(dir)).containsExactly(notADirectory);
  }

  @Test
  void removesSortFilesThatADeadProcessLeftBehindButNotThoseOfALiveSort() throws Exception {
    Path abandoned = Files.createDirectories(dir.resolve("sluice-sort-123"));
    Files.createFile(abandoned.resolve("lock"));
    Files.writeString(abandoned.resolve("run-0.bin"), "half a run");
    try (ExternalSort live = new ExternalSort(dir, 10, 1 << 20, 4)) {
      add(live, randomKeys(100, 8));
      assertThat(abandoned).doesNotExist();
      try (ExternalSort second = new ExternalSort(dir, 10, 1 << 20, 4)) {
        add(second, randomKeys(100, 9));
        assertThat(read(live)).hasSize(100);
        assertThat(read(second)).hasSize(100);
      }
    }
    assertThat(filesUnder(dir)).isEmpty();
  }

  @Test
  void aLockedSortDirectoryIsNotRemoved() throws Exception {
    Path other = Files.createDirectories(dir.resolve("sluice-sort-456"));
    try (FileChannel channel = FileChannel.open(other.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock held = channel.lock();
      ExternalSort.removeAbandoned(dir);
      assertThat(other.resolve("lock")).exists();
      held.release();
    }
  }

  private static void add(ExternalSort sort, List<String> keys) {
    for (int i = 0; i < keys.size(); i++) {
      sort.add(keys.get(i), i % 3, i);
    }
  }

  private static List<String> read(ExternalSort sort) {
    ExternalSort.Cursor cursor = sort.sorted();
    List<String> keys = new ArrayList<>();
    while (cursor.next()) {
      keys.add(cursor.key());
    }
    return keys;
  }

  private static List<String> expected(List<String> keys) {
    String[] sorted = keys.toArray(new String[0]);
    Arrays.sort(sorted, KeyOrder.COMPARATOR);
    return Arrays.asList(sorted);
  }

  private static List<String> randomKeys(int n, long seed) {
    Random random = new Random(seed);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add("c" + String.format("%012d", random.nextInt(1_000_000)) + (random.nextInt(10) == 0 ? "-x" : ""));
    }
    return keys;
  }

  private static List<Path> filesUnder(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> !p.equals(root)).toList();
    }
  }
}
