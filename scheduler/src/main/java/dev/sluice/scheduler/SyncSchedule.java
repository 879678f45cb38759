package dev.sluice.scheduler;

import com.github.kagkarlsson.scheduler.task.schedule.CronSchedule;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * When a sync runs by itself: every so often, on a cron expression in a time zone, or only when
 * triggered ({@link #manual()}). Immutable.
 *
 * <p>Its text form ({@link #toString()}, read back by {@link #parse(String)}) is what the scheduler
 * stores in db-scheduler's table, so that every instance runs a sync on the same schedule:
 * {@code every PT15M}, {@code cron 0 0 6 * * MON-FRI Europe/Berlin}, {@code manual}.
 */
public final class SyncSchedule {

  /** The shortest interval {@link #every(Duration)} accepts. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
  /** When a manual sync's execution is due: never, in practice (db-scheduler's far future). */
  static final Instant NEVER = Schedule.NEVER;

  private enum Kind { EVERY, CRON, MANUAL }

  private final Kind kind;
  private final Duration interval;
  private final String cron;
  private final ZoneId zone;
  private final CronSchedule cronSchedule;

  private SyncSchedule(Kind kind, Duration interval, String cron, ZoneId zone) {
    this.kind = kind;
    this.interval = interval;
    this.cron = cron;
    this.zone = zone;
    this.cronSchedule = kind == Kind.CRON ? new CronSchedule(cron, zone) : null;
  }

  /**
   * Runs the sync {@code interval} after the end of its previous run (a fixed delay, so runs never
   * pile up), and right away when it has never run. A run that was due while every instance was
   * down runs once when one comes back.
   *
   * @param interval the interval
   * @return the schedule
   * @throws IllegalArgumentException if {@code interval} is shorter than {@link #MIN_INTERVAL}
   */
  public static SyncSchedule every(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException("the schedule interval must be at least " + MIN_INTERVAL
          + ", was " + interval);
    }
    return new SyncSchedule(Kind.EVERY, interval, null, null);
  }

  /**
   * Runs the sync at the instants a cron expression names, read in {@code zone} (so {@code 0 0 6 * * *}
   * in {@code Europe/Berlin} is 06:00 Berlin time in winter and in summer). The expression has six
   * fields, as Spring writes them: second, minute, hour, day of month, month, day of week
   * ({@code 0 *}{@code /15 * * * *} is every quarter hour). Missed instants run once, not once each.
   *
   * @param expression the cron expression
   * @param zone the time zone
   * @return the schedule
   * @throws IllegalArgumentException if the expression does not parse, naming it
   */
  public static SyncSchedule cron(String expression, ZoneId zone) {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(zone, "zone");
    String trimmed = expression.trim().replaceAll("\\s+", " ");
    if (trimmed.isEmpty() || trimmed.equals("-")) {
      throw new IllegalArgumentException("the cron expression is empty; use SyncSchedule.manual() for a sync that"
          + " runs only when triggered");
    }
    try {
      return new SyncSchedule(Kind.CRON, null, trimmed, zone);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the cron expression '" + expression + "' does not parse (" + e.getMessage()
          + "); write six fields: second minute hour day-of-month month day-of-week, such as '0 0 6 * * *'", e);
    }
  }

  /**
   * Runs the sync only when triggered: {@link SluiceScheduler#trigger(String)}, a watcher or a
   * webhook.
   *
   * @return the schedule
   */
  public static SyncSchedule manual() {
    return new SyncSchedule(Kind.MANUAL, null, null, null);
  }

  /**
   * Reads the text form written by {@link #toString()}.
   *
   * @param text the text form
   * @return the schedule
   * @throws IllegalArgumentException if {@code text} is not such a form, saying what it should be
   */
  public static SyncSchedule parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.trim();
    if (t.equals("manual")) {
      return manual();
    }
    if (t.startsWith("every ")) {
      try {
        return every(Duration.parse(t.substring(6).trim()));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("the schedule '" + text + "' has no ISO-8601 duration after 'every',"
            + " such as 'every PT15M'", e);
      }
    }
    if (t.startsWith("cron ")) {
      String rest = t.substring(5).trim();
      int lastSpace = rest.lastIndexOf(' ');
      if (lastSpace < 0) {
        throw new IllegalArgumentException("the schedule '" + text + "' needs a time zone after the expression,"
            + " such as 'cron 0 0 6 * * * Europe/Berlin'");
      }
      return cron(rest.substring(0, lastSpace), ZoneId.of(rest.substring(lastSpace + 1)));
    }
    throw new IllegalArgumentException("the schedule '" + text + "' is not one of 'every <ISO-8601 duration>',"
        + " 'cron <six fields> <zone>' or 'manual'");
  }

  /**
   * Whether the sync runs only when triggered.
   *
   * @return whether the sync runs only when triggered
   */
  public boolean isManual() {
    return kind == Kind.MANUAL;
  }

  /**
   * When the sync is next due after a run that ended at {@code lastRunEnded}: the end plus the
   * interval, the next cron instant after it, or {@link Schedule#NEVER} for a manual sync.
   *
   * @param lastRunEnded when the last run ended
   * @return when the sync is next due after a run that ended at {@code lastRunEnded}: the end plus
   *     the interval, the next cron instant after it, or {@link Schedule#NEVER} for a manual sync
   */
  public Instant nextAfter(Instant lastRunEnded) {
    Objects.requireNonNull(lastRunEnded, "lastRunEnded");
    switch (kind) {
      case EVERY:
        return lastRunEnded.plus(interval);
      case CRON:
        return cronSchedule.getInitialExecutionTime(lastRunEnded);
      default:
        return NEVER;
    }
  }

  /**
   * When a sync that has never run is first due, at {@code now}: now, the next cron instant, or
   * never.
   *
   * @param now the current time
   * @return when a sync that has never run is first due, at {@code now}: now, the next cron
   *     instant, or never
   */
  public Instant first(Instant now) {
    return kind == Kind.EVERY ? now : nextAfter(now);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SyncSchedule && toString().equals(o.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  /** The text form: {@code every PT15M}, {@code cron 0 0 6 * * * Europe/Berlin} or {@code manual}. */
  @Override
  public String toString() {
    switch (kind) {
      case EVERY:
        return "every " + interval;
      case CRON:
        return "cron " + cron + " " + zone.getId();
      default:
        return "manual";
    }
  }
}
