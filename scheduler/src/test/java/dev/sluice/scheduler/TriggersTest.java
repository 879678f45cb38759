package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.SyncReport;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class TriggersTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final DataSource db = TestPostgres.freshDatabase();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final InMemoryStateStore state = new InMemoryStateStore();

  private SluiceScheduler start(Fixture f, String instance) {
    SluiceScheduler s = Manual.builder(db, clock, instance).sync(f.sync, SyncSchedule.manual()).build();
    s.start();
    return s;
  }

  @Test
  void aTriggerQueuesARunAndItsHandleReturnsThatRunsReport() throws Exception {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler s = start(f, "a");

    TriggerHandle handle = s.trigger("customers");
    assertThat(handle.outcome()).isEqualTo(TriggerHandle.Outcome.QUEUED);
    assertThat(handle.poll()).isEmpty();
    Manual.runDue(s);

    RunRecord run = handle.await(WAIT);
    assertThat(run.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(run.report().newRecords()).isEqualTo(5);
    assertThat(run.runId()).isEqualTo(f.reports.get(0).runId());
    assertThat(run.trigger()).isEqualTo("manual");
    assertThat(run.instance()).isEqualTo("a");
  }

  @Test
  void triggersMadeBeforeTheRunStartsShareOneRun() throws Exception {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler s = start(f, "a");

    TriggerHandle first = s.trigger("customers");
    TriggerHandle second = s.trigger("customers", SluiceScheduler.IfRunning.RERUN_AFTER);
    Manual.runDue(s);

    assertThat(f.runs()).isEqualTo(1);
    assertThat(first.await(WAIT).runId()).isEqualTo(second.await(WAIT).runId());
  }

  @Test
  void aTriggerWhileTheSyncRunsSaysSoStartsNoSecondRunAndAwaitsTheRunningOne() throws Exception {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler s = start(f, "a");
    List<TriggerHandle> during = new ArrayList<>();
    f.duringRun = () -> during.add(s.trigger("customers"));

    s.trigger("customers");
    Manual.runDue(s);

    assertThat(f.runs()).isEqualTo(1);
    assertThat(during).singleElement().extracting(TriggerHandle::outcome)
        .isEqualTo(TriggerHandle.Outcome.ALREADY_RUNNING);
    assertThat(during.get(0).await(WAIT).runId()).isEqualTo(f.reports.get(0).runId());
    assertThat(s.isRunning("customers")).isFalse();
  }

  @Test
  void aRerunAskedForWhileTheSyncRunsFollowsItOnceHoweverManyAsk() throws Exception {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler s = start(f, "a");
    List<TriggerHandle> during = new ArrayList<>();
    f.duringRun = () -> {
      if (during.isEmpty()) {
        during.add(s.trigger("customers", SluiceScheduler.IfRunning.RERUN_AFTER));
        during.add(s.trigger("customers", SluiceScheduler.IfRunning.RERUN_AFTER));
      }
    };

    TriggerHandle initial = s.trigger("customers");
    Manual.runDue(s);

    assertThat(f.runs()).isEqualTo(2);
    assertThat(during).extracting(TriggerHandle::outcome)
        .containsExactly(TriggerHandle.Outcome.RERUN_QUEUED, TriggerHandle.Outcome.RERUN_QUEUED);
    String rerun = f.reports.get(1).runId();
    assertThat(during.get(0).await(WAIT).runId()).isEqualTo(rerun);
    assertThat(during.get(1).await(WAIT).runId()).isEqualTo(rerun);
    assertThat(initial.await(WAIT).runId()).isEqualTo(f.reports.get(0).runId());
  }

  @Test
  void aTriggerOnOneInstanceRunsOnWhicheverInstancePicksIt() throws Exception {
    Fixture fa = new Fixture("customers", state);
    Fixture fb = new Fixture("customers", state);
    SluiceScheduler a = start(fa, "a");
    SluiceScheduler b = start(fb, "b");

    TriggerHandle handle = a.trigger("customers");
    Manual.runDue(b);

    RunRecord run = handle.await(WAIT);
    assertThat(run.instance()).isEqualTo("b");
    assertThat(fa.runs()).isZero();
    assertThat(fb.runs()).isEqualTo(1);
  }

  @Test
  void triggeringAnUnknownSyncNamesTheRegisteredOnes() {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler notStarted = Manual.builder(db, clock, "a").sync(f.sync, SyncSchedule.manual()).build();
    assertThatThrownBy(() -> notStarted.trigger("customers"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("call start()");

    notStarted.start();
    assertThatThrownBy(() -> notStarted.trigger("acounts"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'acounts'").hasMessageContaining("[customers]");
  }
}
