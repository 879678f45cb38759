package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SyncReport;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WatcherTest {

  private static final Duration INTERVAL = Duration.ofMinutes(1);

  private final DataSource db = TestPostgres.freshDatabase();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final InMemoryStateStore state = new InMemoryStateStore();
  private final ChangeSignal signal = ChangeSignal.sql(db, "select max(updated_at), count(*) from mart_customers");

  @BeforeEach
  void warehouse() {
    TestPostgres.execute(db, "create table mart_customers (id int primary key, updated_at timestamptz not null)",
        "insert into mart_customers values (1, '2026-11-30 08:00:00+00'), (2, '2026-11-30 09:00:00+00')");
  }

  private SluiceScheduler start(Fixture f, String instance) {
    SluiceScheduler s = Manual.builder(db, clock, instance)
        .sync(f.sync, SyncOptions.schedule(SyncSchedule.manual()).watch(signal, INTERVAL))
        .build();
    s.start();
    Manual.runDue(s);
    return s;
  }

  private void nextPoll(SluiceScheduler s) {
    clock.advance(INTERVAL);
    Manual.runDue(s);
  }

  private void touch(int id) {
    TestPostgres.execute(db, "update mart_customers set updated_at = (select max(updated_at) from mart_customers) + interval '1 second'"
        + " where id = " + id);
  }

  @Test
  void theFirstPollRunsTheSyncAndAChangeThenTriggersExactlyOneRun() {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler s = start(f, "a");
    assertThat(f.runs()).isEqualTo(1);
    assertThat(s.lastRun("customers").orElseThrow().trigger()).isEqualTo("watch");

    nextPoll(s);
    assertThat(f.runs()).isEqualTo(1);

    touch(2);
    nextPoll(s);
    assertThat(f.runs()).isEqualTo(2);
    nextPoll(s);
    nextPoll(s);
    assertThat(f.runs()).isEqualTo(2);

    TestPostgres.execute(db, "delete from mart_customers where id = 1"); // max unchanged, count moves
    nextPoll(s);
    assertThat(f.runs()).isEqualTo(3);
  }

  @Test
  void aFailedRunLeavesTheWatermarkSoTheNextPollTriggersAgain() {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler s = start(f, "a");
    for (int i = 1; i <= 5; i++) {
      f.change("k" + i, 10 * i);
      f.destination.failKey("k" + i, true, "the CRM is down");
    }

    touch(1);
    nextPoll(s);
    assertThat(f.reports.get(1).status()).isEqualTo(SyncReport.Status.FAILED);
    nextPoll(s);
    assertThat(f.runs()).isEqualTo(3);
    assertThat(f.reports.get(2).status()).isEqualTo(SyncReport.Status.FAILED);

    f.destination.clearFailures();
    nextPoll(s);
    assertThat(f.runs()).isEqualTo(4);
    assertThat(f.reports.get(3).status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    nextPoll(s);
    assertThat(f.runs()).isEqualTo(4);
  }

  @Test
  void aRestartDoesNotTriggerASpuriousRun() {
    Fixture before = new Fixture("customers", state);
    SluiceScheduler s = start(before, "a");
    assertThat(before.runs()).isEqualTo(1);
    s.stop(Duration.ofSeconds(1));

    Fixture after = new Fixture("customers", state);
    SluiceScheduler restarted = start(after, "b");
    nextPoll(restarted);

    assertThat(after.runs()).isZero();
  }

  @Test
  void dataThatChangesDuringTheRunItTriggeredAsksForOneRerun() {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler s = start(f, "a");
    AtomicInteger polls = new AtomicInteger();
    f.duringRun = () -> {
      if (polls.getAndIncrement() == 0) {
        s.poll("customers", signal); // same value as the run started with: nothing to ask
        touch(1);
        s.poll("customers", signal); // moved while running: one more run
        s.poll("customers", signal);
      }
    };

    touch(2);
    nextPoll(s);

    assertThat(f.runs()).isEqualTo(3);
    nextPoll(s);
    assertThat(f.runs()).isEqualTo(3);
  }

  @Test
  void aSignalQueryIsCutOffAtItsTimeoutAndItsErrorShowsNoBindValue() {
    String secret = "s3cr3t-signal-" + java.util.UUID.randomUUID();
    ChangeSignal slow = ChangeSignal.sql(db, Duration.ofSeconds(1), "select pg_sleep(60), ?::text", secret);
    long start = System.nanoTime();
    assertThat(org.assertj.core.api.Assertions.catchThrowable(slow::read))
        .isInstanceOf(dev.sluice.source.SourceException.class).hasMessageContaining("change signal query failed");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("cut off long before the 60 s sleep")
        .isLessThan(Duration.ofSeconds(30));
    ChangeSignal refused = ChangeSignal.sql(db, "select ?::int", secret);
    assertThat(org.assertj.core.api.Assertions.catchThrowable(refused::read))
        .hasMessageNotContaining(secret).hasMessageContaining("***")
        .satisfies(e -> assertThat(String.valueOf(e.getCause())).doesNotContain(secret));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChangeSignal.sql(db, Duration.ofMillis(500), "select 1"))
        .hasMessageContaining("at least 1 second");
  }

  @Test
  void aSignalThatCannotBeReadTriggersNothing() {
    Fixture f = new Fixture("customers", state);
    ChangeSignal broken = ChangeSignal.sql(db, "select max(updated_at) from no_such_table");
    SluiceScheduler s = Manual.builder(db, clock, "a")
        .sync(f.sync, SyncOptions.schedule(SyncSchedule.manual()).watch(broken, INTERVAL))
        .build();
    s.start();
    Manual.runDue(s);
    nextPoll(s);

    assertThat(f.runs()).isZero();
  }
}
