package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class SchedulesTest {

  private final DataSource db = TestPostgres.freshDatabase();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final InMemoryStateStore state = new InMemoryStateStore();

  private SluiceScheduler start(Fixture f, SyncSchedule schedule, String instance) {
    SluiceScheduler s = Manual.builder(db, clock, instance).sync(f.sync, schedule).build();
    s.start();
    return s;
  }

  @Test
  void anIntervalSyncRunsAtOnceThenEveryIntervalAfterItsLastRun() {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler s = start(f, SyncSchedule.every(Duration.ofMinutes(15)), "a");

    Manual.runDue(s);
    assertThat(f.runs()).isEqualTo(1);
    assertThat(s.nextRun("customers")).contains(Instant.parse("2026-12-01T10:15:00Z"));

    clock.advance(Duration.ofMinutes(14).plusSeconds(59));
    Manual.runDue(s);
    assertThat(f.runs()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    Manual.runDue(s);
    assertThat(f.runs()).isEqualTo(2);
    assertThat(s.nextRun("customers")).contains(Instant.parse("2026-12-01T10:30:00Z"));
    assertThat(s.history("customers", 10)).extracting(RunRecord::trigger).containsOnly("schedule");
  }

  @Test
  void aCronSyncRunsAtItsInstantsInItsTimeZone() {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler s = start(f, SyncSchedule.cron("0 0 11,14 * * *", ZoneId.of("Europe/Berlin")), "a");

    // 10:00 UTC is 11:00 in Berlin, the first instant itself; the next is 14:00 Berlin = 13:00 UTC.
    assertThat(s.nextRun("customers")).contains(Instant.parse("2026-12-01T13:00:00Z"));
    Manual.runDue(s);
    assertThat(f.runs()).isZero();

    clock.advance(Duration.ofHours(3));
    Manual.runDue(s);
    assertThat(f.runs()).isEqualTo(1);
    assertThat(s.nextRun("customers")).contains(Instant.parse("2026-12-02T10:00:00Z"));
  }

  @Test
  void aCronSyncKeepsItsWallClockTimeAcrossTheDaylightSavingChange() {
    MutableClock march = new MutableClock(Instant.parse("2026-03-28T04:30:00Z")); // 05:30 in Berlin
    Fixture f = new Fixture("customers", state);
    SluiceScheduler s = Manual.builder(db, march, "a")
        .sync(f.sync, SyncSchedule.cron("0 0 6 * * *", ZoneId.of("Europe/Berlin"))).build();
    s.start();
    assertThat(s.nextRun("customers")).contains(Instant.parse("2026-03-28T05:00:00Z")); // 06:00 CET

    march.advance(Duration.ofMinutes(30));
    Manual.runDue(s);
    assertThat(f.runs()).isEqualTo(1);
    // Clocks go forward on the 29th: 06:00 CEST is 04:00 UTC, 23 hours later.
    assertThat(s.nextRun("customers")).contains(Instant.parse("2026-03-29T04:00:00Z"));

    march.advance(Duration.ofHours(23));
    Manual.runDue(s);
    assertThat(f.runs()).isEqualTo(2);
    assertThat(s.nextRun("customers")).contains(Instant.parse("2026-03-30T04:00:00Z"));
  }

  @Test
  void runsMissedWhileEveryInstanceWasDownRunOnceNotOnceEach() {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler first = start(f, SyncSchedule.every(Duration.ofMinutes(1)), "a");
    Manual.runDue(first);
    first.stop(Duration.ofSeconds(1));
    assertThat(f.runs()).isEqualTo(1);

    clock.advance(Duration.ofMinutes(10)); // ten runs due while nothing was up
    Fixture again = new Fixture("customers", state);
    SluiceScheduler second = start(again, SyncSchedule.every(Duration.ofMinutes(1)), "b");
    Manual.runDue(second);

    assertThat(again.runs()).isEqualTo(1);
    assertThat(second.nextRun("customers")).contains(clock.instant().plus(Duration.ofMinutes(1)));
    assertThat(second.history("customers", 10)).hasSize(2);
  }

  @Test
  void aManualSyncRunsOnlyWhenTriggered() {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler s = start(f, SyncSchedule.manual(), "a");

    clock.advance(Duration.ofDays(30));
    Manual.runDue(s);
    assertThat(f.runs()).isZero();

    s.trigger("customers");
    Manual.runDue(s);
    assertThat(f.runs()).isEqualTo(1);
    assertThat(s.nextRun("customers").orElseThrow()).isAfter(Instant.parse("2400-01-01T00:00:00Z"));
  }

  @Test
  void aScheduleChangedOnOneInstanceHoldsForTheOthersWithoutARestart() {
    Fixture fa = new Fixture("customers", state);
    Fixture fb = new Fixture("customers", state);
    SluiceScheduler a = start(fa, SyncSchedule.every(Duration.ofHours(1)), "a");
    SluiceScheduler b = start(fb, SyncSchedule.every(Duration.ofHours(1)), "b");
    Manual.runDue(a);
    assertThat(b.nextRun("customers")).contains(Instant.parse("2026-12-01T11:00:00Z"));

    a.changeSchedule("customers", SyncSchedule.every(Duration.ofMinutes(5)));

    assertThat(b.schedule("customers")).isEqualTo(SyncSchedule.every(Duration.ofMinutes(5)));
    assertThat(b.nextRun("customers")).contains(Instant.parse("2026-12-01T10:05:00Z"));
    clock.advance(Duration.ofMinutes(5));
    Manual.runDue(b);
    assertThat(fb.runs()).isEqualTo(1);
    assertThat(b.nextRun("customers")).contains(Instant.parse("2026-12-01T10:10:00Z"));
  }

  @Test
  void aRuntimeChangeSurvivesARestartUntilTheCodeDeclaresAnotherSchedule() {
    Fixture f = new Fixture("customers", state);
    SluiceScheduler a = start(f, SyncSchedule.every(Duration.ofHours(1)), "a");
    a.changeSchedule("customers", SyncSchedule.manual());
    a.stop(Duration.ofSeconds(1));

    SluiceScheduler sameCode = start(new Fixture("customers", state), SyncSchedule.every(Duration.ofHours(1)), "b");
    assertThat(sameCode.schedule("customers")).isEqualTo(SyncSchedule.manual());
    sameCode.stop(Duration.ofSeconds(1));

    SluiceScheduler newCode = start(new Fixture("customers", state), SyncSchedule.every(Duration.ofMinutes(30)), "c");
    assertThat(newCode.schedule("customers")).isEqualTo(SyncSchedule.every(Duration.ofMinutes(30)));
    assertThat(newCode.nextRun("customers")).contains(Instant.parse("2026-12-01T10:30:00Z"));
  }
}
