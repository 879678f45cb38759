package dev.sluice.internal;

import dev.sluice.Sync;
import dev.sluice.delivery.ConcurrencyLimit;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.delivery.RequestCounter;
import dev.sluice.delivery.RollingWindowRateLimiter;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RateLimitedException;
import dev.sluice.destination.RecordOutcome;
import dev.sluice.destination.RetryableDestinationException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetricsPublisher;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one batch under a {@link DeliveryPolicy}: attempts with backoff (counted by a
 * Resilience4j {@link Retry}, which this class waits for itself, on the policy's clock), waits the
 * destination asks for (429s use no attempt; any {@code Retry-After} is waited exactly), a
 * circuit breaker that records each batch's final outcome, rate-limit permits, and the splitting
 * of rejected batches. Every wait is bounded (per wait, per run, and by the run's deadline) and
 * ends on cancel. Thread-safe; one per run.
 */
final class Delivery {

  /** Thrown when no later batch of the run can succeed: the run stops, ABORTED. */
  static final class StopRun extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopRun(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static final Logger log = LoggerFactory.getLogger(Sync.LOGGER + ".delivery");

  /** The retry and the breaker of one sync: they live as long as the sync, across its runs. */
  public static final class Guards {
    final Retry retry;
    final CircuitBreaker breaker;
    /** When the open breaker lets a batch through again, in epoch millis. */
    final AtomicLong openUntil = new AtomicLong();

    Guards(Retry retry, CircuitBreaker breaker, Duration waitInOpenState) {
      this.retry = retry;
      this.breaker = breaker;
      breaker.getEventPublisher().onStateTransition(event -> {
        if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
          openUntil.set(System.currentTimeMillis() + waitInOpenState.toMillis());
        }
      });
    }
  }

  /** Makes the retry and breaker of sync {@code syncName}, bound to the policy's meter registry. */
  public static Guards guards(String syncName, DeliveryPolicy policy) {
    // The retry counts attempts and publishes its meters; the waits are this class's own, on the
    // policy's clock, so that a Retry-After is waited exactly and tests need not sleep.
    RetryRegistry retries = RetryRegistry.of(RetryConfig.custom()
        .maxAttempts(policy.maxAttempts())
        .intervalFunction(attempt -> 0L)
        .retryOnException(e -> e instanceof RetryableDestinationException && !(e instanceof RateLimitedException))
        .build());
    CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .failureRateThreshold(policy.breakerFailureRate())
        .slidingWindowSize(policy.breakerWindow())
        .minimumNumberOfCalls(Math.min(policy.breakerMinimumCalls(), policy.breakerWindow()))
        .waitDurationInOpenState(policy.breakerWaitInOpenState())
        .writableStackTraceEnabled(false)
        .build());
    Guards guards = new Guards(retries.retry(syncName), breakers.circuitBreaker(syncName), policy.breakerWaitInOpenState());
    policy.meterRegistry().ifPresent(meters -> {
      TaggedRetryMetrics.ofRetryRegistry(retries).bindTo(meters);
      TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
      policy.rateLimit().ifPresent(limiter -> new TaggedRateLimiterMetricsPublisher(meters).publishMetrics(limiter));
    });
    return guards;
  }

  private final Destination destination;
  private final DeliveryPolicy policy;
  private final Guards guards;
  private final RunControl control;
  private final RequestCounter counter;
  private final IntervalFunction backoff;
  /** The limiters the engine takes a permit from per write. */
  private final List<RateLimiter> perWrite = new ArrayList<>();
  /** The budgets a rate-limit answer pauses. */
  private final List<RollingWindowRateLimiter> pausable = new ArrayList<>();
  private final AtomicLong askedWaitMillis = new AtomicLong();

  Delivery(Destination destination, DeliveryPolicy policy, Guards guards, RunControl control, RequestCounter counter) {
    this(destination, policy, guards, control, counter, List.of());
  }

  /** Also takes a permit per write from each of {@code shares} (a shard's part of the budgets). */
  Delivery(Destination destination, DeliveryPolicy policy, Guards guards, RunControl control, RequestCounter counter,
      List<RateLimiter> shares) {
    this.destination = destination;
    this.policy = policy;
    this.guards = guards;
    this.control = control;
    this.counter = counter;
    this.backoff = IntervalFunction.ofExponentialRandomBackoff(policy.initialBackoff(), policy.backoffMultiplier(),
        policy.jitter(), policy.maxBackoff());
    Capabilities caps = destination.capabilities();
    RateLimiter own = caps.rateLimit().orElse(null);
    RateLimiter policyLimiter = policy.rateLimit().orElse(null);
    if (policyLimiter != null && !(caps.requestsTakePermits() && policyLimiter == own)) {
      perWrite.add(policyLimiter);
    } else if (policyLimiter == null && own != null && !caps.requestsTakePermits()) {
      perWrite.add(own);
    }
    perWrite.addAll(shares);
    for (RateLimiter limiter : new RateLimiter[] {own, policyLimiter}) {
      if (limiter instanceof RollingWindowRateLimiter && !pausable.contains(limiter)) {
        pausable.add((RollingWindowRateLimiter) limiter);
      }
    }
  }

  /**
   * Delivers {@code batch}; returns one outcome per record. Whole-batch failures become per-record
   * failures.
   *
   * @throws StopRun when the run must stop (breaker open, a stop-the-run failure, a wait too long,
   *     the deadline, a cancel)
   */
  BatchResult deliver(Batch batch) {
    RequestCounter.Binding bound = counter.bind();
    try {
      return deliverBound(batch);
    } finally {
      bound.close();
    }
  }

  private BatchResult deliverBound(Batch batch) {
    try {
      BatchResult result = withRetries(batch);
      return result == null ? BatchResult.allFailed(batch, "the destination returned no result", true) : result;
    } catch (PermanentDestinationException e) {
      if (e.stopsRun()) {
        throw new StopRun("the destination refused all further work: " + describe(e), e);
      }
      if (policy.splitRejectedBatches() && batch.size() > 1) {
        log.debug("batch {} rejected as a whole ({}); splitting it to find the bad records", batch.id(), describe(e));
        counter.split();
        List<Batch> halves = batch.halves();
        return merge(batch, deliverBound(halves.get(0)), deliverBound(halves.get(1)));
      }
      return BatchResult.allFailed(batch, describe(e), false);
    } catch (StopRun e) {
      throw e;
    } catch (RetryableDestinationException e) {
      return BatchResult.allFailed(batch, describe(e) + " (after " + policy.maxAttempts() + " attempts)", true);
    } catch (UncertainWrite e) {
      return BatchResult.allFailed(batch, "uncertain: the destination may have written these records ("
          + describe(e.getCause()) + "); its writes are not idempotent, so the batch was not sent again in this"
          + " run. It is sent on the next run; check the destination for duplicates", true);
    } catch (RuntimeException e) {
      return BatchResult.allFailed(batch, describe(e), true);
    }
  }

  /** A write whose answer was lost, to a destination whose writes are not idempotent: never retried blindly. */
  static final class UncertainWrite extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UncertainWrite(RetryableDestinationException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Attempts until the batch has an outcome; the breaker hears the final one. */
  private BatchResult withRetries(Batch batch) {
    control.check();
    CircuitBreaker breaker = guards.breaker;
    if (!breaker.tryAcquirePermission()) {
      throw new StopRun(openBreakerMessage(), null);
    }
    Retry.Context<BatchResult> attempts = guards.retry.context();
    long start = System.nanoTime();
    int failures = 0;
    int rateLimitAnswers = 0;
    try {
      while (true) {
        control.check();
        try {
          BatchResult result = attempt(batch);
          attempts.onComplete();
          breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
          return result;
        } catch (RateLimitedException e) {
          counter.rateLimited();
          rateLimitAnswers++;
          Duration wait = e.requestedWait().orElseGet(backoffFor(rateLimitAnswers));
          if (e.requestedWait().isPresent()) {
            tooLongToWait(wait, e);
          }
          for (RollingWindowRateLimiter budget : pausable) {
            budget.pause(wait);
          }
          log.debug("batch {} rate-limited; waiting {}", batch.id(), wait);
          waitAsked(wait, e);
        } catch (RetryableDestinationException e) {
          control.check(); // a write that ended because the run stops is no failure of the destination
          failures++;
          try {
            attempts.onRuntimeError(e);
          } catch (RetryableDestinationException exhausted) {
            if (e.requestedWait().isPresent()) {
              breaker.releasePermission(); // the destination asked for time: a wait, not a failure
            } else {
              breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            }
            throw e;
          }
          counter.retry();
          if (e.requestedWait().isPresent()) {
            Duration wait = e.requestedWait().get();
            tooLongToWait(wait, e);
            log.debug("batch {} failed ({}); waiting {} as the destination asked", batch.id(), describe(e), wait);
            waitAsked(wait, e);
          } else {
            control.sleep(backoffFor(failures).get());
          }
        }
      }
    } catch (PermanentDestinationException e) {
      if (e.stopsRun()) {
        breaker.releasePermission();
      } else {
        breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS); // it answered, and judged the data
      }
      throw e;
    } catch (StopRun e) {
      breaker.releasePermission();
      throw e;
    } catch (RetryableDestinationException e) {
      throw e;
    } catch (RuntimeException e) {
      breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
      throw e;
    }
  }

  /** One call of the destination: permits, a call slot, the write. */
  private BatchResult attempt(Batch batch) {
    for (RateLimiter limiter : perWrite) {
      takePermit(limiter);
    }
    counter.attempt();
    ConcurrencyLimit slots = policy.concurrencyLimit().orElse(null);
    boolean slot = false;
    try {
      if (slots != null) {
        try {
          slot = slots.tryAcquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StopRun("the run was interrupted while waiting for a call slot", e);
        }
        if (!slot) {
          throw new RetryableDestinationException("no call slot free within the policy's wait of " + slots.maxWait()
              + " (" + slots.maxConcurrentCalls() + " calls in flight)");
        }
      }
      BatchResult result = destination.write(batch);
      perWrite.forEach(l -> l.onResult(result));
      return result;
    } catch (RuntimeException e) {
      perWrite.forEach(l -> l.onError(e));
      if (e instanceof RetryableDestinationException && ((RetryableDestinationException) e).answerLost()
          && !destination.capabilities().idempotentWrites()) {
        // The destination may have written the batch; sending it again could write it twice.
        throw new UncertainWrite((RetryableDestinationException) e);
      }
      throw e;
    } finally {
      if (slot) {
        slots.release();
      }
    }
  }

  private void takePermit(RateLimiter limiter) {
    while (true) {
      long nanos = limiter.reservePermission();
      if (nanos >= 0) {
        Duration wait = Duration.ofNanos(nanos);
        counter.waitedForRateLimit(wait);
        control.sleep(wait);
        return;
      }
      // Nothing to reserve within the limiter's timeout: look again shortly.
      Duration retry = Duration.ofMillis(Math.max(1, Math.min(1_000,
          limiter.getRateLimiterConfig().getLimitRefreshPeriod().toMillis())));
      counter.waitedForRateLimit(retry);
      control.sleep(retry);
    }
  }

  private void tooLongToWait(Duration wait, RetryableDestinationException e) {
    if (wait.compareTo(policy.maxRateLimitWait()) > 0) {
      // The run stops; shared budgets are not paused for a wait this run will not make.
      throw new StopRun("the destination asks to wait " + wait + " (" + describe(e) + "), longer than the"
          + " policy's maxRateLimitWait of " + policy.maxRateLimitWait(), e);
    }
  }

  /** A wait the destination asked for: counted against the run's total, then waited. */
  private void waitAsked(Duration wait, RetryableDestinationException e) {
    long total = askedWaitMillis.addAndGet(wait.toMillis());
    if (total > policy.maxTotalRateLimitWait().toMillis()) {
      throw new StopRun("the destination asked for waits of " + Duration.ofMillis(total) + " in this run, more than"
          + " the policy's maxTotalRateLimitWait of " + policy.maxTotalRateLimitWait() + " (last: " + describe(e) + ")", e);
    }
    counter.waitedForRateLimit(wait);
    control.sleep(wait);
  }

  private java.util.function.Supplier<Duration> backoffFor(int failures) {
    return () -> Duration.ofMillis(backoff.apply(failures));
  }

  private String openBreakerMessage() {
    long until = guards.openUntil.get();
    String when = "";
    if (until > 0) {
      long left = Math.max(0, until - System.currentTimeMillis());
      when = " at " + Instant.ofEpochMilli(until) + " (in " + Duration.ofSeconds((left + 999) / 1000) + ")";
    }
    return "the circuit breaker is open after repeated failures of the destination; the run stopped sending"
        + " (it lets a batch through again" + (when.isEmpty() ? " after " + policy.breakerWaitInOpenState() : when) + ")";
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
