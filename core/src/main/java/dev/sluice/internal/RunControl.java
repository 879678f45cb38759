package dev.sluice.internal;

import dev.sluice.delivery.Sleeper;
import java.time.Clock;
import java.time.Duration;

/**
 * The bounds of one run in time: its deadline and its cancellation. Every wait of the delivery goes
 * through {@link #sleep(Duration)}, which ends early when the run is cancelled and never outlasts
 * the deadline. Thread-safe.
 */
final class RunControl {

  /** The longest slice a wait sleeps before it looks for a cancellation again. */
  private static final long SLICE_MILLIS = 100;

  private final Clock clock;
  private final Sleeper sleeper;
  private final dev.sluice.delivery.RequestCounter requests;
  private final Duration deadline;
  private final long deadlineMillis;
  private volatile String stopped;

  RunControl(Clock clock, Sleeper sleeper, Duration deadline, dev.sluice.delivery.RequestCounter requests) {
    this.requests = requests;
    this.clock = clock;
    this.sleeper = sleeper;
    this.deadline = deadline;
    this.deadlineMillis = deadline == null ? Long.MAX_VALUE : saturatedAdd(clock.millis(), deadline.toMillis());
  }

  /** Stops the run: waits end, no further attempt is made. */
  void cancel(String reason) {
    if (stopped == null) {
      stopped = reason;
    }
    requests.stop(); // permits waited for inside a write end too
  }

  /** Why the run must stop now (cancelled, or past its deadline), or null. */
  String stopReason() {
    if (stopped != null) {
      return stopped;
    }
    if (clock.millis() >= deadlineMillis) {
      return deadlineReason();
    }
    return null;
  }

  String deadlineReason() {
    return "the run reached its deadline of " + deadline;
  }

  /**
   * Has {@code atDeadline} run when the deadline comes, even while every thread of the run is
   * blocked outside its waits (in a database query, say): for a run on the system clock with a
   * deadline; null otherwise (a test's clock only moves when the test moves it, and the waits see it).
   */
  java.util.concurrent.ScheduledFuture<?> alarm(Runnable atDeadline) {
    if (deadline == null || clock.getClass() != Clock.systemUTC().getClass()) {
      return null;
    }
    long delay = Math.max(0, deadlineMillis - clock.millis());
    return ALARMS.schedule(atDeadline, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** One daemon thread rings every run's deadline. */
  private static final java.util.concurrent.ScheduledThreadPoolExecutor ALARMS = alarms();

  private static java.util.concurrent.ScheduledThreadPoolExecutor alarms() {
    java.util.concurrent.ScheduledThreadPoolExecutor alarms = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "sluice-run-deadlines");
      t.setDaemon(true);
      return t;
    });
    alarms.setRemoveOnCancelPolicy(true); // a finished run's alarm does not linger until its time
    return alarms;
  }

  /** Throws {@link Delivery.StopRun} when the run must stop. */
  void check() {
    String reason = stopReason();
    if (reason != null) {
      throw new Delivery.StopRun(reason, null);
    }
  }

  /** Waits {@code wait}, in slices, ending early (with {@link Delivery.StopRun}) on cancel or deadline. */
  void sleep(Duration wait) {
    long end = saturatedAdd(clock.millis(), Math.max(0, wait.toMillis()));
    while (true) {
      check();
      long now = clock.millis();
      if (now >= end) {
        return;
      }
      long slice = Math.min(Math.min(end, deadlineMillis) - now, SLICE_MILLIS);
      try {
        sleeper.sleep(Duration.ofMillis(Math.max(1, slice)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Delivery.StopRun("the run was interrupted while waiting", e);
      }
    }
  }

  Clock clock() {
    return clock;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
