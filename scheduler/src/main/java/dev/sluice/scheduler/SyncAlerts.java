package dev.sluice.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Hears about runs that need a person: wire it to Slack, PagerDuty or email. Every method has a
 * no-op default.
 *
 * <p>Run alerts are called on the instance that ran the sync, after the run is in the history;
 * staleness alerts on the instance that ran the periodic check. Calls may come from any of the
 * scheduler's threads; an exception thrown here is logged and otherwise ignored.
 */
public interface SyncAlerts {

  /**
   * A run ended {@code FAILED} or {@code ABORTED}.
   *
   * @param run the run
   */
  default void onRunFailed(RunRecord run) {}

  /**
   * A run ended {@code PARTIAL} with more than the sync's
   * {@link SyncOptions#partialAlertAbove(double) threshold} of its records rejected or failed.
   *
   * @param run the run
   * @param badShare (rejected + failed) / read, from 0 to 1
   */
  default void onPartial(RunRecord run, double badShare) {}

  /**
   * The sync has not ended {@code SUCCEEDED} or {@code PARTIAL} within its
   * {@link SyncOptions#staleAfter(Duration) maximum age}. Called once per stale spell.
   *
   * @param syncName the sync's name
   * @param maxAge the maximum age
   * @param lastSuccess when it last succeeded; empty if it never did
   */
  default void onStale(String syncName, Optional<Instant> lastSuccess, Duration maxAge) {}
}
