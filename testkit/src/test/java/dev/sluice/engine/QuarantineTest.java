package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.destination.Operation;
import dev.sluice.state.FileStateStore;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record that fails permanently N runs in a row is held back until its data changes. */
class QuarantineTest {

  @TempDir
  Path dir;

  private Sync sync(InMemorySource source, RecordingDestination destination, int quarantineAfter) {
    return Sync.from(source).to(destination).named("poison").mode(SyncMode.MIRROR)
        .state(FileStateStore.in(dir)).quarantineAfter(quarantineAfter).build();
  }

  @Test
  void aRecordRefusedThreeRunsInARowIsQuarantinedUntilItsDataChanges() {
    InMemorySource source = InMemorySource.create()
        .put(Record.builder("good").set("v", 1).build())
        .put(Record.builder("poison").set("email", "not an email").build());
    RecordingDestination destination = RecordingDestination.create().failKey("poison", false, "invalid email");

    List<SyncReport> reports = new ArrayList<>();
    for (int run = 0; run < 5; run++) {
      // A new Sync each time, as a process restarted between runs would build it.
      reports.add(sync(source, destination, 3).run());
    }

    assertThat(reports.subList(0, 3)).allSatisfy(r -> assertThat(r.failed()).isEqualTo(1));
    assertThat(reports.get(2).failedRecords().get(0).reason()).contains("invalid email").contains("quarantined");
    for (SyncReport later : reports.subList(3, 5)) {
      assertThat(later.failed()).isZero();
      assertThat(later.quarantined()).isEqualTo(1);
      assertThat(later.quarantinedRecords()).singleElement().satisfies(e -> {
        assertThat(e.key()).isEqualTo("poison");
        assertThat(e.reason()).contains("failed permanently 3 runs in a row");
      });
      assertThat(later.status()).isEqualTo(SyncReport.Status.PARTIAL);
      assertThat(later.deleted()).as("a quarantined record is not a deleted one").isZero();
    }
    assertThat(destination.keysSent(Operation.UPSERT).stream().filter("poison"::equals)).hasSize(3);

    destination.clearFailures();
    source.put(Record.builder("poison").set("email", "ada@example.com").build());
    SyncReport fixed = sync(source, destination, 3).run();

    assertThat(fixed.delivered()).isEqualTo(1);
    assertThat(fixed.quarantined()).isZero();
    assertThat(fixed.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(destination.get("poison").get("email")).isEqualTo("ada@example.com");
  }

  @Test
  void retryableFailuresNeverQuarantineAndZeroSwitchesItOff() {
    InMemorySource source = InMemorySource.create().put(Record.builder("flaky").set("v", 1).build());
    RecordingDestination retrying = RecordingDestination.create().failKey("flaky", true, "503");
    for (int run = 0; run < 4; run++) {
      assertThat(sync(source, retrying, 2).run().failed()).isEqualTo(1);
    }

    InMemorySource other = InMemorySource.create().put(Record.builder("bad").set("v", 1).build());
    RecordingDestination refusing = RecordingDestination.create().failKey("bad", false, "refused");
    Sync never = Sync.from(other).to(refusing).named("never").quarantineAfter(0).build();
    for (int run = 0; run < 4; run++) {
      assertThat(never.run().failed()).isEqualTo(1);
    }
    assertThat(refusing.keysSent(Operation.UPSERT)).hasSize(4);
  }
}
