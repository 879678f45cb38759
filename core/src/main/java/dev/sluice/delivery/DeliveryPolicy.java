package dev.sluice.delivery;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the engine delivers each batch: retries with exponential backoff and jitter, waits that a
 * destination asks for, bounds on all waiting, a circuit breaker that stops a run against a failing
 * destination, and the splitting of rejected batches so that one bad record cannot sink the rest.
 * Applied in core, once, around every synchronous destination call; connectors only classify what
 * their API said.
 *
 * <ul>
 *   <li>{@link dev.sluice.destination.RetryableDestinationException}: retried, up to
 *       {@link Builder#maxAttempts(int)} calls, waiting {@code initialBackoff × multiplier^n}
 *       (randomised by ±{@code jitter}, capped at {@code maxBackoff}) in between, or exactly the
 *       {@code Retry-After} the destination sent with it (a 503, say); what still fails is reported
 *       as a retryable failure and sent again next run.
 *   <li>{@link dev.sluice.destination.RateLimitedException} (a 429): the engine waits exactly the
 *       {@code Retry-After} it carries (or the normal backoff when it carries none, zero, a negative
 *       number or garbage: never a tight loop) and calls again; such waits use up no attempt.
 *       A single wait longer than {@link Builder#maxRateLimitWait(Duration)} stops the run (ABORTED)
 *       without pausing a shared budget, and so do waits adding up to more than
 *       {@link Builder#maxTotalRateLimitWait(Duration)} in one run.
 *   <li>{@link dev.sluice.destination.PermanentDestinationException}: never retried as is. A batch
 *       rejected as a whole is split in halves and each half delivered again, down to single
 *       records, so the good records get through and the bad one is reported with its reason
 *       (unless {@link Builder#splitRejectedBatches(boolean)} is off). One that
 *       {@link dev.sluice.destination.PermanentDestinationException#stopsRun() stops the run} does.
 *   <li>A rate limiter, when set ({@link Builder#rateLimit(RateLimiter)}: any Resilience4j
 *       {@link RateLimiter}, such as a {@link RollingWindowRateLimiter}), takes one permit per
 *       write. Destinations whose requests take their own permits
 *       ({@link dev.sluice.destination.Capabilities#requestsTakePermits()}) are paced by their own
 *       budget, request by request.
 *   <li>The circuit breaker judges batches, not attempts: it records each batch's final outcome
 *       after its retries, over a sliding window of {@code breakerWindow} batches; waits the
 *       destination asked for (429, or a {@code Retry-After} on any retryable answer) are not
 *       failures. When {@code breakerFailureRate}% of at least {@code breakerMinimumCalls} batches
 *       failed, it opens and the run stops sending (ABORTED), keeping every unconfirmed change
 *       pending; a run that starts while it is open ends at once, saying when it closes.
 * </ul>
 *
 * <p>Immutable; build with {@link #custom()} or take {@link #ofDefaults()}.
 */
public final class DeliveryPolicy {

  /** Calls per batch, the first included. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  /** The first wait between attempts. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
  /** The longest wait between attempts. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  /** The factor by which waits grow. */
  public static final double DEFAULT_MULTIPLIER = 2.0;
  /** How far a wait is randomised either way, as a fraction. */
  public static final double DEFAULT_JITTER = 0.5;
  /** The longest rate-limit wait before the run stops instead. */
  public static final Duration DEFAULT_MAX_RATE_LIMIT_WAIT = Duration.ofMinutes(15);
  /** The most a run waits, in total, for waits the destination asked for, before it stops instead. */
  public static final Duration DEFAULT_MAX_TOTAL_RATE_LIMIT_WAIT = Duration.ofMinutes(30);
  /** Percentage of failed calls that opens the breaker. */
  public static final float DEFAULT_BREAKER_FAILURE_RATE = 50f;
  /** Calls the breaker looks back on. */
  public static final int DEFAULT_BREAKER_WINDOW = 20;
  /** Calls before the breaker judges at all. */
  public static final int DEFAULT_BREAKER_MINIMUM_CALLS = 10;
  /** How long an open breaker refuses calls before it lets one through to test the destination. */
  public static final Duration DEFAULT_BREAKER_WAIT_IN_OPEN_STATE = Duration.ofSeconds(60);

  private static final DeliveryPolicy DEFAULTS = custom().build();

  final int maxAttempts;
  final Duration initialBackoff;
  final Duration maxBackoff;
  final double multiplier;
  final double jitter;
  final Duration maxRateLimitWait;
  final float breakerFailureRate;
  final int breakerWindow;
  final int breakerMinimumCalls;
  final boolean splitRejectedBatches;
  final RateLimiter rateLimit;
  final MeterRegistry meterRegistry;
  final Duration breakerWaitInOpenState;
  final ConcurrencyLimit concurrencyLimit;
  final Duration maxTotalRateLimitWait;
  final Clock clock;
  final Sleeper sleeper;

  private DeliveryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.multiplier = b.multiplier;
    this.jitter = b.jitter;
    this.maxRateLimitWait = b.maxRateLimitWait;
    this.breakerFailureRate = b.breakerFailureRate;
    this.breakerWindow = b.breakerWindow;
    this.breakerMinimumCalls = b.breakerMinimumCalls;
    this.splitRejectedBatches = b.splitRejectedBatches;
    this.rateLimit = b.rateLimit;
    this.meterRegistry = b.meterRegistry;
    this.breakerWaitInOpenState = b.breakerWaitInOpenState;
    this.concurrencyLimit = b.maxConcurrentCalls <= 0 ? null : ConcurrencyLimit.of(b.maxConcurrentCalls, b.maxWaitForCall);
    this.maxTotalRateLimitWait = b.maxTotalRateLimitWait;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
  }

  /** {@return the defaults written down on each constant of this class} */
  public static DeliveryPolicy ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Starts a policy from the defaults.
   *
   * @return a builder to configure it with
   */
  public static Builder custom() {
    return new Builder();
  }

  /**
   * Calls per batch, the first included.
   *
   * @return the calls per batch, the first included
   */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** {@return the first wait between attempts} */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** {@return the longest wait between attempts} */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** {@return the longest single rate-limit wait before the run stops instead} */
  public Duration maxRateLimitWait() {
    return maxRateLimitWait;
  }

  /** {@return the most a run waits in total for waits the destination asked for (429s, Retry-After)} */
  public Duration maxTotalRateLimitWait() {
    return maxTotalRateLimitWait;
  }

  /** {@return the clock that deadlines and waits are measured by; the system clock but in tests} */
  public Clock clock() {
    return clock;
  }

  /** {@return how the engine waits (backoff, Retry-After, the budget); parks the thread but in tests} */
  public Sleeper sleeper() {
    return sleeper;
  }

  /** {@return the factor by which waits grow} */
  public double backoffMultiplier() {
    return multiplier;
  }

  /** {@return how far each wait is randomised either way, as a fraction} */
  public double jitter() {
    return jitter;
  }

  /** {@return percentage of failed calls that opens the breaker} */
  public float breakerFailureRate() {
    return breakerFailureRate;
  }

  /**
   * Calls the breaker looks back on.
   *
   * @return the calls the breaker looks back on
   */
  public int breakerWindow() {
    return breakerWindow;
  }

  /**
   * Calls before the breaker judges at all.
   *
   * @return the calls before the breaker judges at all
   */
  public int breakerMinimumCalls() {
    return breakerMinimumCalls;
  }

  /**
   * {@return how long an open breaker refuses calls} The breaker belongs to the sync and outlives a run:
   * a run that starts while it is open ends ABORTED at once, sparing a destination that is down.
   */
  public Duration breakerWaitInOpenState() {
    return breakerWaitInOpenState;
  }

  /**
   * The cap on calls in flight at once across every sync that uses this policy; empty when only
   * each sync's own concurrency limits them.
   *
   * @return the cap, if any
   */
  public Optional<ConcurrencyLimit> concurrencyLimit() {
    return Optional.ofNullable(concurrencyLimit);
  }

  /** {@return where the retry and circuit breaker report their metrics, if set} */
  public Optional<MeterRegistry> meterRegistry() {
    return Optional.ofNullable(meterRegistry);
  }

  /** {@return the limiter every write takes a permit from, if set} */
  public Optional<RateLimiter> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /** {@return whether batches rejected as a whole are split to isolate bad records} */
  public boolean splitRejectedBatches() {
    return splitRejectedBatches;
  }

  @Override
  public String toString() {
    return "DeliveryPolicy{maxAttempts=" + maxAttempts + ", backoff=" + initialBackoff + ".." + maxBackoff
        + " x" + multiplier + " ±" + jitter + ", maxRateLimitWait=" + maxRateLimitWait + " (total "
        + maxTotalRateLimitWait + "), breaker="
        + breakerFailureRate + "% of " + breakerWindow + " (min " + breakerMinimumCalls + "), split="
        + splitRejectedBatches + '}';
  }

  /** Builds a {@link DeliveryPolicy}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private double multiplier = DEFAULT_MULTIPLIER;
    private double jitter = DEFAULT_JITTER;
    private Duration maxRateLimitWait = DEFAULT_MAX_RATE_LIMIT_WAIT;
    private float breakerFailureRate = DEFAULT_BREAKER_FAILURE_RATE;
    private int breakerWindow = DEFAULT_BREAKER_WINDOW;
    private int breakerMinimumCalls = DEFAULT_BREAKER_MINIMUM_CALLS;
    private boolean splitRejectedBatches = true;
    private RateLimiter rateLimit;
    private MeterRegistry meterRegistry;
    private Duration maxTotalRateLimitWait = DEFAULT_MAX_TOTAL_RATE_LIMIT_WAIT;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private Duration breakerWaitInOpenState = DEFAULT_BREAKER_WAIT_IN_OPEN_STATE;
    private int maxConcurrentCalls;
    private Duration maxWaitForCall = Duration.ofMinutes(10);

    private Builder() {}

    /**
     * At most {@code calls} calls in flight at once, across every sync that uses this policy
     * object: for APIs that limit concurrent requests per account, such
     * as Salesforce's long-running request limit. A call waits up to {@code maxWait} for a slot,
     * then fails as retryable. Default: no cap beyond each sync's concurrency.
     *
     * @param calls calls in flight at most, at least 1
     * @param maxWait how long a call waits for a free slot
     * @return this builder
     */
    public Builder maxConcurrentCalls(int calls, Duration maxWait) {
      if (calls < 1) {
        throw new IllegalArgumentException("maxConcurrentCalls must be at least 1, was " + calls);
      }
      Objects.requireNonNull(maxWait, "maxWait");
      this.maxConcurrentCalls = calls;
      this.maxWaitForCall = maxWait;
      return this;
    }

    /**
     * How long an open breaker refuses calls; default {@link #DEFAULT_BREAKER_WAIT_IN_OPEN_STATE}.
     *
     * @param wait how long to wait
     * @return this builder
     */
    public Builder breakerWaitInOpenState(Duration wait) {
      Objects.requireNonNull(wait, "wait");
      if (wait.isNegative() || wait.isZero()) {
        throw new IllegalArgumentException("breakerWaitInOpenState must be positive, was " + wait);
      }
      this.breakerWaitInOpenState = wait;
      return this;
    }

    /**
     * Binds Resilience4j's own Micrometer meters for the retry and the circuit breaker of each sync
     * that uses this policy ({@code resilience4j.retry.calls}, {@code resilience4j.circuitbreaker.state}
     * and their siblings, tagged with the sync's name; the breaker's calls are batches), and the
     * rate limiter's ({@code resilience4j.ratelimiter.available.permissions} and
     * {@code .waiting_threads}).
     *
     * @param registry the meter registry
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Takes a permit from {@code limiter} for every write (retries included): any Resilience4j
     * limiter, your own {@code AtomicRateLimiter} from a {@code RateLimiterRegistry} as well as a
     * {@link RollingWindowRateLimiter} (which a rate-limit answer also pauses, for every sync that
     * shares it). For destinations whose requests take their own permits, this limiter paces
     * writes in addition, unless it is the destination's own budget. Default: no pacing beyond the
     * destination's.
     *
     * @param limiter the rate limiter; any Resilience4j {@code RateLimiter}
     * @return this builder
     */
    public Builder rateLimit(RateLimiter limiter) {
      this.rateLimit = Objects.requireNonNull(limiter, "limiter");
      return this;
    }

    /**
     * The most a run waits in total for waits the destination asked for (429s and
     * {@code Retry-After}), default {@link #DEFAULT_MAX_TOTAL_RATE_LIMIT_WAIT}; past it the run
     * stops, ABORTED, with the unsent changes pending. Pacing by a rate limiter does not count.
     *
     * @param wait the most waited in total, zero or more
     * @return this builder
     */
    public Builder maxTotalRateLimitWait(Duration wait) {
      Objects.requireNonNull(wait, "wait");
      if (wait.isNegative()) {
        throw new IllegalArgumentException("maxTotalRateLimitWait must not be negative, was " + wait);
      }
      this.maxTotalRateLimitWait = wait;
      return this;
    }

    /**
     * The clock deadlines and waits are measured by and the way to wait; for tests, a fake clock
     * that waiting moves (testkit's {@code MutableClock} and its {@code advance}). Default: the
     * system clock and parking the thread.
     *
     * @param clock the clock
     * @param sleeper how to wait
     * @return this builder
     */
    public Builder clock(Clock clock, Sleeper sleeper) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Calls per batch, the first included; 1 means no retries.
     *
     * @param attempts calls per batch, at least 1
     * @return this builder
     */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, was " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * The first and the longest wait between attempts.
     *
     * @param initial the first wait
     * @param max the longest wait
     * @return this builder
     */
    public Builder backoff(Duration initial, Duration max) {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero()) {
        throw new IllegalArgumentException("the initial backoff must be positive, was " + initial);
      }
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("the maximum backoff " + max + " is shorter than the initial " + initial);
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /**
     * The factor by which waits grow; at least 1.
     *
     * @param multiplier the growth factor, at least 1
     * @return this builder
     */
    public Builder backoffMultiplier(double multiplier) {
      if (!(multiplier >= 1.0)) {
        throw new IllegalArgumentException("backoffMultiplier must be at least 1, was " + multiplier);
      }
      this.multiplier = multiplier;
      return this;
    }

    /**
     * How far each wait is randomised either way, from 0 (not at all) to just under 1.
     *
     * @param jitter from 0 to just under 1
     * @return this builder
     */
    public Builder jitter(double jitter) {
      if (!(jitter >= 0 && jitter < 1)) {
        throw new IllegalArgumentException("jitter must be at least 0 and less than 1, was " + jitter);
      }
      this.jitter = jitter;
      return this;
    }

    /**
     * The longest single wait the destination may ask for (a 429's or 503's {@code Retry-After})
     * before the engine stops the run instead; default {@link #DEFAULT_MAX_RATE_LIMIT_WAIT}.
     *
     * @param wait how long to wait
     * @return this builder
     */
    public Builder maxRateLimitWait(Duration wait) {
      Objects.requireNonNull(wait, "wait");
      if (wait.isNegative()) {
        throw new IllegalArgumentException("maxRateLimitWait must not be negative, was " + wait);
      }
      this.maxRateLimitWait = wait;
      return this;
    }

    /**
     * The circuit breaker: open when {@code failureRate} percent of the last {@code window} batches
     * failed after their retries, judged once {@code minimumCalls} batches were delivered.
     *
     * @param failureRate the percentage of failed calls
     * @param window the calls the breaker looks back on
     * @param minimumCalls the calls before the breaker judges at all
     * @return this builder
     */
    public Builder circuitBreaker(float failureRate, int window, int minimumCalls) {
      if (!(failureRate > 0 && failureRate <= 100)) {
        throw new IllegalArgumentException("the breaker's failure rate must be above 0 and at most 100, was "
            + failureRate);
      }
      if (window < 1 || minimumCalls < 1) {
        throw new IllegalArgumentException("the breaker's window and minimum calls must be at least 1, were "
            + window + " and " + minimumCalls);
      }
      this.breakerFailureRate = failureRate;
      this.breakerWindow = window;
      this.breakerMinimumCalls = minimumCalls;
      return this;
    }

    /**
     * Whether to split batches rejected as a whole to isolate bad records; default true.
     *
     * @param split whether to split
     * @return this builder
     */
    public Builder splitRejectedBatches(boolean split) {
      this.splitRejectedBatches = split;
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     */
    public DeliveryPolicy build() {
      return new DeliveryPolicy(this);
    }
  }
}
