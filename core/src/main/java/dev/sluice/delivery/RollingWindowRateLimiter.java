package dev.sluice.delivery;

import io.github.resilience4j.core.EventConsumer;
import io.github.resilience4j.core.EventProcessor;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.event.RateLimiterEvent;
import io.github.resilience4j.ratelimiter.event.RateLimiterOnDrainedEvent;
import io.github.resilience4j.ratelimiter.event.RateLimiterOnFailureEvent;
import io.github.resilience4j.ratelimiter.event.RateLimiterOnSuccessEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Resilience4j {@link RateLimiter} that counts a <b>rolling</b> window — "190 requests per any
 * 10 seconds" — as most APIs count them. Resilience4j's own limiters refill in fixed cycles, which
 * lets twice the limit through around a cycle boundary and so draws 429s from a rolling-window API.
 * This one grants a permit only when fewer than {@code permits} were granted in the window before
 * the grant, counting each request from its end (its answer: the latest it can have reached the
 * API) and a slightly longer window (1% of it, at least 50 ms: the {@link #margin()}), so that
 * neither latency nor its jitter can push a request into the API's window early.
 *
 * <p>Everything a Resilience4j limiter does works: {@link #acquirePermission(int)} waits up to the
 * timeout, {@link #reservePermission(int)} books a permit for later and says how long to wait,
 * {@link #drainPermissions()} uses up the window, {@link #changeLimitForPeriod(int)} takes effect
 * at once, events go to {@link #getEventPublisher()}, and {@link #getMetrics()} feeds
 * {@code TaggedRateLimiterMetricsPublisher} ({@code resilience4j.ratelimiter.*} gauges). So do its
 * decorators ({@code RateLimiter.decorateSupplier}).
 *
 * <p>It also follows what the API reports: {@link #observe(int, int)} takes the limit and the
 * remaining quota from response headers (other apps on the same account use quota too), counting
 * this limiter's requests still in flight as not yet seen by the API, and {@link #pause(Duration)}
 * holds every caller back after a 429. A request is in flight from its grant until
 * {@link #onResult(Object)}, {@link #onSuccess()} or {@link #onError(Throwable)} is called for it
 * ({@link dev.sluice.http.JsonClient} and Resilience4j's decorators do).
 *
 * <p>One limiter is one budget: give the same instance to every sync that writes to the same
 * account, or get it from a {@link RateLimitRegistry} you keep. Thread-safe.
 */
public final class RollingWindowRateLimiter implements RateLimiter {

  /** How long {@link #acquirePermission(int)} waits at most, unless configured. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);

  private final String name;
  private final Duration window;
  private final long windowMillis;
  private final long marginMillis;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Map<String, String> tags;
  private final Events events = new Events();
  private final AtomicInteger waiting = new AtomicInteger();
  /**
   * When each request in the window happened, in epoch millis, sorted: its grant, moved to its
   * end when it reports one (a request reaches the API at some time in between, so the end is the
   * safe time to count it at). A reservation may lie in the future.
   */
  private final java.util.ArrayList<Long> grants = new java.util.ArrayList<>();
  /** The grant time and count of the permits the calling thread took last, until it reports their end. */
  private final ThreadLocal<long[]> lastGrant = new ThreadLocal<>();
  private final int configuredPermits;
  private int permits;
  private long pausedUntil;
  private int inFlight;
  private Duration timeout;

  private RollingWindowRateLimiter(Builder b) {
    this.name = b.name;
    this.configuredPermits = b.permits;
    this.permits = b.permits;
    this.window = b.window;
    this.windowMillis = b.window.toMillis();
    this.marginMillis = b.margin != null ? b.margin.toMillis() : Math.max(50, windowMillis / 100);
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.timeout = b.timeout;
    this.tags = Map.copyOf(b.tags);
  }

  /**
   * {@code permits} requests per rolling {@code window}.
   *
   * @param name the limiter's name, for meters and logs
   * @param permits requests per window, at least 1
   * @param window the rolling window, positive
   * @return the limiter
   */
  public static RollingWindowRateLimiter of(String name, int permits, Duration window) {
    return builder(name, permits, window).build();
  }

  /**
   * Starts a limiter of {@code permits} requests per rolling {@code window}.
   *
   * @param name the limiter's name, for meters and logs
   * @param permits requests per window, at least 1
   * @param window the rolling window, positive
   * @return a builder for the other settings
   */
  public static Builder builder(String name, int permits, Duration window) {
    return new Builder(name, permits, window);
  }

  /** {@return the rolling window} */
  public Duration window() {
    return window;
  }

  /** {@return the permits granted per window at present (the configured number until the API says otherwise)} */
  public synchronized int permits() {
    return permits;
  }

  /** {@return the permits per window the limiter was built with} */
  public int configuredPermits() {
    return configuredPermits;
  }

  /** {@return how much longer than the window grants are counted, for network jitter} */
  public Duration margin() {
    return Duration.ofMillis(marginMillis);
  }

  /** {@return the requests granted and not yet reported finished} */
  public synchronized int inFlight() {
    return inFlight;
  }

  /**
   * What the API said about the budget in a response: its {@code limit} per window (which replaces
   * the current number, so a changed limit is followed) and the requests {@code remaining} in it.
   * Requests the API counted that this limiter did not grant are someone else's; the budget
   * shrinks to leave them their share, and grows back when they stop. This limiter's requests
   * still in flight are taken as not yet counted by the API, so the estimate of others' use is
   * never too low.
   *
   * @param limit the limit per window the API reports
   * @param remaining the requests the API says are left in its window
   */
  public synchronized void observe(int limit, int remaining) {
    if (limit < 1) {
      return;
    }
    long now = clock.millis();
    prune(now);
    int ours = 0;
    for (long at : grants) {
      if (at > now - windowMillis && at <= now) {
        ours++;
      }
    }
    int arrived = Math.max(0, ours - Math.min(inFlight, ours));
    int usedByApi = limit - Math.max(0, Math.min(limit, remaining));
    int others = Math.max(0, usedByApi - arrived);
    permits = Math.max(1, limit - others);
  }

  /**
   * The API refused a request for the rate limit: nobody is granted a permit for {@code wait}.
   *
   * @param wait how long every caller waits
   */
  public synchronized void pause(Duration wait) {
    Objects.requireNonNull(wait, "wait");
    long until = clock.millis() + Math.max(0, wait.toMillis());
    if (until > pausedUntil) {
      pausedUntil = until;
    }
  }

  /** {@return when the limiter grants again after a {@link #pause(Duration)}, in epoch millis (0 if never paused)} */
  public synchronized long pausedUntilMillis() {
    return pausedUntil;
  }

  @Override
  public boolean acquirePermission(int n) {
    long waitMillis = reserve(n);
    if (waitMillis < 0) {
      events.processEvent(new RateLimiterOnFailureEvent(name, n));
      return false;
    }
    if (waitMillis > 0) {
      waiting.incrementAndGet();
      try {
        // In slices, so that a run that stops (RequestCounter.stopRequested) stops waiting.
        long end = clock.millis() + waitMillis;
        for (long now = clock.millis(); now < end; now = clock.millis()) {
          if (RequestCounter.stopRequested()) {
            throw new InterruptedException("the run stopped");
          }
          sleeper.sleep(Duration.ofMillis(Math.min(end - now, 100)));
        }
      } catch (InterruptedException e) {
        if (!RequestCounter.stopRequested()) {
          Thread.currentThread().interrupt();
        }
        finished(n); // the permit is spent, the request is not made
        events.processEvent(new RateLimiterOnFailureEvent(name, n));
        return false;
      } finally {
        waiting.decrementAndGet();
      }
    }
    events.processEvent(new RateLimiterOnSuccessEvent(name, n));
    return true;
  }

  /**
   * Books {@code n} permits at the earliest time the window allows and returns the nanoseconds to
   * wait until then (0: go now), or -1 when that is further away than the timeout (nothing is
   * booked). A caller that gets a wait must make its request only after it.
   *
   * @param n the permits to book
   * @return the nanoseconds to wait, or -1
   */
  @Override
  public long reservePermission(int n) {
    long waitMillis = reserve(n);
    if (waitMillis < 0) {
      events.processEvent(new RateLimiterOnFailureEvent(name, n));
      return -1;
    }
    events.processEvent(new RateLimiterOnSuccessEvent(name, n));
    return TimeUnit.MILLISECONDS.toNanos(waitMillis);
  }

  private synchronized long reserve(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("permits to acquire must be at least 1, was " + n);
    }
    if (n > permits) {
      return -1;
    }
    long now = clock.millis();
    prune(now);
    long at = Math.max(now, pausedUntil);
    if (!grants.isEmpty()) {
      at = Math.max(at, grants.get(grants.size() - 1));
    }
    int mustLeave = grants.size() + n - permits;
    if (mustLeave > 0) {
      // The mustLeave-th oldest grant must be out of the (window + margin) before this one.
      long leaving = nth(mustLeave - 1);
      at = Math.max(at, leaving + windowMillis + marginMillis);
    }
    long wait = at - now;
    if (wait > timeout.toMillis()) {
      return -1;
    }
    for (int i = 0; i < n; i++) {
      grants.add(at);
    }
    inFlight += n;
    lastGrant.set(new long[] {at, n});
    return wait;
  }

  private long nth(int index) {
    return grants.get(index);
  }

  private void prune(long now) {
    long horizon = now - windowMillis - marginMillis;
    int gone = 0;
    while (gone < grants.size() && grants.get(gone) <= horizon) {
      gone++;
    }
    grants.subList(0, gone).clear();
    if (inFlight > grants.size()) {
      inFlight = grants.size(); // a caller that never reported its result
    }
  }

  private synchronized void finished(int n) {
    inFlight = Math.max(0, inFlight - n);
    long[] last = lastGrant.get();
    if (last == null) {
      return;
    }
    lastGrant.remove();
    // The request reached the API at the latest now: count it from now on, not from its grant.
    long now = clock.millis();
    for (int moved = 0; moved < last[1]; moved++) {
      int at = java.util.Collections.binarySearch(grants, last[0]);
      if (at < 0 || last[0] >= now) {
        return;
      }
      grants.remove(at);
      int to = java.util.Collections.binarySearch(grants, now);
      to = to < 0 ? -to - 1 : to;
      while (to < grants.size() && grants.get(to) <= now) {
        to++;
      }
      grants.add(to, now);
    }
  }

  /** Uses up what is left of the window: no permit until grants leave it. */
  @Override
  public void drainPermissions() {
    int drained;
    synchronized (this) {
      long now = clock.millis();
      prune(now);
      long at = grants.isEmpty() ? now : Math.max(now, grants.get(grants.size() - 1));
      drained = Math.max(0, permits - grants.size());
      for (int i = 0; i < drained; i++) {
        grants.add(at);
      }
    }
    events.processEvent(new RateLimiterOnDrainedEvent(name, drained));
  }

  /**
   * Permits per window from now on; takes effect at once.
   *
   * @param limitForPeriod the permits per window, at least 1
   */
  @Override
  public synchronized void changeLimitForPeriod(int limitForPeriod) {
    if (limitForPeriod < 1) {
      throw new IllegalArgumentException("limitForPeriod must be at least 1, was " + limitForPeriod);
    }
    this.permits = limitForPeriod;
  }

  @Override
  public synchronized void changeTimeoutDuration(Duration timeoutDuration) {
    Objects.requireNonNull(timeoutDuration, "timeoutDuration");
    if (timeoutDuration.isNegative()) {
      throw new IllegalArgumentException("the timeout must not be negative, was " + timeoutDuration);
    }
    this.timeout = timeoutDuration;
  }

  /** A request granted before has finished. */
  @Override
  public void onSuccess() {
    finished(1);
  }

  /**
   * A request granted before has finished.
   *
   * @param result its result
   */
  @Override
  public void onResult(Object result) {
    finished(1);
  }

  /**
   * A request granted before has finished.
   *
   * @param throwable how it failed
   */
  @Override
  public void onError(Throwable throwable) {
    finished(1);
  }

  @Override
  public String getName() {
    return name;
  }

  /**
   * The limit as a Resilience4j config: {@code limitForPeriod} is the current permits and
   * {@code limitRefreshPeriod} the rolling window (counted continuously, not refilled in cycles).
   *
   * @return the config
   */
  @Override
  public synchronized RateLimiterConfig getRateLimiterConfig() {
    return RateLimiterConfig.custom().limitForPeriod(permits).limitRefreshPeriod(window).timeoutDuration(timeout).build();
  }

  @Override
  public Map<String, String> getTags() {
    return tags;
  }

  @Override
  public Metrics getMetrics() {
    return new Metrics() {
      @Override
      public int getNumberOfWaitingThreads() {
        return waiting.get();
      }

      @Override
      public int getAvailablePermissions() {
        synchronized (RollingWindowRateLimiter.this) {
          long now = clock.millis();
          prune(now);
          return permits - grants.size();
        }
      }
    };
  }

  @Override
  public EventPublisher getEventPublisher() {
    return events;
  }

  @Override
  public synchronized String toString() {
    return "RollingWindowRateLimiter{" + name + ": " + permits + " per " + window + '}';
  }

  /** Resilience4j's event processor, with the rate limiter's typed subscriptions. */
  private static final class Events extends EventProcessor<RateLimiterEvent> implements EventPublisher {
    @Override
    public EventPublisher onSuccess(EventConsumer<RateLimiterOnSuccessEvent> consumer) {
      registerConsumer(RateLimiterOnSuccessEvent.class.getName(), consumer);
      return this;
    }

    @Override
    public EventPublisher onFailure(EventConsumer<RateLimiterOnFailureEvent> consumer) {
      registerConsumer(RateLimiterOnFailureEvent.class.getName(), consumer);
      return this;
    }
  }

  /** Configures a {@link RollingWindowRateLimiter}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final int permits;
    private final Duration window;
    private Duration margin;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private Duration timeout = DEFAULT_TIMEOUT;
    private final Map<String, String> tags = new LinkedHashMap<>();

    private Builder(String name, int permits, Duration window) {
      this.name = Objects.requireNonNull(name, "name");
      if (permits < 1) {
        throw new IllegalArgumentException("permits must be at least 1, was " + permits);
      }
      Objects.requireNonNull(window, "window");
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("window must be positive, was " + window);
      }
      this.permits = permits;
      this.window = window;
    }

    /**
     * The clock grants are counted by, and the way to wait; for tests, a fake clock that waiting moves.
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
     * How much longer than the window grants are counted; default 1% of the window, at least 50 ms.
     *
     * @param margin the margin, zero or more
     * @return this builder
     */
    public Builder margin(Duration margin) {
      Objects.requireNonNull(margin, "margin");
      if (margin.isNegative()) {
        throw new IllegalArgumentException("margin must not be negative, was " + margin);
      }
      this.margin = margin;
      return this;
    }

    /**
     * How long {@link RollingWindowRateLimiter#acquirePermission(int)} waits at most; default {@link #DEFAULT_TIMEOUT}.
     *
     * @param timeout the longest wait, zero or more
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * A tag on the limiter's meters.
     *
     * @param key the tag's key
     * @param value the tag's value
     * @return this builder
     */
    public Builder tag(String key, String value) {
      tags.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Builds the limiter.
     *
     * @return the limiter
     */
    public RollingWindowRateLimiter build() {
      return new RollingWindowRateLimiter(this);
    }
  }
}
