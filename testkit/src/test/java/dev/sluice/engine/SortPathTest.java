package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.RecordError;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.destination.Batch;
import dev.sluice.destination.Operation;
import dev.sluice.diff.KeyOrder;
import dev.sluice.map.Mapping;
import dev.sluice.source.Source;
import dev.sluice.state.FileStateStore;
import dev.sluice.testkit.RecordingDestination;
import dev.sluice.testkit.SyntheticSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path of an unordered source into a state store without lookups: mapped and hashed, sorted
 * on disk in small runs, merged with the state in key order.
 */
class SortPathTest {

  @TempDir
  Path dir;

  @Test
  void reportsRejectionsInKeyOrderWithTheirReasonsAndNeverDeletesThem() {
    List<Record> rows = rows(2_000, 1);
    RecordingDestination crm = RecordingDestination.create();
    sync(Source.of(rows), crm).run();
    crm.clearBatches();
    // Every 7th row loses its email: rejected by the mapping, so neither sent nor deleted.
    rows.replaceAll(r -> Integer.parseInt(r.key().substring(1)) % 7 == 0
        ? Record.builder(r.key()).set("name", r.get("name")).set("email", null).set("version", 1).build() : r);
    Collections.shuffle(rows, new Random(2));

    SyncReport report = sync(Source.of(rows), crm).run();

    assertThat(report.status()).isEqualTo(Status.PARTIAL);
    assertThat(report.rejected()).isEqualTo(286);
    List<String> rejectedKeys = report.rejectedRecords().stream().map(RecordError::key).collect(Collectors.toList());
    assertThat(rejectedKeys).isSortedAccordingTo(KeyOrder.COMPARATOR).startsWith("k0", "k1001", "k1008");
    assertThat(report.rejectedRecords()).allSatisfy(e -> assertThat(e.reason()).contains("email"));
    assertThat(report.deleted()).isZero();
    assertThat(crm.batches()).isEmpty();
  }

  @Test
  void failsOnADuplicateKeyBeforeAnyDelete() {
    List<Record> rows = rows(3_000, 3);
    RecordingDestination crm = RecordingDestination.create();
    sync(Source.of(rows), crm).run();
    crm.clearBatches();
    rows.removeIf(r -> r.key().endsWith("5"));
    rows.add(row(2_999, 2)); // the last key in code point order is "k999": this one sorts early
    Collections.shuffle(rows, new Random(4));

    SyncReport failed = sync(Source.of(rows), crm).run();

    assertThat(failed.status()).isEqualTo(Status.FAILED);
    assertThat(failed.failure()).hasValueSatisfying(m -> assertThat(m).contains("duplicate key 'k2999'"));
    assertThat(crm.keysSent(Operation.DELETE)).isEmpty();
    assertThat(crm.size()).isEqualTo(3_000);

    rows.removeIf(r -> r.key().equals("k2999") && r.get("version").equals(2));
    SyncReport fixed = sync(Source.of(rows), crm).run();
    assertThat(fixed.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(fixed.deleted()).isEqualTo(300);
    assertThat(crm.size()).isEqualTo(2_700);
  }

  @Test
  void sortsKeysByCodePointSoSupplementaryCharactersComeAfterTheBmpAboveTheSurrogates() {
    List<Record> rows = new ArrayList<>();
    String[] stems = {"a", "\ue000", "\uffff", "\ufb01", "\ud83d\ude00", "\ud800\udc00", "\ud7ff", "z"};
    for (int i = 0; i < 1_200; i++) {
      rows.add(Record.builder(stems[i % stems.length] + i).set("email", "u" + i + "@example.com").set("version", 1).build());
    }
    Collections.shuffle(rows, new Random(5));
    RecordingDestination crm = RecordingDestination.create();

    SyncReport first = sync(Source.of(rows), crm).run();
    // Batches go out in key order; writers may take them in a different order, so order by sequence.
    List<String> sent = crm.batches().stream().sorted(Comparator.comparingLong(Batch::sequence))
        .flatMap(b -> b.keys().stream()).collect(Collectors.toList());
    Collections.shuffle(rows, new Random(6));
    SyncReport again = sync(Source.of(rows), crm).run();

    assertThat(first.added()).isEqualTo(1_200);
    assertThat(sent).hasSize(1_200).isSortedAccordingTo(KeyOrder.COMPARATOR);
    assertThat(sent.indexOf("\ud83d\ude004")).isGreaterThan(sent.indexOf("\uffff2"));
    assertThat(again.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(again.unchanged()).as("the state, merged in the same order, knows every key").isEqualTo(1_200);
  }

  @Test
  void mergesInSeveralPassesInASmallHeapAndStaysCorrect() throws Exception {
    Path state = dir.resolve("state");
    Path spill = dir.resolve("spill");

    ForkedJvm.Result first = ForkedJvm.run("24m", SortProbe.class, "run", state.toString(), spill.toString(), "200000", "0");
    ForkedJvm.Result second = ForkedJvm.run("24m", SortProbe.class, "run", state.toString(), spill.toString(), "200000", "1");

    assertThat(first.exitCode).as("first run; it printed:%n%s", first.output).isZero();
    assertThat(first.output).contains("added 200000");
    Matcher sorted = Pattern.compile("sorted 200000 records in (\\d+) runs on disk, (\\d+) merge passes").matcher(second.output);
    assertThat(sorted.find()).as("the sort's log line; it printed:%n%s", second.output).isTrue();
    assertThat(Integer.parseInt(sorted.group(2))).as("merge passes before the last").isGreaterThanOrEqualTo(2);
    assertThat(second.exitCode).as("second run; it printed:%n%s", second.output).isZero();
    assertThat(second.output).contains("updated 2000, deleted 0, unchanged 198000").doesNotContain("OutOfMemoryError");
    assertThat(filesUnder(spill)).isEmpty();
  }

  @Test
  void aRunKilledWhileSpillingLeavesNothingThatTheNextRunDoesNotCleanUp() throws Exception {
    Path state = dir.resolve("state");
    Path spill = dir.resolve("spill");

    ForkedJvm.Result crashed = ForkedJvm.run("64m", SortProbe.class, "crash", state.toString(), spill.toString(), "100000");
    assertThat(crashed.exitCode).as("the probe halted; it printed:%n%s", crashed.output).isEqualTo(3);
    assertThat(filesUnder(spill)).as("what the killed run left").isNotEmpty();

    SyncReport rerun = SortProbe.sync(SortProbe.shuffled(SyntheticSource.of(100_000), 100_000, null), state, spill).run();
    SyncReport again = SortProbe.sync(SortProbe.shuffled(SyntheticSource.of(100_000), 100_000, null), state, spill).run();

    assertThat(rerun.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(rerun.added()).isEqualTo(100_000);
    assertThat(again.unchanged()).isEqualTo(100_000);
    assertThat(filesUnder(spill)).as("the abandoned sort files are gone").isEmpty();
  }

  private Sync sync(Source source, RecordingDestination crm) {
    Mapping mapping = Mapping.builder().copy("email", "version").require("email").build();
    return Sync.from(source).map(mapping).to(crm).named("customers").state(FileStateStore.in(dir.resolve("state")))
        .mode(SyncMode.MIRROR).spillDirectory(dir.resolve("spill")).sortRunRecords(97).build();
  }

  private static List<Record> rows(int n, long seed) {
    List<Record> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(row(i, 1));
    }
    Collections.shuffle(rows, new Random(seed));
    return rows;
  }

  private static Record row(int i, int version) {
    return Record.builder("k" + i).set("name", "row " + i).set("email", "u" + i + "@example.com").set("version", version)
        .build();
  }

  private static List<Path> filesUnder(Path root) throws Exception {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> !p.equals(root)).collect(Collectors.toList());
    }
  }
}
