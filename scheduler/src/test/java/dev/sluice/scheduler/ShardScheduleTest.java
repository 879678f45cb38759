package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.destination.Operation;
import dev.sluice.state.JdbcStateStore;
import dev.sluice.testkit.RecordingDestination;
import dev.sluice.testkit.SyntheticSource;
import dev.sluice.testkit.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A sync split into shards, each shard a sync of its own on two real schedulers sharing one database. */
class ShardScheduleTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final DataSource db = TestPostgres.freshDatabase();
  private final RecordingDestination crm = RecordingDestination.create();
  private final List<SluiceScheduler> schedulers = new ArrayList<>();

  private SluiceScheduler instance(String name) {
    // Each instance builds the same sync and registers its three shards, as each replica would.
    Sync sync = Sync.from(SyntheticSource.of(1_500)).to(crm).named("customers")
        .state(JdbcStateStore.builder(db).createTables(true).build())
        .build();
    SluiceScheduler.Builder builder = SluiceScheduler.builder(db).instanceName(name).pollingInterval(Duration.ofMillis(50));
    for (Sync shard : sync.shards(3)) {
      builder.sync(shard, SyncSchedule.manual());
    }
    SluiceScheduler s = builder.build();
    schedulers.add(s);
    s.start();
    return s;
  }

  @AfterEach
  void stop() {
    schedulers.forEach(s -> s.stop(Duration.ofSeconds(5)));
  }

  @Test
  void eachShardIsASyncOfItsOwnThatAnyInstanceRunsAndTogetherTheyDeliverEveryRecordOnce() throws Exception {
    // The state tables exist before shards open their states at once: JdbcStateStore's lazy
    // "create table if not exists" races on a fresh PostgreSQL (pg_type unique violation).
    JdbcStateStore.builder(db).createTables(true).build().open("customers/shard-0-of-3").close();
    SluiceScheduler a = instance("a");
    SluiceScheduler b = instance("b");

    assertThat(a.syncNames()).containsExactlyInAnyOrder(
        "customers/shard-0-of-3", "customers/shard-1-of-3", "customers/shard-2-of-3");
    List<TriggerHandle> runs = List.of(a.trigger("customers/shard-0-of-3"), b.trigger("customers/shard-1-of-3"),
        a.trigger("customers/shard-2-of-3"));
    for (TriggerHandle run : runs) {
      assertThat(run.await(WAIT).status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    }

    List<String> sent = crm.keysSent(Operation.UPSERT);
    assertThat(sent).hasSize(1_500).doesNotHaveDuplicates();
    for (int i = 0; i < 3; i++) {
      assertThat(b.lastRun("customers/shard-" + i + "-of-3")).as("each shard has a history of its own")
          .hasValueSatisfying(last -> assertThat(last.status()).isEqualTo(SyncReport.Status.SUCCEEDED));
    }

    crm.clearBatches();
    RunRecord again = b.trigger("customers/shard-1-of-3").await(WAIT);

    assertThat(again.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(crm.batches()).as("an unchanged shard sends nothing").isEmpty();
    Set<String> held = new TreeSet<>(crm.contents().keySet());
    assertThat(held).hasSize(1_500);
  }
}
