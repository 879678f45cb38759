package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.FailureKind;
import dev.sluice.destination.Operation;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.source.Source;
import dev.sluice.state.FileStateStore;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.state.StateStore;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Statuses, typed causes, UPDATE semantics and what the state was written for. */
class RunOutcomesTest {

  private static Record record(String key, int v) {
    return Record.builder(key).set("v", v).build();
  }

  @Test
  void anUpdateSyncSendsKeysNewToItsStateAsUpdatesAndListsThoseNotFound() {
    RecordingDestination destination = RecordingDestination.create();
    destination.seed(record("held", 0));
    InMemorySource source = InMemorySource.create().put(record("held", 1)).put(record("absent", 1));
    Sync sync = Sync.from(source).to(destination).mode(SyncMode.UPDATE).build();

    SyncReport first = sync.run();
    SyncReport second = sync.run();

    assertThat(first.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(first.delivered()).isEqualTo(1);
    assertThat(first.notFound()).isEqualTo(1);
    assertThat(first.notFoundRecords()).singleElement()
        .satisfies(e -> assertThat(e.key()).isEqualTo("absent"))
        .satisfies(e -> assertThat(e.reason()).contains("no record"));
    assertThat(destination.get("held")).isEqualTo(record("held", 1));
    assertThat(destination.get("absent")).as("update never creates").isNull();
    assertThat(second.notFound()).as("tried again next run").isEqualTo(1);
    assertThat(second.unchanged()).isEqualTo(1);
    assertThat(destination.keysSent(Operation.UPDATE)).containsExactlyInAnyOrder("held", "absent", "absent");
  }

  @Test
  void aRunThatRejectsEveryRecordFails() {
    Mapping mapping = Mapping.builder().convert("v", Convert.toLocalDate()).build();
    SyncReport report = Sync.from(InMemorySource.create().put(record("a", 1)).put(record("b", 2)))
        .map(mapping).to(RecordingDestination.create()).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.FAILED);
    assertThat(report.failureKind()).contains(FailureKind.REJECTED);
    assertThat(report.failure()).get().asString().contains("every record was rejected (2)");
  }

  @Test
  void aRunInWhichNothingTriedCouldBeDeliveredFailsEvenWithRejections() {
    RecordingDestination destination = RecordingDestination.create().failKey("a", false, "refused");
    Mapping mapping = Mapping.builder().convert("v", Convert.toLong()).build();
    InMemorySource source = InMemorySource.create().put(record("a", 1))
        .put(Record.builder("b").set("v", "not a number").build());

    SyncReport report = Sync.from(source).map(mapping).to(destination).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.FAILED);
    assertThat(report.failureKind()).contains(FailureKind.DESTINATION);
  }

  @Test
  void aFailedRunCarriesTheKindAndTheExceptionOfItsCause() {
    InMemorySource failing = InMemorySource.create().put(record("a", 1)).put(record("b", 1)).failAfter(1, "disk gone");
    SyncReport sourceFailure = Sync.from(failing).to(RecordingDestination.create()).build().run();

    Source duplicates = Source.of(record("a", 1), record("a", 2));
    SyncReport duplicate = Sync.from(duplicates).to(RecordingDestination.create()).build().run();

    assertThat(sourceFailure.failureKind()).contains(FailureKind.SOURCE);
    assertThat(sourceFailure.failureCause()).get().extracting(Throwable::getMessage).asString().contains("disk gone");
    assertThat(duplicate.failureKind()).contains(FailureKind.DUPLICATE_KEY);
    assertThat(duplicate.failureCause()).get().isInstanceOf(dev.sluice.diff.DuplicateKeyException.class);
    assertThat(Sync.from(Source.of(record("a", 1))).to(RecordingDestination.create()).build().run().failureKind())
        .isEmpty();
  }

  @Test
  void aStateWrittenForAnotherDestinationIsNotUsedForDeletes(@TempDir Path dir) {
    StateStore state = FileStateStore.in(dir);
    RecordingDestination crm = RecordingDestination.create();
    Sync.from(InMemorySource.create().put(record("a", 1)).put(record("b", 1)))
        .to(crm).named("same").mode(SyncMode.MIRROR).state(state).build().run();

    // Another sync under the same name, to another destination, from another source.
    RecordingDestination other = RecordingDestination.create();
    Sync second = Sync.from(InMemorySource.ordered().put(record("x", 1))).to(new OtherSystem(other)).named("same")
        .mode(SyncMode.MIRROR).state(state).build();
    SyncReport report = second.run();
    SyncReport again = second.run();

    assertThat(report.destinationChanged()).isTrue();
    assertThat(report.deleted()).as("no delete derived from the other destination's state").isZero();
    assertThat(report.added()).isEqualTo(1);
    assertThat(report.summary()).contains("written for another destination");
    assertThat(other.keysSent(Operation.DELETE)).isEmpty();
    assertThat(again.destinationChanged()).isFalse();
    assertThat(again.unchanged()).isEqualTo(1);
    assertThat(again.deleted()).isZero();
  }

  @Test
  void aChangedSourceKeepsMirrorSemanticsAndIsReported() {
    InMemoryStateStore state = new InMemoryStateStore();
    RecordingDestination destination = RecordingDestination.create();
    Sync.from(InMemorySource.create().put(record("a", 1)).put(record("b", 1)))
        .to(destination).named("s").mode(SyncMode.MIRROR).state(state).build().run();

    SyncReport edited = Sync.from(Source.of(record("a", 1))).to(destination).named("s")
        .mode(SyncMode.MIRROR).state(state).build().run();

    assertThat(edited.sourceChanged()).isTrue();
    assertThat(edited.destinationChanged()).isFalse();
    assertThat(edited.deleted()).isEqualTo(1);
    assertThat(edited.summary()).contains("the source changed");
    assertThat(destination.contents()).containsOnlyKeys("a");
  }

  /** Another system: its identity differs from {@link RecordingDestination}'s. */
  private static final class OtherSystem implements dev.sluice.destination.Destination {
    private final RecordingDestination inner;

    OtherSystem(RecordingDestination inner) {
      this.inner = inner;
    }

    @Override
    public dev.sluice.destination.Capabilities capabilities() {
      return inner.capabilities();
    }

    @Override
    public dev.sluice.destination.BatchResult write(dev.sluice.destination.Batch batch) {
      return inner.write(batch);
    }

    @Override
    public String identity() {
      return "another system";
    }
  }
}
