package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SyncReport;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class HistoryAndAlertsTest {

  private final DataSource db = TestPostgres.freshDatabase();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final Fixture f = new Fixture("customers", new InMemoryStateStore(), clock);
  private final List<String> alerts = new CopyOnWriteArrayList<>();
  private final SyncAlerts recorder = new SyncAlerts() {
    @Override
    public void onRunFailed(RunRecord run) {
      alerts.add("failed " + run.status());
    }

    @Override
    public void onPartial(RunRecord run, double badShare) {
      alerts.add("partial " + badShare);
    }

    @Override
    public void onStale(String syncName, Optional<Instant> lastSuccess, Duration maxAge) {
      alerts.add("stale " + syncName + " " + lastSuccess.map(Instant::toString).orElse("never") + " " + maxAge);
    }
  };

  private SluiceScheduler start(SyncOptions options, int historySize) {
    SluiceScheduler s = Manual.builder(db, clock, "a").sync(f.sync, options).alerts(recorder)
        .historySize(historySize).build();
    s.start();
    return s;
  }

  private RunRecord runNow(SluiceScheduler s) throws Exception {
    TriggerHandle h = s.trigger("customers");
    Manual.runDue(s);
    return h.await(Duration.ofSeconds(10));
  }

  @Test
  void theHistoryKeepsTheLastRunsOfASyncNewestFirst() throws Exception {
    SluiceScheduler s = start(SyncOptions.schedule(SyncSchedule.manual()), 3);
    for (int i = 0; i < 5; i++) {
      f.change("k1", 100 + i);
      runNow(s);
      clock.advance(Duration.ofMinutes(1));
    }

    List<RunRecord> history = s.history("customers", 10);
    assertThat(history).hasSize(3);
    assertThat(history).extracting(RunRecord::runId)
        .containsExactly(f.reports.get(4).runId(), f.reports.get(3).runId(), f.reports.get(2).runId());
    assertThat(history.get(0).report().changedRecords()).isEqualTo(1);
    assertThat(history.get(0).report().startedAt()).isEqualTo(f.reports.get(4).startedAt());
    assertThat(s.lastRun("customers").orElseThrow().runId()).isEqualTo(f.reports.get(4).runId());
  }

  @Test
  void aFailedRunAlertsAndAPartialRunAlertsOnlyAboveItsThreshold() throws Exception {
    SluiceScheduler s = start(SyncOptions.schedule(SyncSchedule.manual()).partialAlertAbove(0.3), 10);

    for (int i = 1; i <= 5; i++) {
      f.destination.failKey("k" + i, true, "the CRM is down");
    }
    assertThat(runNow(s).status()).isEqualTo(SyncReport.Status.FAILED);
    assertThat(alerts).containsExactly("failed FAILED");

    f.destination.clearFailures();
    f.destination.failKey("k1", true, "rate limited");
    assertThat(runNow(s).status()).isEqualTo(SyncReport.Status.PARTIAL); // 1 of 5 failed: 0.2, under 0.3
    assertThat(alerts).hasSize(1);

    f.destination.clearFailures();
    f.destination.failKey("k1", true, "rate limited");
    f.destination.failKey("k2", true, "rate limited");
    f.change("k2", 22);
    f.change("k3", 33);
    f.change("k4", 44);
    f.change("k5", 55);
    RunRecord partial = runNow(s); // k1 again and four changes: k1 and k2 of the 5 failed
    assertThat(partial.status()).isEqualTo(SyncReport.Status.PARTIAL);
    assertThat(alerts).containsExactly("failed FAILED", "partial 0.4");
  }

  @Test
  void aSyncWithoutSuccessForItsMaximumAgeAlertsOnceUntilItRecovers() throws Exception {
    SluiceScheduler s = start(SyncOptions.schedule(SyncSchedule.manual()).staleAfter(Duration.ofHours(2)), 10);
    runNow(s);
    Instant success = clock.instant();

    clock.advance(Duration.ofHours(2));
    s.checkStaleness();
    assertThat(alerts).isEmpty();
    assertThat(s.isStale("customers")).isFalse();

    clock.advance(Duration.ofSeconds(1));
    s.checkStaleness();
    s.checkStaleness();
    assertThat(alerts).containsExactly("stale customers " + success + " PT2H");
    assertThat(s.isStale("customers")).isTrue();

    runNow(s);
    assertThat(s.isStale("customers")).isFalse();
    assertThat(s.lastSuccess("customers")).contains(clock.instant());
    clock.advance(Duration.ofHours(3));
    s.checkStaleness();
    assertThat(alerts).hasSize(2);
  }

  @Test
  void aSyncThatNeverSucceededIsStaleFromItsRegistration() {
    SluiceScheduler s = start(SyncOptions.schedule(SyncSchedule.manual()).staleAfter(Duration.ofMinutes(30)), 10);

    clock.advance(Duration.ofMinutes(31));
    s.checkStaleness();

    assertThat(alerts).containsExactly("stale customers never PT30M");
  }
}
