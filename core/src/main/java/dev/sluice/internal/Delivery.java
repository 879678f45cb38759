package dev.sluice.internal;

import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Destination;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RateLimitedException;
import dev.sluice.destination.RecordOutcome;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.delivery.RateLimit;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one batch under a {@link DeliveryPolicy}: Retry(CircuitBreaker(write)) from
 * Resilience4j, rate-limit waits outside the retry (so they use up no attempt), and the splitting
 * of rejected batches. Thread-safe; one per run.
 */
final class Delivery {

  /** Thrown when no later batch of the run can succeed: the run stops, ABORTED. */
  static final class StopRun extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopRun(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(Delivery.class);

  private final Destination destination;
  private final DeliveryPolicy policy;
  private final Retry retry;
  private final CircuitBreaker breaker;

  /** The retry and the breaker of one sync: they live as long as the sync, across its runs. */
  public static final class Guards {
    final Retry retry;
    final CircuitBreaker breaker;

    Guards(Retry retry, CircuitBreaker breaker) {
      this.retry = retry;
      this.breaker = breaker;
    }
  }

  /** Makes the retry and breaker of sync {@code syncName}, bound to the policy's meter registry. */
  public static Guards guards(String syncName, DeliveryPolicy policy) {
    RetryRegistry retries = RetryRegistry.of(RetryConfig.custom()
        .maxAttempts(policy.maxAttempts())
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(policy.initialBackoff(),
            policy.backoffMultiplier(), policy.jitter(), policy.maxBackoff()))
        .retryOnException(e -> e instanceof RetryableDestinationException && !(e instanceof RateLimitedException))
        .build());
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .failureRateThreshold(policy.breakerFailureRate())
        .slidingWindowSize(policy.breakerWindow())
        .minimumNumberOfCalls(Math.min(policy.breakerMinimumCalls(), policy.breakerWindow()))
        .waitDurationInOpenState(policy.breakerWaitInOpenState())
        .recordException(e -> !(e instanceof PermanentDestinationException) && !(e instanceof RateLimitedException))
        .build());
    Guards guards = new Guards(retries.retry(syncName), breakers.circuitBreaker(syncName));
    if (policy.meterRegistry() != null) {
      TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(policy.meterRegistry());
      TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(policy.meterRegistry());
    }
    return guards;
  }

  /** The policy's rate limit, else the destination's own; null when neither has one. */
  private final RateLimit rateLimit;

  Delivery(Destination destination, DeliveryPolicy policy, Guards guards) {
    this.destination = destination;
    this.policy = policy;
    this.retry = guards.retry;
    this.breaker = guards.breaker;
    this.rateLimit = policy.rateLimit() != null ? policy.rateLimit()
        : destination.capabilities().rateLimit().orElse(null);
  }

  /**
   * Delivers {@code batch}; returns one outcome per record. Whole-batch failures become per-record
   * failures.
   *
   * @throws StopRun when the run must stop (breaker open, a stop-the-run failure, a rate limit too
   *     long to wait for)
   */
  BatchResult deliver(Batch batch) {
    try {
      BatchResult result = callWithWaits(batch);
      return result == null ? BatchResult.allFailed(batch, "the destination returned no result", true) : result;
    } catch (PermanentDestinationException e) {
      if (e.stopsRun()) {
        throw new StopRun("the destination refused all further work: " + describe(e), e);
      }
      if (policy.splitRejectedBatches() && batch.size() > 1) {
        log.debug("batch {} rejected as a whole ({}); splitting it to find the bad records", batch.id(), describe(e));
        List<Batch> halves = batch.halves();
        return merge(batch, deliver(halves.get(0)), deliver(halves.get(1)));
      }
      return BatchResult.allFailed(batch, describe(e), false);
    } catch (CallNotPermittedException e) {
      throw new StopRun("the circuit breaker is open after repeated failures of the destination; the run"
          + " stopped sending (it lets a call through again after " + policy.breakerWaitInOpenState() + ")", e);
    } catch (RetryableDestinationException e) {
      return BatchResult.allFailed(batch, describe(e) + " (after " + policy.maxAttempts() + " attempts)", true);
    } catch (StopRun e) {
      throw e;
    } catch (RuntimeException e) {
      return BatchResult.allFailed(batch, describe(e), true);
    }
  }

  private BatchResult callWithWaits(Batch batch) {
    while (true) {
      try {
        return retry.executeSupplier(() -> breaker.executeSupplier(() -> {
          acquire();
          if (policy.bulkhead() == null) {
            return destination.write(batch);
          }
          try {
            return policy.bulkhead().executeSupplier(() -> destination.write(batch));
          } catch (BulkheadFullException e) {
            throw new RetryableDestinationException("no call slot free within the policy's wait: " + e.getMessage(), e);
          }
        }));
      } catch (RateLimitedException e) {
        Duration wait = e.retryAfter();
        if (rateLimit != null) {
          rateLimit.rateLimited(wait);
        }
        if (wait.compareTo(policy.maxRateLimitWait()) > 0) {
          throw new StopRun("the destination asks to wait " + wait + " (" + describe(e) + "), longer than the"
              + " policy's maxRateLimitWait of " + policy.maxRateLimitWait(), e);
        }
        log.debug("batch {} rate-limited; waiting {} as the destination asked", batch.id(), wait);
        waitFor(wait);
      }
    }
  }

  private void acquire() {
    if (rateLimit != null) {
      try {
        rateLimit.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StopRun("the run was interrupted while waiting for the rate limit", e);
      }
    }
  }

  private static void waitFor(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      if (Thread.currentThread().isInterrupted()) {
        throw new StopRun("the run was interrupted while waiting for a rate limit", null);
      }
    }
  }

  private static BatchResult merge(Batch whole, BatchResult first, BatchResult second) {
    BatchResult.Builder merged = BatchResult.builder(whole);
    for (BatchResult part : List.of(first, second)) {
      for (RecordOutcome outcome : part.outcomes()) {
        merged.set(outcome);
      }
    }
    return merged.build();
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
