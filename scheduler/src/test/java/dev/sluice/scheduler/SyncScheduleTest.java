package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SyncScheduleTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  @Test
  void anIntervalIsDueThatLongAfterTheEndOfTheLastRun() {
    SyncSchedule every = SyncSchedule.every(Duration.ofMinutes(15));
    Instant end = Instant.parse("2026-12-01T10:03:17Z");

    assertThat(every.nextAfter(end)).isEqualTo(Instant.parse("2026-12-01T10:18:17Z"));
    assertThat(every.first(end)).isEqualTo(end);
  }

  @Test
  void cronFiresAtTheWallClockTimeOfItsZoneAcrossTheDaylightSavingChange() {
    SyncSchedule six = SyncSchedule.cron("0 0 6 * * *", BERLIN);

    // Berlin moves from CET (+01:00) to CEST (+02:00) on 2026-03-29 at 02:00.
    Instant saturday = six.nextAfter(Instant.parse("2026-03-28T00:00:00Z"));
    Instant sunday = six.nextAfter(saturday);
    Instant monday = six.nextAfter(sunday);

    assertThat(saturday).isEqualTo(Instant.parse("2026-03-28T05:00:00Z"));
    assertThat(sunday).isEqualTo(Instant.parse("2026-03-29T04:00:00Z"));
    assertThat(Duration.between(saturday, sunday)).isEqualTo(Duration.ofHours(23));
    assertThat(monday).isEqualTo(Instant.parse("2026-03-30T04:00:00Z"));
  }

  @Test
  void cronInAnotherZoneFiresAtThatZonesTime() {
    SyncSchedule quarter = SyncSchedule.cron("0 */15 * * * *", ZoneId.of("America/New_York"));
    SyncSchedule ny = SyncSchedule.cron("0 30 9 * * MON-FRI", ZoneId.of("America/New_York"));

    assertThat(quarter.nextAfter(Instant.parse("2026-12-01T10:07:00Z"))).isEqualTo(Instant.parse("2026-12-01T10:15:00Z"));
    // Friday 2026-12-04 after the open: next is Monday 09:30 EST = 14:30 UTC.
    assertThat(ny.nextAfter(Instant.parse("2026-12-04T15:00:00Z"))).isEqualTo(Instant.parse("2026-12-07T14:30:00Z"));
  }

  @Test
  void aManualScheduleIsNeverDue() {
    assertThat(SyncSchedule.manual().nextAfter(Instant.parse("2026-12-01T00:00:00Z"))).isAfter(Instant.parse("2400-01-01T00:00:00Z"));
    assertThat(SyncSchedule.manual().isManual()).isTrue();
  }

  @Test
  void theTextFormReadsBackToTheSameSchedule() {
    for (SyncSchedule s : new SyncSchedule[] {SyncSchedule.every(Duration.ofMinutes(5)),
        SyncSchedule.cron("0 0 6 * * MON-FRI", BERLIN), SyncSchedule.manual()}) {
      assertThat(SyncSchedule.parse(s.toString())).isEqualTo(s);
    }
    assertThat(SyncSchedule.cron("0 0 6 * * *", BERLIN)).hasToString("cron 0 0 6 * * * Europe/Berlin");
  }

  @Test
  void badSchedulesAreRefusedWithWhatToWrite() {
    assertThatThrownBy(() -> SyncSchedule.every(Duration.ofMillis(10)))
        .hasMessageContaining("at least PT1S");
    assertThatThrownBy(() -> SyncSchedule.cron("every day", BERLIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'every day'").hasMessageContaining("six fields");
    assertThatThrownBy(() -> SyncSchedule.parse("hourly"))
        .hasMessageContaining("'every <ISO-8601 duration>'");
  }
}
