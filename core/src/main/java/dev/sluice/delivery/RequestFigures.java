package dev.sluice.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * What delivering a run cost in requests, so that a slow run can be explained: HTTP requests made
 * (through {@link dev.sluice.http.JsonClient}, every endpoint counted: writes, id lookups, schema
 * reads, token calls), write attempts the engine made, retries among them, rate-limit answers,
 * the time spent waiting for the rate limit (the budget's pacing and the waits the destination
 * asked for), and batches split to isolate rejected records. Immutable.
 */
public final class RequestFigures {

  /** No requests at all. */
  public static final RequestFigures NONE = new RequestFigures(0, 0, 0, 0, Duration.ZERO, 0);

  private final long requests;
  private final long attempts;
  private final long retries;
  private final long rateLimited;
  private final Duration rateLimitWait;
  private final long batchesSplit;

  /**
   * Figures as counted.
   *
   * @param requests HTTP requests
   * @param attempts write attempts
   * @param retries attempts made again after a retryable failure
   * @param rateLimited writes refused for the rate limit
   * @param rateLimitWait time spent waiting for the rate limit
   * @param batchesSplit batches split in halves
   */
  public RequestFigures(long requests, long attempts, long retries, long rateLimited, Duration rateLimitWait,
      long batchesSplit) {
    this.requests = requests;
    this.attempts = attempts;
    this.retries = retries;
    this.rateLimited = rateLimited;
    this.rateLimitWait = Objects.requireNonNull(rateLimitWait, "rateLimitWait");
    this.batchesSplit = batchesSplit;
  }

  /** {@return the HTTP requests made through {@code JsonClient} for the run; 0 for destinations that do not use it} */
  public long requests() {
    return requests;
  }

  /** {@return the calls of the destination's write, retries and re-sends after a rate limit included} */
  public long attempts() {
    return attempts;
  }

  /** {@return the attempts made again after a retryable failure} */
  public long retries() {
    return retries;
  }

  /** {@return the writes refused for the rate limit (429) and waited out} */
  public long rateLimited() {
    return rateLimited;
  }

  /** {@return the time spent waiting for the rate-limit budget and for the waits the destination asked for} */
  public Duration rateLimitWait() {
    return rateLimitWait;
  }

  /** {@return the batches rejected as a whole and split in halves to find the bad records} */
  public long batchesSplit() {
    return batchesSplit;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RequestFigures)) {
      return false;
    }
    RequestFigures f = (RequestFigures) o;
    return requests == f.requests && attempts == f.attempts && retries == f.retries && rateLimited == f.rateLimited
        && rateLimitWait.equals(f.rateLimitWait) && batchesSplit == f.batchesSplit;
  }

  @Override
  public int hashCode() {
    return Objects.hash(requests, attempts, retries, rateLimited, rateLimitWait, batchesSplit);
  }

  /** The figures as in a report's summary line. */
  @Override
  public String toString() {
    return "requests " + requests + ", attempts " + attempts + ", retries " + retries + ", rate-limited "
        + rateLimited + ", rate-limit wait " + rateLimitWait.toMillis() + " ms, split " + batchesSplit;
  }
}
