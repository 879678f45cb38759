package dev.sluice.scheduler;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What {@link SluiceScheduler#trigger(String)} did, and a way to await the run that serves it,
 * whichever instance runs it. Thread-safe.
 */
public final class TriggerHandle {

  /** What became of a trigger. */
  public enum Outcome {
    /** The sync was not running: a run is due now, on whichever instance picks it first. */
    QUEUED,
    /** The sync was running: no second run; {@link #await} returns the running run. */
    ALREADY_RUNNING,
    /** The sync was running: one more run follows it (shared by all who asked meanwhile). */
    RERUN_QUEUED
  }

  /** How often {@link #await} looks for a run that another instance finished. */
  static final Duration POLL = Duration.ofMillis(100);

  private final String syncName;
  private final Outcome outcome;
  private final Supplier<Optional<RunRecord>> poll;
  private final Object finished;

  TriggerHandle(String syncName, Outcome outcome, Supplier<Optional<RunRecord>> poll, Object finished) {
    this.syncName = syncName;
    this.outcome = outcome;
    this.poll = poll;
    this.finished = finished;
  }

  /**
   * The sync that was triggered.
   *
   * @return the sync that was triggered
   */
  public String syncName() {
    return syncName;
  }

  /**
   * What the trigger did.
   *
   * @return what the trigger did
   */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * The run that served this trigger, if it has finished.
   *
   * @return the run that served this trigger, if it has finished
   */
  public Optional<RunRecord> poll() {
    return poll.get();
  }

  /**
   * Waits for the run that serves this trigger to finish.
   *
   * @param timeout how long to wait
   * @return the run
   * @throws TimeoutException if it has not finished within {@code timeout}
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public RunRecord await(Duration timeout) throws TimeoutException, InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Optional<RunRecord> run = poll.get();
      if (run.isPresent()) {
        return run.get();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new TimeoutException("the run of sync '" + syncName + "' triggered (" + outcome
            + ") did not finish within " + timeout);
      }
      // A run finished on this instance wakes us at once; one on another instance is seen at the next poll.
      synchronized (finished) {
        TimeUnit.NANOSECONDS.timedWait(finished, Math.min(left, POLL.toNanos()));
      }
    }
  }

  @Override
  public String toString() {
    return "TriggerHandle{" + syncName + ", " + outcome + '}';
  }
}
