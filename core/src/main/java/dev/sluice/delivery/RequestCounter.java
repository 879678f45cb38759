package dev.sluice.delivery;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests of one run as they happen (see {@link RequestFigures}). The engine binds a
 * run's counter to each thread that works for the run ({@link #bind()}); {@code JsonClient} adds
 * each HTTP request it sends to the counter bound to the calling thread ({@link #countRequest()}).
 * A connector that calls its API without {@code JsonClient} may do the same. Thread-safe.
 */
public final class RequestCounter {

  private static final ThreadLocal<RequestCounter> BOUND = new ThreadLocal<>();

  private final LongAdder requests = new LongAdder();
  private final LongAdder attempts = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  private final LongAdder rateLimitWaitNanos = new LongAdder();
  private final LongAdder batchesSplit = new LongAdder();
  private volatile boolean stopped;

  /** A counter at zero. */
  public RequestCounter() {}

  /** Adds one HTTP request to the counter bound to the calling thread, if any. */
  public static void countRequest() {
    RequestCounter counter = BOUND.get();
    if (counter != null) {
      counter.requests.increment();
    }
  }

  /**
   * Adds time spent waiting for a rate-limit permit to the counter bound to the calling thread, if any.
   *
   * @param wait the time waited
   */
  public static void countRateLimitWait(Duration wait) {
    RequestCounter counter = BOUND.get();
    if (counter != null) {
      counter.waitedForRateLimit(wait);
    }
  }

  /**
   * Whether the run bound to the calling thread is stopping (cancelled, past its deadline,
   * aborted): a wait for a permit on its behalf should end.
   *
   * @return whether the bound run is stopping; false when no run is bound
   */
  public static boolean stopRequested() {
    RequestCounter counter = BOUND.get();
    return counter != null && counter.stopped;
  }

  /** The run is stopping: waits for permits on its threads end (see {@link #stopRequested()}). */
  public void stop() {
    stopped = true;
  }

  /** {@return a binding of this counter to the calling thread, until it is closed} */
  public Binding bind() {
    RequestCounter previous = BOUND.get();
    BOUND.set(this);
    return () -> {
      if (previous == null) {
        BOUND.remove();
      } else {
        BOUND.set(previous);
      }
    };
  }

  /** A write attempt. */
  public void attempt() {
    attempts.increment();
  }

  /** An attempt made again after a retryable failure. */
  public void retry() {
    retries.increment();
  }

  /** A write refused for the rate limit. */
  public void rateLimited() {
    rateLimited.increment();
  }

  /**
   * Time spent waiting for the rate limit.
   *
   * @param wait the time waited
   */
  public void waitedForRateLimit(Duration wait) {
    rateLimitWaitNanos.add(Math.max(0, wait.toNanos()));
  }

  /** A batch split in halves. */
  public void split() {
    batchesSplit.increment();
  }

  /** {@return the figures so far} */
  public RequestFigures figures() {
    return new RequestFigures(requests.sum(), attempts.sum(), retries.sum(), rateLimited.sum(),
        Duration.ofNanos(rateLimitWaitNanos.sum()), batchesSplit.sum());
  }

  /** Ends a {@link #bind()}. */
  @FunctionalInterface
  public interface Binding extends AutoCloseable {
    @Override
    void close();
  }
}
