package dev.sluice.testkit;

import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RateLimitedException;
import dev.sluice.destination.RetryableDestinationException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Wraps a destination and injects the failures real APIs produce: latency, whole-batch retryable
 * failures, rate limits with a Retry-After, and whole-batch rejections caused by one bad record
 * (permanent per-record failures come from {@link RecordingDestination#failKey}). Faults are queued per call in order; calls without a queued fault reach
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
  private int calls;

  private FaultyDestination(Destination delegate) {
    this.delegate = delegate;
  }

  /** Wraps {@code delegate}. */
  public static FaultyDestination wrap(Destination delegate) {
    return new FaultyDestination(Objects.requireNonNull(delegate, "delegate"));
  }

  /** The next {@code n} calls throw what {@code failure} makes (each call a new exception). */
  public synchronized FaultyDestination failNextCalls(int n, Supplier<? extends RuntimeException> failure) {
    for (int i = 0; i < n; i++) {
      nextCalls.add(failure);
    }
    return this;
  }

  /** The next {@code n} calls are refused with a {@link RateLimitedException} asking to wait. */
  public FaultyDestination rateLimitNextCalls(int n, Duration retryAfter) {
    return failNextCalls(n, () -> new RateLimitedException("429 Too Many Requests", retryAfter));
  }

  /** The next {@code n} calls fail with a {@link RetryableDestinationException}. */
  public FaultyDestination failNextCallsRetryably(int n, String message) {
    return failNextCalls(n, () -> new RetryableDestinationException(message));
  }

  /**
   * Every batch that contains {@code key} is rejected as a whole with a
   * {@link PermanentDestinationException} carrying {@code reason}, as APIs without per-record
   * results do when one record is invalid.
   */
  public synchronized FaultyDestination rejectBatchesContaining(String key, String reason) {
    poison.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(reason, "reason"));
    return this;
  }

  /** Every call takes at least {@code latency} before it answers, as a slow API would. */
  public FaultyDestination latency(Duration latency) {
    this.latency = Objects.requireNonNull(latency, "latency");
    return this;
  }

  /** Calls made so far, faulty or not. */
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
    return delegate.write(batch);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }
}
