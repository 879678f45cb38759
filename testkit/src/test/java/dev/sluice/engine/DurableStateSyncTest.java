package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.destination.Operation;
import dev.sluice.state.FileStateStore;
import dev.sluice.state.JdbcStateStore;
import dev.sluice.state.StateStore;
import dev.sluice.map.Mapping;
import dev.sluice.source.Databases;
import dev.sluice.source.Source;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Syncs over durable state: sorting unordered sources, restarts, fingerprints. */
class DurableStateSyncTest {

  @TempDir
  Path dir;

  @Test
  void sortsAnUnorderedSourceOnDiskAndMirrorsIt() throws Exception {
    List<Record> rows = shuffled(5_000, 1);
    RecordingDestination crm = RecordingDestination.create();
    Path spill = Files.createDirectories(dir.resolve("spill"));

    SyncReport first = sync(Source.of(rows), crm, FileStateStore.in(dir.resolve("state")), spill).run();
    rows.removeIf(r -> r.key().endsWith("7"));
    rows.replaceAll(r -> r.key().endsWith("3") ? row(Integer.parseInt(r.key().substring(1)), 2) : r);
    Collections.shuffle(rows, new Random(2));
    crm.clearBatches();
    SyncReport second = sync(Source.of(rows), crm, FileStateStore.in(dir.resolve("state")), spill).run();

    assertThat(first.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(first.newRecords()).isEqualTo(5_000);
    assertThat(second.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(second.removedRecords()).isEqualTo(500);
    assertThat(second.changedRecords()).isEqualTo(500);
    assertThat(second.unchanged()).isEqualTo(4_000);
    assertThat(crm.keysSent(Operation.DELETE)).hasSize(500).allMatch(k -> k.endsWith("7"));
    assertThat(crm.size()).isEqualTo(4_500);
    try (var leftovers = Files.list(spill)) {
      assertThat(leftovers).as("sort runs are removed after the run").isEmpty();
    }
  }

  @Test
  void failsOnADuplicateKeyInAnUnorderedSourceWithoutSendingAnything() {
    List<Record> rows = shuffled(1_000, 3);
    rows.add(row(17, 9));
    RecordingDestination crm = RecordingDestination.create();

    SyncReport report = sync(Source.of(rows), crm, FileStateStore.in(dir), dir).run();

    assertThat(report.status()).isEqualTo(Status.FAILED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).startsWith("duplicate key 'k17'"));
  }

  @Test
  void remembersWhatWasSentAcrossRestarts() {
    InMemorySource source = InMemorySource.create();
    shuffled(2_000, 4).forEach(source::put);
    RecordingDestination crm = RecordingDestination.create();

    sync(source, crm, FileStateStore.in(dir), dir).run();
    crm.clearBatches();
    // A new Sync and a new store object, as after a process restart.
    SyncReport again = sync(source, crm, FileStateStore.in(dir), dir).run();

    assertThat(again.unchanged()).isEqualTo(2_000);
    assertThat(crm.batches()).isEmpty();
  }

  @Test
  void resendsEverythingOnceWhenTheMappingChanges() {
    InMemorySource source = InMemorySource.create();
    shuffled(300, 5).forEach(source::put);
    RecordingDestination crm = RecordingDestination.create();
    StateStore state = JdbcStateStore.builder(Databases.h2()).createTables(true).build();
    Mapping v1 = Mapping.builder().copy("name", "version").build();
    Mapping v2 = Mapping.builder().copy("name", "version").version("2").build();

    Sync.from(source).map(v1).to(crm).named("mapped").state(state).build().run();
    SyncReport changed = Sync.from(source).map(v2).to(crm).named("mapped").state(state).build().run();
    SyncReport settled = Sync.from(source).map(v2).to(crm).named("mapped").state(state).build().run();

    assertThat(changed.fingerprintChanged()).isTrue();
    assertThat(changed.changedRecords()).isEqualTo(300);
    assertThat(changed.delivered()).isEqualTo(300);
    assertThat(changed.summary()).contains("the mapping or destination settings changed: every record was sent again");
    assertThat(settled.fingerprintChanged()).isFalse();
    assertThat(settled.unchanged()).isEqualTo(300);
  }

  private static Sync sync(Source source, RecordingDestination crm, StateStore state, Path spill) {
    return Sync.from(source).to(crm).named("customers").state(state).mode(SyncMode.MIRROR)
        .spillDirectory(spill).sortRunRecords(300).build();
  }

  private static List<Record> shuffled(int n, long seed) {
    List<Record> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(row(i, 1));
    }
    Collections.shuffle(rows, new Random(seed));
    return rows;
  }

  private static Record row(int i, int version) {
    return Record.builder("k" + i).set("name", "row " + i).set("version", version).build();
  }
}
