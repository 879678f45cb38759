package dev.sluice.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the requests of one run as they happen (see {@link RequestFigures}). The engine binds a
 * run's counter to each thread that works for the run ({@link #bind()}); {@code JsonClient} adds
 * each HTTP request it sends to the counter bound to the calling thread ({@link #countRequest()}).
 * A connector that calls its API without {@code JsonClient} may do the same. A connector that sends
 * requests on threads of its own (an asynchronous destination's request pool, a poller) carries the
 * run's counter there with {@link #propagating(Runnable)} or {@link #current()}, so that the run's
 * {@link RequestFigures} count those requests too. Thread-safe.
 */
public final class RequestCounter {

  private static final Logger log = LoggerFactory.getLogger(RequestCounter.class);
  private static final ThreadLocal<RequestCounter> BOUND = new ThreadLocal<>();

  private final LongAdder requests = new LongAdder();
  private final LongAdder attempts = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder rateLimited = new LongAdder();
  private final LongAdder rateLimitWaitNanos = new LongAdder();
  private final LongAdder batchesSplit = new LongAdder();
  private volatile boolean stopped;
  private final List<Runnable> stopHooks = new ArrayList<>(); // guarded by itself

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

  /**
   * The run is stopping: waits for permits on its threads end (see {@link #stopRequested()}), and
   * the hooks registered with {@link #whenStopping(Runnable)} run, once, on the calling thread.
   */
  public void stop() {
    List<Runnable> hooks;
    synchronized (stopHooks) {
      stopped = true;
      hooks = new ArrayList<>(stopHooks);
      stopHooks.clear();
    }
    for (Runnable hook : hooks) {
      runQuietly(hook);
    }
  }

  /**
   * Runs {@code hook} when the run bound to the calling thread stops (cancelled, past its
   * deadline, aborted), so that work blocked on the run's behalf outside Sluice's own waits can be
   * broken off: {@code SqlSource} cancels its running statement this way, a source or connector
   * blocked in a socket read may close it. The hook runs once, on the thread that stops the run; it
   * must be quick and must not throw (what it throws is logged). A hook registered after the run
   * stopped is not run — work a stopped run still does (committing what the destination confirmed)
   * must not be cut off; check {@link #stopRequested()} before starting work that should not start.
   *
   * @param hook what to do when the run stops
   * @return the registration; close it once the work is done, and the hook no longer runs. A
   *     no-op when no run is bound to the calling thread, or when it has stopped already
   */
  public static Registration whenStopping(Runnable hook) {
    java.util.Objects.requireNonNull(hook, "hook");
    RequestCounter counter = BOUND.get();
    if (counter == null) {
      return () -> { };
    }
    synchronized (counter.stopHooks) {
      if (counter.stopped) {
        return () -> { };
      }
      counter.stopHooks.add(hook);
    }
    return () -> {
      synchronized (counter.stopHooks) {
        counter.stopHooks.remove(hook);
      }
    };
  }

  private static void runQuietly(Runnable hook) {
    try {
      hook.run();
    } catch (RuntimeException e) {
      log.warn("a hook run when the run stopped failed: {}", e.toString());
    }
  }

  /**
   * {@return the counter bound to the calling thread, if any} A connector keeps it with work it
   * does later on another thread (a job it polls), and binds it there ({@link #bind()}).
   */
  public static java.util.Optional<RequestCounter> current() {
    return java.util.Optional.ofNullable(BOUND.get());
  }

  /**
   * {@return {@code task}, made to run with the counter bound to the calling thread now (if any)
   * bound to whatever thread runs it} For work a connector hands to its own threads: the requests
   * it sends there count for the run that asked for them.
   *
   * @param task the work to hand over
   */
  public static Runnable propagating(Runnable task) {
    RequestCounter counter = BOUND.get();
    if (counter == null) {
      return task;
    }
    return () -> {
      Binding binding = counter.bind();
      try {
        task.run();
      } finally {
        binding.close();
      }
    };
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

  /** Ends a {@link #whenStopping(Runnable)}: the hook no longer runs. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  /** Ends a {@link #bind()}. */
  @FunctionalInterface
  public interface Binding extends AutoCloseable {
    @Override
    void close();
  }
}
