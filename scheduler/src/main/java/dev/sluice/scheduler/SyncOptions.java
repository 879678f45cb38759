package dev.sluice.scheduler;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the scheduler runs one sync: its {@link SyncSchedule}, an optional data-change watcher, and
 * its alert thresholds. Immutable: each {@code with}-style method returns a new value.
 *
 * <pre>{@code
 * SyncOptions.schedule(SyncSchedule.cron("0 0 * * * *", ZoneId.of("Europe/Berlin")))
 *     .watch(ChangeSignal.sql(warehouse, "select max(updated_at), count(*) from mart.customers"),
 *         Duration.ofMinutes(1))
 *     .staleAfter(Duration.ofHours(3))
 *     .partialAlertAbove(0.01);
 * }</pre>
 */
public final class SyncOptions {

  /** The shortest watch interval {@link #watch(ChangeSignal, Duration)} accepts. */
  public static final Duration MIN_WATCH_INTERVAL = Duration.ofSeconds(1);

  private final SyncSchedule schedule;
  private final ChangeSignal signal;
  private final Duration watchInterval;
  private final Duration staleAfter;
  private final double partialThreshold;

  private SyncOptions(SyncSchedule schedule, ChangeSignal signal, Duration watchInterval, Duration staleAfter,
      double partialThreshold) {
    this.schedule = schedule;
    this.signal = signal;
    this.watchInterval = watchInterval;
    this.staleAfter = staleAfter;
    this.partialThreshold = partialThreshold;
  }

  /**
   * Options with {@code schedule}, no watcher, no staleness alert, and alerts on every partial run.
   *
   * @param schedule the schedule
   * @return new options
   */
  public static SyncOptions schedule(SyncSchedule schedule) {
    return new SyncOptions(Objects.requireNonNull(schedule, "schedule"), null, null, null, 0);
  }

  /**
   * Polls {@code signal} every {@code interval} and triggers the sync when the value differs from
   * the one the last succeeded run saw. The value is stored next to the scheduler's table and
   * advances only when the run it triggered ends {@code SUCCEEDED}; a failed or partial run leaves
   * it, so the next poll triggers again. The first poll of a sync that never succeeded triggers.
   *
   * @param signal the change signal
   * @param interval the interval
   * @return new options
   */
  public SyncOptions watch(ChangeSignal signal, Duration interval) {
    Objects.requireNonNull(signal, "signal");
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(MIN_WATCH_INTERVAL) < 0) {
      throw new IllegalArgumentException("the watch interval must be at least " + MIN_WATCH_INTERVAL
          + ", was " + interval);
    }
    return new SyncOptions(schedule, signal, interval, staleAfter, partialThreshold);
  }

  /**
   * Alerts ({@link SyncAlerts#onStale}) once when the sync has not ended {@code SUCCEEDED} or
   * {@code PARTIAL} for {@code maxAge}, and again after it recovered and went stale again.
   *
   * @param maxAge the maximum age
   * @return new options
   */
  public SyncOptions staleAfter(Duration maxAge) {
    Objects.requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("staleAfter must be positive, was " + maxAge);
    }
    return new SyncOptions(schedule, signal, watchInterval, maxAge, partialThreshold);
  }

  /**
   * Alerts ({@link SyncAlerts#onPartial}) for a {@code PARTIAL} run only when more than
   * {@code share} (0 to 1) of its records were rejected or failed; default 0, every partial run.
   *
   * @param share the share, from 0 to 1
   * @return new options
   */
  public SyncOptions partialAlertAbove(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("partialAlertAbove must be between 0 and 1, was " + share);
    }
    return new SyncOptions(schedule, signal, watchInterval, staleAfter, share);
  }

  /**
   * The schedule.
   *
   * @return the schedule
   */
  public SyncSchedule schedule() {
    return schedule;
  }

  /**
   * The change signal, if the sync is watched.
   *
   * @return the change signal, if the sync is watched
   */
  public Optional<ChangeSignal> signal() {
    return Optional.ofNullable(signal);
  }

  /**
   * How often the signal is polled, if the sync is watched.
   *
   * @return how often the signal is polled, if the sync is watched
   */
  public Optional<Duration> watchInterval() {
    return Optional.ofNullable(watchInterval);
  }

  /**
   * After how long without success the sync is stale, if it has a staleness alert.
   *
   * @return after how long without success the sync is stale, if it has a staleness alert
   */
  public Optional<Duration> staleAfter() {
    return Optional.ofNullable(staleAfter);
  }

  /**
   * The share of rejected or failed records above which a partial run alerts.
   *
   * @return the share of rejected or failed records above which a partial run alerts
   */
  public double partialAlertThreshold() {
    return partialThreshold;
  }

  @Override
  public String toString() {
    return "SyncOptions{" + schedule + (signal == null ? "" : ", watch " + signal + " every " + watchInterval)
        + (staleAfter == null ? "" : ", stale after " + staleAfter) + ", partial alert above " + partialThreshold + '}';
  }
}
