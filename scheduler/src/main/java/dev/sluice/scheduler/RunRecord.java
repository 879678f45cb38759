package dev.sluice.scheduler;

import dev.sluice.SyncReport;
import java.time.Instant;
import java.util.Objects;

/**
 * One run of a scheduled sync as the run history keeps it: the report, what triggered the run and
 * which instance ran it. Immutable.
 *
 * <p>The history stores a report's status, failure, timing and counts; the lists of rejected and
 * failed records are kept only in the {@link SyncReport} returned to a trigger handle awaiting on
 * the instance that ran the sync.
 */
public final class RunRecord {

  private final String executionId;
  private final String trigger;
  private final String instance;
  private final Instant finishedAt;
  private final SyncReport report;

  RunRecord(String executionId, String trigger, String instance, Instant finishedAt, SyncReport report) {
    this.executionId = Objects.requireNonNull(executionId, "executionId");
    this.trigger = Objects.requireNonNull(trigger, "trigger");
    this.instance = Objects.requireNonNull(instance, "instance");
    this.finishedAt = Objects.requireNonNull(finishedAt, "finishedAt");
    this.report = Objects.requireNonNull(report, "report");
  }

  /**
   * The sync's name.
   *
   * @return the sync's name
   */
  public String syncName() {
    return report.syncName();
  }

  /**
   * The run's id, as in the report, the logs and the metrics.
   *
   * @return the run's id, as in the report, the logs and the metrics
   */
  public String runId() {
    return report.runId();
  }

  /**
   * What started the run: {@code schedule}, or the sources of the triggers it served, joined with
   * commas ({@code manual}, {@code watch}, {@code dbt-cloud}, …).
   *
   * @return what started the run: {@code schedule}, or the sources of the triggers it served,
   *     joined with commas ({@code manual}, {@code watch}, {@code dbt-cloud}, …)
   */
  public String trigger() {
    return trigger;
  }

  /**
   * The name of the scheduler instance that ran the sync.
   *
   * @return the name of the scheduler instance that ran the sync
   */
  public String instance() {
    return instance;
  }

  /**
   * When the run ended.
   *
   * @return when the run ended
   */
  public Instant finishedAt() {
    return finishedAt;
  }

  /**
   * How the run ended.
   *
   * @return how the run ended
   */
  public SyncReport.Status status() {
    return report.status();
  }

  /**
   * The run's report.
   *
   * @return the run's report
   */
  public SyncReport report() {
    return report;
  }

  String executionId() {
    return executionId;
  }

  @Override
  public String toString() {
    return "RunRecord{" + trigger + " on " + instance + ": " + report.summary() + '}';
  }
}
