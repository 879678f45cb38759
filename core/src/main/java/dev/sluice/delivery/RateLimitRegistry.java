package dev.sluice.delivery;

import io.github.resilience4j.core.metrics.MetricsPublisher;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rate-limit budgets your application shares between syncs, by name: one per API account, so
 * that two syncs writing to the same account do not get twice its quota. You own it (make one,
 * keep it as long as the syncs, pass it where budgets are shared); there is no global one.
 *
 * <pre>{@code
 * RateLimitRegistry budgets = RateLimitRegistry.of(new TaggedRateLimiterMetricsPublisher(meterRegistry));
 * RateLimiter crm = budgets.rollingWindow("crm-account", 100, Duration.ofSeconds(10));
 * HubSpot contacts = HubSpot.builder("contacts").portal("1234567", budgets)...build();
 * }</pre>
 *
 * <p>Asking again for a name returns the same limiter; asking with other settings than it was made
 * with fails, naming both, instead of silently keeping the first. Every limiter made or registered
 * here is handed to the metrics publisher, if any. Thread-safe.
 */
public final class RateLimitRegistry {

  private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
  private final MetricsPublisher<RateLimiter> publisher;

  private RateLimitRegistry(MetricsPublisher<RateLimiter> publisher) {
    this.publisher = publisher;
  }

  /** {@return an empty registry} */
  public static RateLimitRegistry create() {
    return new RateLimitRegistry(null);
  }

  /**
   * An empty registry whose limiters are published to {@code publisher}, such as Resilience4j's
   * {@code TaggedRateLimiterMetricsPublisher}.
   *
   * @param publisher where every limiter's metrics are published
   * @return the registry
   */
  public static RateLimitRegistry of(MetricsPublisher<RateLimiter> publisher) {
    return new RateLimitRegistry(Objects.requireNonNull(publisher, "publisher"));
  }

  /**
   * The rolling-window budget named {@code name}: made with {@code permits} per {@code window} the
   * first time, the same instance after.
   *
   * @param name the budget's name, such as {@code hubspot:1234567}
   * @param permits requests per window
   * @param window the rolling window
   * @return the budget
   *
   * @throws IllegalStateException when {@code name} holds a limiter with other settings
   */
  public RateLimiter rollingWindow(String name, int permits, Duration window) {
    Objects.requireNonNull(name, "name");
    RateLimiter limiter = limiters.computeIfAbsent(name, n -> published(RollingWindowRateLimiter.of(n, permits, window)));
    if (!(limiter instanceof RollingWindowRateLimiter)
        || ((RollingWindowRateLimiter) limiter).configuredPermits() != permits
        || !((RollingWindowRateLimiter) limiter).window().equals(window)) {
      throw new IllegalStateException("the rate limit '" + name + "' already exists as " + describe(limiter)
          + ", not " + permits + " per rolling " + window + ": use the same settings for one account, or another name");
    }
    return limiter;
  }

  /**
   * Registers {@code limiter} (any Resilience4j limiter) under its name, or returns the one
   * already registered under that name.
   *
   * @param limiter the limiter
   * @return the limiter now registered under its name
   */
  public RateLimiter register(RateLimiter limiter) {
    Objects.requireNonNull(limiter, "limiter");
    return limiters.computeIfAbsent(limiter.getName(), n -> published(limiter));
  }

  /**
   * The limiter registered under {@code name}, if any.
   *
   * @param name the name
   * @return the limiter, if any
   */
  public Optional<RateLimiter> find(String name) {
    return Optional.ofNullable(limiters.get(Objects.requireNonNull(name, "name")));
  }

  /** {@return every registered limiter} */
  public List<RateLimiter> all() {
    return List.copyOf(new ArrayList<>(limiters.values()));
  }

  private RateLimiter published(RateLimiter limiter) {
    if (publisher != null) {
      publisher.publishMetrics(limiter);
    }
    return limiter;
  }

  private static String describe(RateLimiter limiter) {
    if (limiter instanceof RollingWindowRateLimiter) {
      RollingWindowRateLimiter r = (RollingWindowRateLimiter) limiter;
      return r.configuredPermits() + " per rolling " + r.window();
    }
    return limiter.getClass().getSimpleName() + " " + limiter.getRateLimiterConfig().getLimitForPeriod() + " per "
        + limiter.getRateLimiterConfig().getLimitRefreshPeriod();
  }

  @Override
  public String toString() {
    return "RateLimitRegistry" + limiters.keySet();
  }
}
