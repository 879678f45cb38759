package dev.sluice.delivery;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How Sluice waits: for a rate-limit budget, a backoff, a {@code Retry-After}. Tests pass one that
 * moves a fake clock instead of sleeping (testkit's {@code MutableClock::advance}).
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Waits {@code duration}.
   *
   * @param duration how long
   * @throws InterruptedException when the waiting thread is interrupted
   */
  void sleep(Duration duration) throws InterruptedException;

  /** {@return a sleeper that parks the calling thread; the default everywhere} */
  static Sleeper system() {
    return duration -> {
      long deadline = System.nanoTime() + duration.toNanos();
      long left;
      while ((left = deadline - System.nanoTime()) > 0) {
        LockSupport.parkNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while waiting");
        }
      }
    };
  }
}
