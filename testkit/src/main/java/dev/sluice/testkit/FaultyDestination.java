package dev.sluice.testkit;

import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RateLimitedException;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.Record;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Wraps a destination and injects the failures real APIs produce: latency, whole-batch retryable
 * failures, rate limits with a Retry-After, whole-batch rejections caused by one bad record, and
 * permanent failures of chosen records. Faults are queued per call in order; calls without a queued fault reach
 * the wrapped destination. Thread-safe.
 *
 * <pre>{@code
 * FaultyDestination faulty = FaultyDestination.wrap(RecordingDestination.create())
 *     .failNextCalls(3, () -> new RetryableDestinationException("HTTP 503"))
 *     .rejectBatchesContaining("k42", "400 VALIDATION_ERROR: email is invalid");
 * }</pre>
 */
public final class FaultyDestination implements Destination {

  private final Destination delegate;
  private final Deque<Supplier<? extends RuntimeException>> nextCalls = new ArrayDeque<>();
  private final Map<String, String> poison = new HashMap<>();
  private volatile Duration latency = Duration.ZERO;
  private final Map<String, String> failing = new HashMap<>();
  private int calls;

  private FaultyDestination(Destination delegate) {
    this.delegate = delegate;
  }

  /**
   * Wraps {@code delegate}.
   *
   * @param delegate the destination to wrap
   * @return a destination that passes calls on until told to fail them
   */
  public static FaultyDestination wrap(Destination delegate) {
    return new FaultyDestination(Objects.requireNonNull(delegate, "delegate"));
  }

  /**
   * The next {@code n} calls throw what {@code failure} makes (each call a new exception).
   *
   * @param n how many calls
   * @param failure makes the exception for each call
   * @return this destination
   */
  public synchronized FaultyDestination failNextCalls(int n, Supplier<? extends RuntimeException> failure) {
    for (int i = 0; i < n; i++) {
      nextCalls.add(failure);
    }
    return this;
  }

  /**
   * The next {@code n} calls are refused with a {@link RateLimitedException} asking to wait.
   *
   * @param n how many calls
   * @param retryAfter how long the API asked to wait
   * @return this destination
   */
  public FaultyDestination rateLimitNextCalls(int n, Duration retryAfter) {
    return failNextCalls(n, () -> new RateLimitedException("429 Too Many Requests", retryAfter));
  }

  /**
   * The next {@code n} calls fail with a {@link RetryableDestinationException}.
   *
   * @param n how many calls
   * @param message the exception's message
   * @return this destination
   */
  public FaultyDestination failNextCallsRetryably(int n, String message) {
    return failNextCalls(n, () -> new RetryableDestinationException(message));
  }

  /**
   * Every batch that contains {@code key} is rejected as a whole with a
   * {@link PermanentDestinationException} carrying {@code reason}, as APIs without per-record
   * results do when one record is invalid.
   *
   * @param key the record key
   * @param reason why, in words for the report
   * @return this destination
   */
  public synchronized FaultyDestination rejectBatchesContaining(String key, String reason) {
    poison.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(reason, "reason"));
    return this;
  }

  /**
   * Every call takes at least {@code latency} before it answers, as a slow API would.
   *
   * @param latency the least time a call takes
   * @return this destination
   */
  public FaultyDestination latency(Duration latency) {
    this.latency = Objects.requireNonNull(latency, "latency");
    return this;
  }

  /**
   * The record with {@code key} fails permanently with {@code reason}; the rest of its batch goes on.
   *
   * @param key the record key
   * @param reason why, in words for the report
   * @return this destination
   */
  public synchronized FaultyDestination failKeyPermanently(String key, String reason) {
    failing.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(reason, "reason"));
    return this;
  }

  /**
   * Calls made so far, faulty or not.
   *
   * @return the calls made so far
   */
  public synchronized int calls() {
    return calls;
  }

  @Override
  public Capabilities capabilities() {
    return delegate.capabilities();
  }

  @Override
  public BatchResult write(Batch batch) {
    long wait = latency.toNanos();
    long deadline = System.nanoTime() + wait;
    while (wait > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(wait);
      wait = deadline - System.nanoTime();
    }
    synchronized (this) {
      calls++;
      Supplier<? extends RuntimeException> fault = nextCalls.poll();
      if (fault != null) {
        throw fault.get();
      }
      for (String key : batch.keys()) {
        String reason = poison.get(key);
        if (reason != null) {
          throw new PermanentDestinationException(reason);
        }
      }
    }
    Map<String, String> failNow;
    synchronized (this) {
      failNow = new HashMap<>(failing);
    }
    if (failNow.isEmpty()) {
      return delegate.write(batch);
    }
    List<Record> passing = new ArrayList<>();
    for (Record r : batch.records()) {
      if (!failNow.containsKey(r.key())) {
        passing.add(r);
      }
    }
    BatchResult.Builder result = BatchResult.builder(batch);
    if (!passing.isEmpty()) {
      Batch rest = new Batch(batch.syncName(), batch.runId(), batch.sequence(), batch.operation(), passing);
      delegate.write(rest).outcomes().forEach(result::set);
    }
    for (Record r : batch.records()) {
      String reason = failNow.get(r.key());
      if (reason != null) {
        result.failed(r.key(), reason, false);
      }
    }
    return result.build();
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  /** The wrapped destination's: faults injected around it do not make it another system. */
  @Override
  public String identity() {
    return delegate.identity();
  }
}
