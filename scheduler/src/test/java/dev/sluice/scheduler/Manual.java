package dev.sluice.scheduler;

import com.github.kagkarlsson.scheduler.testhelper.ManualScheduler;
import com.github.kagkarlsson.scheduler.testhelper.TestHelper;
import dev.sluice.testkit.MutableClock;
import javax.sql.DataSource;

/**
 * Schedulers driven by hand: db-scheduler's manual scheduler runs due executions in the test's
 * thread when asked, at the time of a {@link MutableClock}, so tests need neither sleeps nor polling.
 */
final class Manual {

  private Manual() {}

  /** A builder whose scheduler is db-scheduler's manual one, on {@code clock}. */
  static SluiceScheduler.Builder builder(DataSource ds, MutableClock clock, String instance) {
    return SluiceScheduler.builder(ds)
        .clock(clock)
        .instanceName(instance)
        .schedulerFactory((dataSource, tasks) -> TestHelper.createManualScheduler(dataSource, tasks)
            .clock(new BridgeClock(clock)));
  }

  /** Runs what is due now, until nothing more is (a run may make another due at once). */
  static void runDue(SluiceScheduler scheduler) {
    ManualScheduler manual = (ManualScheduler) scheduler.dbScheduler();
    for (int i = 0; i < 5; i++) {
      manual.runAnyDueExecutions();
    }
  }
}
