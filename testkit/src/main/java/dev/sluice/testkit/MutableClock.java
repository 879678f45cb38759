package dev.sluice.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that moves only when a test moves it, in UTC: inject it wherever Sluice takes a
 * {@link Clock} (token expiry, leases, rate limits, progress) instead of sleeping. Its
 * {@link #advance(Duration)} also serves as a {@link dev.sluice.delivery.Sleeper}, so that waiting
 * moves the time: {@code RollingWindowRateLimiter.builder("api", 10, window).clock(clock, clock::advance)}
 * or {@code DeliveryPolicy.custom().clock(clock, clock::advance)}. Thread-safe.
 */
public final class MutableClock extends Clock {

  private volatile Instant now;

  /**
   * A clock standing at {@code start}.
   *
   * @param start the time the clock starts at
   */
  public MutableClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /**
   * Moves the time forward by {@code duration}.
   *
   * @param duration how far to move the time
   */
  public synchronized void advance(Duration duration) {
    now = now.plus(duration);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
