package dev.sluice.spring.autoconfigure;

import dev.sluice.scheduler.SluiceScheduler;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/** Starts a {@link SluiceScheduler} with the application context and stops it, with a deadline, on close. */
public class SluiceSchedulerLifecycle implements SmartLifecycle {

  private final SluiceScheduler scheduler;
  private final Duration shutdownDeadline;
  private volatile boolean running;

  /**
   * A lifecycle for {@code scheduler}, whose stop lets runs end for up to {@code shutdownDeadline}.
   *
   * @param scheduler the scheduler
   * @param shutdownDeadline how long stop lets runs finish
   */
  public SluiceSchedulerLifecycle(SluiceScheduler scheduler, Duration shutdownDeadline) {
    this.scheduler = scheduler;
    this.shutdownDeadline = shutdownDeadline;
  }

  @Override
  public void start() {
    scheduler.start();
    running = true;
  }

  @Override
  public void stop() {
    scheduler.stop(shutdownDeadline);
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }
}
