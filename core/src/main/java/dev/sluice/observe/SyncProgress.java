package dev.sluice.observe;

import dev.sluice.delivery.RequestFigures;
import java.time.Duration;
import java.util.OptionalLong;

/** A snapshot of a run in progress. Immutable. */
public final class SyncProgress {

  private final String syncName;
  private final String runId;
  private final Duration elapsed;
  private final long read;
  private final long changes;
  private final long delivered;
  private final long failed;
  private final long sizeHint;
  private final RequestFigures requests;

  /**
   * A snapshot without request figures.
   *
   * @param sizeHint the number of records the source expects to yield, or -1 when unknown
   * @param syncName the name of the sync
   * @param runId the run's id
   * @param elapsed time since the run started
   * @param read records read
   * @param changes changes found
   * @param delivered changes the destination confirmed
   * @param failed changes the destination did not confirm
   */
  public SyncProgress(String syncName, String runId, Duration elapsed, long read, long changes,
      long delivered, long failed, long sizeHint) {
    this(syncName, runId, elapsed, read, changes, delivered, failed, sizeHint, RequestFigures.NONE);
  }

  /**
   * A snapshot.
   *
   * @param syncName the name of the sync
   * @param runId the run's id
   * @param elapsed time since the run started
   * @param read records read
   * @param changes changes found
   * @param delivered changes the destination confirmed
   * @param failed changes the destination did not confirm
   * @param sizeHint the number of records the source expects to yield, or -1 when unknown
   * @param requests what delivery has cost so far
   */
  public SyncProgress(String syncName, String runId, Duration elapsed, long read, long changes,
      long delivered, long failed, long sizeHint, RequestFigures requests) {
    this.syncName = syncName;
    this.runId = runId;
    this.elapsed = elapsed;
    this.read = read;
    this.changes = changes;
    this.delivered = delivered;
    this.failed = failed;
    this.sizeHint = sizeHint;
    this.requests = java.util.Objects.requireNonNull(requests, "requests");
  }

  /** {@return the requests, attempts, retries, rate-limit answers and waiting, splits so far} */
  public RequestFigures requests() {
    return requests;
  }

  /** {@return the sync's name} */
  public String syncName() {
    return syncName;
  }

  /** {@return the run's id} */
  public String runId() {
    return runId;
  }

  /** {@return time since the run started} */
  public Duration elapsed() {
    return elapsed;
  }

  /**
   * Records read so far.
   *
   * @return the records read so far
   */
  public long read() {
    return read;
  }

  /** {@return changes found so far that the mode sends} */
  public long changes() {
    return changes;
  }

  /** {@return changes confirmed by the destination so far} */
  public long delivered() {
    return delivered;
  }

  /** {@return changes the destination failed so far} */
  public long failed() {
    return failed;
  }

  /** {@return how many records the source expects to yield, when it knows} */
  public OptionalLong sizeHint() {
    return sizeHint < 0 ? OptionalLong.empty() : OptionalLong.of(sizeHint);
  }

  @Override
  public String toString() {
    return "SyncProgress{" + syncName + " " + runId + ": read " + read + ", changes " + changes
        + ", delivered " + delivered + ", failed " + failed + ", " + requests + " after " + elapsed.toMillis() + " ms}";
  }
}
