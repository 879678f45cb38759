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
      return "the run reached its deadline of " + deadline;
    }
    return null;
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
