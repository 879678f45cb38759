package dev.sluice.scheduler;

import com.github.kagkarlsson.scheduler.testhelper.SettableClock;
import dev.sluice.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;

/** db-scheduler's manual scheduler wants its SettableClock; this one reads the test's MutableClock. */
final class BridgeClock extends SettableClock {

  private final MutableClock clock;

  BridgeClock(MutableClock clock) {
    this.clock = clock;
  }

  @Override
  public Instant now() {
    return clock.instant();
  }

  @Override
  public void set(Instant newNow) {
    throw new UnsupportedOperationException("move the MutableClock instead");
  }

  @Override
  public void tick(Duration toAdd) {
    clock.advance(toAdd);
  }
}
