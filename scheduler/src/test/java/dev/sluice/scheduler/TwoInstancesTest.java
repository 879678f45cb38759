package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunContext;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.observe.SyncListener;
import dev.sluice.state.JdbcStateStore;
import dev.sluice.testkit.RecordingDestination;
import dev.sluice.testkit.SyntheticSource;
import dev.sluice.testkit.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two real schedulers (db-scheduler's own threads and polling) on one PostgreSQL database. */
class TwoInstancesTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final DataSource db = TestPostgres.freshDatabase();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final List<SyncReport> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<SluiceScheduler> schedulers = new ArrayList<>();

  /** Counts runs of the sync in progress across both instances, as the sync itself sees them. */
  private final SyncListener overlap = new SyncListener() {
    @Override
    public void onRunStarted(RunContext run) {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    @Override
    public void onRunFinished(SyncReport report) {
      inFlight.decrementAndGet();
      reports.add(report);
    }
  };

  private SluiceScheduler instance(String name) {
    // Each instance builds its own Sync object, as each service replica would; they share the state tables.
    Sync sync = Sync.from(SyntheticSource.of(2_000))
        .to(RecordingDestination.create())
        .named("customers")
        .state(JdbcStateStore.builder(db).createTables(true).build())
        .listener(overlap)
        .build();
    SluiceScheduler s = SluiceScheduler.builder(db)
        .sync(sync, SyncSchedule.manual())
        .instanceName(name)
        .pollingInterval(Duration.ofMillis(50))
        .build();
    schedulers.add(s);
    s.start();
    return s;
  }

  @AfterEach
  void stop() {
    schedulers.forEach(s -> s.stop(Duration.ofSeconds(5)));
  }

  @Test
  void twoInstancesNeverRunOneSyncTwiceAtOnce() throws Exception {
    SluiceScheduler a = instance("a");
    SluiceScheduler b = instance("b");

    // One after the other: 24 runs, each on whichever instance picks it; a trigger that comes as the
    // previous run is being rescheduled gets a run of its own, not the finished one.
    java.util.Set<String> sequential = new java.util.HashSet<>();
    for (int i = 0; i < 24; i++) {
      RunRecord run = (i % 2 == 0 ? a : b).trigger("customers").await(WAIT);
      assertThat(run.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      sequential.add(run.runId());
    }
    assertThat(sequential).hasSize(24);
    // At once from eight threads on both instances: joins and reruns, never a second run at the same time.
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      List<Future<RunRecord>> calls = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        SluiceScheduler on = i % 2 == 0 ? a : b;
        SluiceScheduler.IfRunning ifRunning = i % 4 < 2 ? SluiceScheduler.IfRunning.RERUN_AFTER
            : SluiceScheduler.IfRunning.JOIN;
        Callable<RunRecord> call = () -> on.trigger("customers", ifRunning).await(WAIT);
        calls.add(callers.submit(call));
      }
      for (Future<RunRecord> call : calls) {
        assertThat(call.get().status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      }
    } finally {
      callers.shutdown();
    }

    assertThat(maxInFlight.get()).isEqualTo(1);
    assertThat(reports).hasSizeGreaterThanOrEqualTo(25)
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(SyncReport.Status.SUCCEEDED));
    assertThat(reports.get(0).newRecords()).isEqualTo(2_000);
    assertThat(a.history("customers", 100)).hasSize(reports.size());
    assertThat(a.isRunning("customers")).isFalse();
  }
}
