package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.destination.RecordOutcome;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.InMemorySource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** "Not found" for updates and "already exists" for inserts are outcomes of their own, not failures. */
class UpdateInsertOutcomesTest {

  /** Answers every update with "not found" and every insert with "already exists". */
  static final class RefusingDestination implements Destination {
    final List<String> sent = new ArrayList<>();

    @Override
    public Capabilities capabilities() {
      return Capabilities.builder().operations(Operation.values()).build();
    }

    @Override
    public synchronized BatchResult write(Batch batch) {
      BatchResult.Builder result = BatchResult.builder(batch);
      for (Record record : batch.records()) {
        sent.add(batch.operation() + " " + record.key());
        switch (batch.operation()) {
          case UPDATE:
            result.set(RecordOutcome.notFound(record.key(), "no contact with this id"));
            break;
          case INSERT:
            result.set(RecordOutcome.alreadyExists(record.key(), null));
            break;
          default:
            result.succeeded(record.key());
        }
      }
      return result.build();
    }
  }

  @Test
  void anInsertThatFindsTheRecordAlreadyThereIsRecordedAndNotSentAgain() {
    RefusingDestination destination = new RefusingDestination();
    Sync sync = Sync.from(InMemorySource.create().put(Record.builder("a").set("v", 1).build()))
        .to(destination).mode(SyncMode.INSERT).build();

    SyncReport first = sync.run();
    SyncReport second = sync.run();

    assertThat(first.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(first.alreadyExisted()).isEqualTo(1);
    assertThat(first.failed()).isZero();
    assertThat(first.summary()).contains("already existed 1");
    assertThat(second.alreadyExisted()).isZero();
    assertThat(destination.sent).containsExactly("INSERT a");
  }

  @Test
  void anUpdateThatFindsNoRecordIsNotAFailureAndIsTriedAgainNextRun() {
    InMemoryStateStore state = new InMemoryStateStore();
    RefusingDestination destination = new RefusingDestination();
    InMemorySource source = InMemorySource.create().put(Record.builder("a").set("v", 1).build());
    Sync.from(source).to(destination).named("s").state(state).mode(SyncMode.UPSERT).build().run();
    source.put(Record.builder("a").set("v", 2).build());
    Sync update = Sync.from(source).to(destination).named("s").state(state).mode(SyncMode.UPDATE).build();

    SyncReport first = update.run();
    SyncReport second = update.run();

    assertThat(first.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(first.notFound()).isEqualTo(1);
    assertThat(first.failed()).isZero();
    assertThat(second.notFound()).isEqualTo(1);
    assertThat(destination.sent).containsExactly("UPSERT a", "UPDATE a", "UPDATE a");
  }

  @Test
  void notFoundBelongsToUpdateBatchesOnly() {
    Batch batch = new Batch("s", "r", 1, Operation.UPSERT, List.of(Record.keyOnly("a")));
    assertThatThrownBy(() -> BatchResult.builder(batch).set(RecordOutcome.notFound("a", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UPDATE batches only");
  }
}
