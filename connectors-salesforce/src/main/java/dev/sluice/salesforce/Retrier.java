package dev.sluice.salesforce;

import dev.sluice.delivery.RequestCounter;
import dev.sluice.destination.RateLimitedException;
import dev.sluice.destination.RetryableDestinationException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs blocking work on the I/O threads and tries it again after a retryable failure, waiting on
 * the scheduler rather than in a thread: the engine's delivery policy does not wrap an
 * asynchronous destination, so this destination retries for itself. Exponential backoff with
 * jitter for 5xx and timeouts ({@code maxAttempts} in all); a concurrent-request 403 waits as
 * {@link RateLimitedException} says without using up an attempt, up to {@value #MAX_LIMIT_WAITS}
 * times.
 */
final class Retrier {

  static final int MAX_LIMIT_WAITS = 20;

  private static final Logger log = LoggerFactory.getLogger(Retrier.class);

  private final Executor io;
  private final ScheduledExecutorService scheduler;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private volatile boolean closed;

  Retrier(Executor io, ScheduledExecutorService scheduler, int maxAttempts, Duration initialBackoff,
      Duration maxBackoff) {
    this.io = io;
    this.scheduler = scheduler;
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
  }

  /** Runs {@code work} until it succeeds, fails permanently, or runs out of attempts. */
  <T> CompletableFuture<T> run(String what, Supplier<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    attempt(what, work, result, 1, 0);
    return result;
  }

  private <T> void attempt(String what, Supplier<T> work, CompletableFuture<T> result, int attempt, int limitWaits) {
    execute(result, () -> {
      if (result.isDone()) {
        return; // cancelled meanwhile
      }
      try {
        result.complete(work.get());
      } catch (RateLimitedException e) {
        if (limitWaits >= MAX_LIMIT_WAITS) {
          result.completeExceptionally(e);
          return;
        }
        log.debug("{}: {}; trying again in {}", what, e.getMessage(), e.retryAfter());
        later(e.retryAfter(), () -> attempt(what, work, result, attempt, limitWaits + 1));
      } catch (RetryableDestinationException e) {
        if (attempt >= maxAttempts) {
          result.completeExceptionally(new RetryableDestinationException(e.getMessage() + " (after " + attempt
              + " attempts)", e));
          return;
        }
        Duration wait = backoff(attempt);
        log.debug("{} failed ({}); attempt {} of {} in {}", what, e.getMessage(), attempt + 1, maxAttempts, wait);
        later(wait, () -> attempt(what, work, result, attempt + 1, limitWaits));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
  }

  /** Runs {@code task} on the scheduler after {@code delay}; nothing once the destination closed. */
  void later(Duration delay, Runnable task) {
    if (closed) {
      return;
    }
    try {
      scheduler.schedule(RequestCounter.propagating(task), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("the destination closed; {} not scheduled", task);
    }
  }

  /** Runs {@code task} on an I/O thread; once the destination closed, fails {@code result} instead. */
  void execute(CompletableFuture<?> result, Runnable task) {
    try {
      if (closed) {
        throw new RejectedExecutionException("closed");
      }
      // The run's request counter goes with the work, so requests on these threads count for the run.
      io.execute(RequestCounter.propagating(task));
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(new RetryableDestinationException("the Salesforce destination was closed"));
    }
  }

  /** No more work: what is scheduled later is dropped. */
  void close() {
    closed = true;
  }

  private Duration backoff(int attempt) {
    double base = initialBackoff.toMillis() * Math.pow(2, attempt - 1);
    double jittered = base * (0.5 + ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis((long) Math.min(maxBackoff.toMillis(), jittered));
  }
}
