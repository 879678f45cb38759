package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunContext;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.observe.SyncListener;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.DiscardingDestination;
import dev.sluice.testkit.SyntheticSource;
import dev.sluice.testkit.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class ShutdownTest {

  private final DataSource db = TestPostgres.freshDatabase();
  private final InMemoryStateStore state = new InMemoryStateStore();
  private final CountDownLatch started = new CountDownLatch(1);

  private SluiceScheduler scheduler(long records) {
    Sync sync = Sync.from(SyntheticSource.of(records))
        .to(new DiscardingDestination(500))
        .named("customers")
        .state(state)
        .concurrency(1)
        .listener(new SyncListener() {
          @Override
          public void onRunStarted(RunContext run) {
            started.countDown();
          }
        })
        .build();
    SluiceScheduler s = SluiceScheduler.builder(db).sync(sync, SyncSchedule.manual())
        .pollingInterval(Duration.ofMillis(50)).instanceName("a").build();
    s.start();
    return s;
  }

  @Test
  void stopCancelsARunStillGoingAtTheDeadlineAndKeepsWhatWasConfirmed() throws Exception {
    // Fifty million records: far more than a run gets through before the deadline.
    SluiceScheduler s = scheduler(50_000_000);
    s.trigger("customers");
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    List<RunRecord> ended = s.stop(Duration.ofMillis(300));

    assertThat(ended).singleElement().satisfies(run -> {
      assertThat(run.status()).isEqualTo(SyncReport.Status.ABORTED);
      assertThat(run.report().failure()).hasValueSatisfying(f -> assertThat(f).contains("interrupted"));
      assertThat(run.report().delivered()).isPositive();
      assertThat((long) state.entries("customers").size()).isEqualTo(run.report().delivered());
    });
    SluiceScheduler after = scheduler(10);
    assertThat(after.lastRun("customers").orElseThrow().status()).isEqualTo(SyncReport.Status.ABORTED);
    assertThat(after.isRunning("customers")).isFalse();
    after.stop(Duration.ofSeconds(5));
  }

  @Test
  void stopLetsARunThatEndsBeforeTheDeadlineFinish() throws Exception {
    SluiceScheduler s = scheduler(20_000);
    TriggerHandle handle = s.trigger("customers");
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

    List<RunRecord> ended = s.stop(Duration.ofSeconds(30));

    RunRecord run = ended.isEmpty() ? handle.poll().orElseThrow() : ended.get(0);
    assertThat(run.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(run.report().delivered()).isEqualTo(20_000);
  }
}
