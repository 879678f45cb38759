package dev.sluice.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A budget of calls per rolling window — "100 requests per any 10 seconds" — as most APIs count
 * them. Unlike a limiter that refills in fixed cycles (which lets 2 × N calls through around a
 * cycle boundary, and so draws 429s from a rolling-window API), it grants a call only when fewer
 * than {@code permits} calls were granted in the {@code window} before now (plus 3% of the window,
 * at least 50 ms, for the jitter of network latency and scheduling).
 *
 * <p>It adapts to what the API reports: {@link #observe(int, int)} with the limit and remaining
 * quota from response headers (other clients of the same account use quota too), and
 * {@link #rateLimited(Duration)} after a 429, which pauses every caller until the wait is over.
 *
 * <p>One {@code RateLimit} is one budget: give the same instance (or use {@link #shared}) to every
 * sync that writes to the same account, so that two syncs do not get twice the quota. Thread-safe.
 */
public final class RateLimit {

  /** Waits; tests replace it to move a fake clock instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    /**
     * Waits for {@code duration}.
     *
     * @param duration how long to wait
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    void sleep(Duration duration) throws InterruptedException;
  }

  private static final Map<String, RateLimit> SHARED = new ConcurrentHashMap<>();

  private final Duration window;
  private final long spacingMillis;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ArrayDeque<Long> grants = new ArrayDeque<>(); // epoch millis of recent grants
  private int permits;
  private long pausedUntil;

  private RateLimit(int permits, Duration window, Clock clock, Sleeper sleeper) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1, was " + permits);
    }
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, was " + window);
    }
    this.permits = permits;
    this.window = window;
    // A call granted now reaches the API a little later, and not always equally late: counting a
    // slightly longer window keeps jitter in latency from pushing a call into the API's window.
    this.spacingMillis = Math.max(50, window.toMillis() * 3 / 100);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * {@return {@code permits} calls per rolling {@code window}}
   *
   * @param permits calls per window
   * @param window the rolling window
   */
  public static RateLimit of(int permits, Duration window) {
    return new RateLimit(permits, window, Clock.systemUTC(), RateLimit::park);
  }

  /**
   * As {@link #of(int, Duration)}, with a clock and a way to wait (for tests).
   *
   * @param permits calls per window
   * @param window the rolling window
   * @param clock the clock to read the time from
   * @param sleeper how to wait
   * @return the rate limit
   */
  public static RateLimit of(int permits, Duration window, Clock clock, Sleeper sleeper) {
    return new RateLimit(permits, window, clock, sleeper);
  }

  /**
   * {@return the budget registered under {@code key} (say {@code "hubspot:portal-1234"}), made by
   * {@code create} the first time: every sync that asks with the same key shares it}
   *
   * @param key the name under which syncs share the limit, such as {@code "hubspot:portal-1234"}
   * @param create makes the limit when the key is first used
   */
  public static RateLimit shared(String key, Supplier<RateLimit> create) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(create, "create");
    return SHARED.computeIfAbsent(key, k -> Objects.requireNonNull(create.get(), "create returned null"));
  }

  /**
   * Waits until a call may be made, and counts it.
   *
   * @throws InterruptedException if the thread is interrupted while it waits
   */
  public void acquire() throws InterruptedException {
    while (true) {
      long wait;
      synchronized (this) {
        long now = clock.millis();
        long windowMillis = window.toMillis() + spacingMillis;
        while (!grants.isEmpty() && grants.peekFirst() <= now - windowMillis) {
          grants.pollFirst();
        }
        if (now < pausedUntil) {
          wait = pausedUntil - now;
        } else if (grants.size() < permits) {
          grants.addLast(now);
          return;
        } else {
          // The oldest grant in the window must leave it; with fewer permits than grants (after
          // the budget shrank), wait for enough of them to leave.
          int excess = grants.size() - permits;
          long oldest = grants.stream().skip(excess).findFirst().orElse(now);
          wait = oldest + windowMillis - now;
        }
      }
      sleeper.sleep(Duration.ofMillis(Math.max(1, wait)));
    }
  }

  /**
   * What the API said about the budget: its {@code limit} per window (which replaces the
   * configured number, so a changed limit is followed) and the calls {@code remaining} in it. When
   * others use the same quota, the remaining count is lower than this budget's own count says; the
   * budget then shrinks to leave them their share, and grows back to the limit when they stop.
   *
   * @param limit the calls per window the API reports
   * @param remaining calls left in the window
   */
  public synchronized void observe(int limit, int remaining) {
    if (limit < 1) {
      return;
    }
    long now = clock.millis();
    long windowMillis = window.toMillis();
    while (!grants.isEmpty() && grants.peekFirst() <= now - windowMillis) {
      grants.pollFirst();
    }
    int usedByOthers = Math.max(0, (limit - Math.max(0, remaining)) - grants.size());
    permits = Math.max(1, limit - usedByOthers);
  }

  /**
   * The API refused a call for the rate limit: nobody calls for {@code retryAfter}.
   *
   * @param retryAfter how long the API asked to wait
   */
  public synchronized void rateLimited(Duration retryAfter) {
    long until = clock.millis() + retryAfter.toMillis();
    if (until > pausedUntil) {
      pausedUntil = until;
    }
  }

  /**
   * Calls granted per window at present.
   *
   * @return the calls granted per window at present
   */
  public synchronized int permits() {
    return permits;
  }

  /** {@return the rolling window} */
  public Duration window() {
    return window;
  }

  private static void park(Duration duration) throws InterruptedException {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(duration.toMillis()));
    if (Thread.interrupted()) {
      throw new InterruptedException("interrupted while waiting for the rate limit");
    }
  }

  @Override
  public synchronized String toString() {
    return "RateLimit{" + permits + " per " + window + '}';
  }
}
