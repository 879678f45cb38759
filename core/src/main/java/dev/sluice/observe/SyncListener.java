package dev.sluice.observe;

import dev.sluice.RunContext;
import dev.sluice.SyncReport;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;

/**
 * Hears about a run as it happens: for progress bars, alerts and audit logs. Every method has a
 * no-op default, so implement only what you need.
 *
 * <p><b>Threading.</b> Calls for one run never overlap, but may come from the engine's delivery
 * threads rather than the thread that called {@code run()}. Keep them quick: the run waits.
 * An exception thrown by a listener is logged and otherwise ignored; it never changes the run.
 */
public interface SyncListener {

  /**
   * The run has opened its state and is about to read the source.
   *
   * @param run the run
   */
  default void onRunStarted(RunContext run) {}

  /**
   * The destination answered one batch.
   *
   * @param run the run
   * @param result the destination's answer
   */
  default void onBatchCompleted(RunContext run, BatchResult result) {}

  /**
   * The destination did not answer one batch (it threw, after the delivery policy's retries, or the
   * run stopped before it could go out): every record of {@code batch} failed with {@code reason}.
   * {@code retryable} says whether the records are sent again on the next run.
   *
   * @param run the run
   * @param batch the batch that failed
   * @param reason why
   * @param retryable whether its records are sent again next run
   */
  default void onBatchFailed(RunContext run, Batch batch, String reason, boolean retryable) {}

  /**
   * Progress, after each batch and at least every so many records read.
   *
   * @param progress the counts so far
   */
  default void onProgress(SyncProgress progress) {}

  /**
   * The run ended; the report says how.
   *
   * @param report the report
   */
  default void onRunFinished(SyncReport report) {}

  /** {@return a listener that ignores everything} */
  static SyncListener none() {
    return new SyncListener() {};
  }
}
