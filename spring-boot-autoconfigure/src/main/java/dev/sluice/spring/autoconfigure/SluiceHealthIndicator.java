package dev.sluice.spring.autoconfigure;

import dev.sluice.scheduler.SluiceScheduler;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health of the syncs (Spring Boot 4): DOWN when a sync is stale or its last run ended FAILED or
 * ABORTED, with each sync's state as details. On Spring Boot 3 the auto-configuration defines the
 * same indicator against that line's health API instead.
 */
public class SluiceHealthIndicator implements HealthIndicator {

  private final SluiceScheduler scheduler;

  /**
   * The health of {@code scheduler}'s syncs.
   *
   * @param scheduler the scheduler
   */
  public SluiceHealthIndicator(SluiceScheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public Health health() {
    Health.Builder b = SluiceStatus.healthy(scheduler) ? Health.up() : Health.down();
    return b.withDetails(SluiceStatus.syncs(scheduler)).build();
  }
}
