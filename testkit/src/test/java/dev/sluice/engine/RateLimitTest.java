package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.delivery.RateLimitRegistry;
import dev.sluice.delivery.RollingWindowRateLimiter;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.RecordingDestination;
import io.github.resilience4j.micrometer.tagged.TaggedRateLimiterMetricsPublisher;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The rolling-window budget as a Resilience4j rate limiter, on a fake clock that its waits move forward. */
class RateLimitTest {

  /** Time moves only when the rate limit waits: it sleeps by advancing this clock. */
  private final MutableClock time = new MutableClock(Instant.EPOCH);

  private RollingWindowRateLimiter limiter(int permits, Duration window) {
    return RollingWindowRateLimiter.builder("api", permits, window).clock(time, time::advance).build();
  }

  @Test
  void neverGrantsMoreThanThePermitsInAnyRollingWindowAndRunsAtTheCeiling() {
    RollingWindowRateLimiter limit = limiter(100, Duration.ofSeconds(10));
    List<Long> grants = new ArrayList<>();

    for (int i = 0; i < 1_000; i++) {
      assertThat(limit.acquirePermission()).isTrue();
      grants.add(time.millis());
    }

    assertThat(maxInAnyWindow(grants, 10_000)).isEqualTo(100);
    assertThat(time.millis()).as("1,000 calls at 100 per 10 s (+1%) take 90.9 s, not more").isEqualTo(90_900);
  }

  @Test
  void pausesEveryCallerAfterARateLimitAnswer() {
    RollingWindowRateLimiter limit = limiter(100, Duration.ofSeconds(10));
    limit.acquirePermission();

    limit.pause(Duration.ofSeconds(7));
    limit.acquirePermission();

    assertThat(time.millis()).isEqualTo(7_000);
  }

  @Test
  void followsTheLimitTheApiReportsAndLeavesOthersTheirShare() {
    RollingWindowRateLimiter limit = limiter(100, Duration.ofSeconds(10));

    limit.observe(50, 50);
    assertThat(limit.permits()).as("the API halved its limit").isEqualTo(50);

    limit.acquirePermission();
    limit.onResult("answered");
    limit.observe(50, 29);
    assertThat(limit.permits()).as("20 calls in the window were someone else's").isEqualTo(30);

    time.advance(Duration.ofSeconds(11));
    limit.observe(190, 190);
    assertThat(limit.permits()).isEqualTo(190);
  }

  @Test
  void readingTheHeadersKeepsTheSafetyMarginOfTheWindow() {
    RollingWindowRateLimiter limit = limiter(100, Duration.ofSeconds(10));
    for (int i = 0; i < 100; i++) {
      limit.acquirePermission();
      limit.onResult("answered");
    }

    time.advance(Duration.ofSeconds(10)); // exactly one bare window later: the API has forgotten them
    limit.observe(100, 100);
    limit.acquirePermission();

    assertThat(time.millis()).as("the next call still waits for the 100 ms margin").isEqualTo(10_100);
  }

  @Test
  void readingTheHeadersCountsRequestsInFlightAsNotYetSeenByTheApi() {
    RollingWindowRateLimiter limit = limiter(10, Duration.ofSeconds(10));
    for (int i = 0; i < 5; i++) {
      limit.acquirePermission();
    }
    limit.onResult("the first answer"); // four of ours are still on their way

    limit.observe(10, 5); // the API counted 5: our first and 4 of another app's
    assertThat(limit.permits()).as("4 are someone else's, not 0").isEqualTo(6);

    assertThat(limit.reservePermission()).as("one more now").isZero();
    assertThat(limit.reservePermission()).as("then the window must move").isPositive();
    assertThat(limit.inFlight()).isEqualTo(6);
  }

  @Test
  void countsARequestFromItsEndSoThatOneSlowToArriveCannotCrowdTheApisWindow() {
    RollingWindowRateLimiter limit = limiter(2, Duration.ofSeconds(1));
    limit.acquirePermission();
    time.advance(Duration.ofMillis(500)); // on its way: the API may count it as late as its answer
    limit.onResult("answered");
    limit.acquirePermission();

    limit.acquirePermission();

    assertThat(time.millis()).as("the third waits for the first to leave, counted from its answer")
        .isEqualTo(500 + 1_050);
  }

  @Test
  void changesItsLimitAtOnce() {
    RollingWindowRateLimiter limit = limiter(10, Duration.ofSeconds(1));
    for (int i = 0; i < 5; i++) {
      limit.acquirePermission();
    }

    limit.changeLimitForPeriod(5);
    assertThat(limit.reservePermission()).as("no room left under the new limit")
        .isEqualTo(TimeUnit.MILLISECONDS.toNanos(1_050));
    limit.changeLimitForPeriod(20);
    assertThat(limit.reservePermission()).as("room at once under the larger one").isEqualTo(TimeUnit.MILLISECONDS.toNanos(1_050));
    assertThat(limit.getRateLimiterConfig().getLimitForPeriod()).isEqualTo(20);
  }

  @Test
  void reservesPermitsAheadWithoutOverbookingAnyWindowAndRefusesBeyondItsTimeout() {
    RollingWindowRateLimiter limit = RollingWindowRateLimiter.builder("api", 2, Duration.ofSeconds(1))
        .clock(time, time::advance).timeout(Duration.ofSeconds(2)).build();
    List<Long> booked = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      booked.add(time.millis() + TimeUnit.NANOSECONDS.toMillis(limit.reservePermission()));
    }

    assertThat(booked).containsExactly(0L, 0L, 1_050L, 1_050L);
    assertThat(limit.reservePermission()).as("2.1 s away, past the 2 s timeout").isEqualTo(-1);
    assertThat(limit.acquirePermission()).isFalse();
    assertThat(limit.getMetrics().getAvailablePermissions()).isEqualTo(-2);
  }

  @Test
  void drainsItsWindowAndPublishesEvents() {
    RollingWindowRateLimiter limit = RollingWindowRateLimiter.builder("api", 3, Duration.ofSeconds(1))
        .clock(time, time::advance).timeout(Duration.ZERO).build();
    AtomicInteger granted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<String> all = Collections.synchronizedList(new ArrayList<>());
    limit.getEventPublisher().onSuccess(e -> granted.incrementAndGet()).onFailure(e -> refused.incrementAndGet());
    limit.getEventPublisher().onEvent(e -> all.add(e.getEventType().name()));

    assertThat(limit.acquirePermission()).isTrue();
    limit.drainPermissions();
    assertThat(limit.acquirePermission()).as("drained: nothing left in this window").isFalse();

    assertThat(granted).hasValue(1);
    assertThat(refused).hasValue(1);
    assertThat(all).containsExactly("SUCCESSFUL_ACQUIRE", "DRAINED", "FAILED_ACQUIRE");
  }

  @Test
  void publishesResilience4jGaugesThroughTheTaggedPublisher() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    RateLimitRegistry budgets = RateLimitRegistry.of(new TaggedRateLimiterMetricsPublisher(meters));
    RateLimiter crm = budgets.rollingWindow("crm", 10, Duration.ofSeconds(10));

    crm.acquirePermission(3);

    assertThat(meters.get("resilience4j.ratelimiter.available.permissions").tag("name", "crm").gauge().value())
        .isEqualTo(7.0);
    assertThat(meters.get("resilience4j.ratelimiter.waiting_threads").tag("name", "crm").gauge().value()).isZero();
  }

  @Test
  void aRegistryYouOwnSharesOneBudgetPerNameAndRefusesConflictingSettings() {
    RateLimitRegistry budgets = RateLimitRegistry.create();
    RateLimiter first = budgets.rollingWindow("portal-1", 10, Duration.ofSeconds(1));

    assertThat(budgets.rollingWindow("portal-1", 10, Duration.ofSeconds(1))).isSameAs(first);
    assertThat(budgets.rollingWindow("portal-2", 10, Duration.ofSeconds(1))).isNotSameAs(first);
    assertThat(RateLimitRegistry.create().rollingWindow("portal-1", 10, Duration.ofSeconds(1))).isNotSameAs(first);
    assertThat(budgets.find("portal-1")).containsSame(first);
    assertThatThrownBy(() -> budgets.rollingWindow("portal-1", 99, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'portal-1' already exists as 10 per rolling PT1S, not 99 per rolling PT1S");
  }

  @Test
  void pacesTwoSyncsSharingABudgetToItsCeilingTogether() {
    RollingWindowRateLimiter shared = limiter(5, Duration.ofSeconds(1));
    List<Long> calls = Collections.synchronizedList(new ArrayList<>());
    RecordingDestination crm = RecordingDestination.builder().maxRecordsPerBatch(1).build();
    DeliveryPolicy policy = DeliveryPolicy.custom().rateLimit(shared).clock(time, time::advance).build();
    for (String name : List.of("contacts", "companies")) {
      SyncReport report = Sync.from(rows(name, 20)).to(timed(crm, calls)).named(name).delivery(policy).concurrency(1)
          .build().run();
      assertThat(report.delivered()).isEqualTo(20);
      assertThat(report.requests().attempts()).isEqualTo(20);
    }

    assertThat(maxInAnyWindow(calls, 1_000)).isLessThanOrEqualTo(5);
    assertThat(time.millis()).as("40 calls at 5 per second (+50 ms)").isEqualTo(7_350);
  }

  @Test
  void aUsersOwnAtomicRateLimiterPacesWritesThroughThePolicy() {
    RateLimiter users = RateLimiter.of("users-own", RateLimiterConfig.custom().limitForPeriod(10)
        .limitRefreshPeriod(Duration.ofMillis(100)).timeoutDuration(Duration.ofSeconds(5)).build());
    AtomicInteger granted = new AtomicInteger();
    users.getEventPublisher().onSuccess(e -> granted.incrementAndGet());
    RecordingDestination crm = RecordingDestination.builder().maxRecordsPerBatch(1).build();
    List<Long> calls = Collections.synchronizedList(new ArrayList<>());

    SyncReport report = Sync.from(rows("k", 30)).to(timed(crm, calls)).delivery(DeliveryPolicy.custom()
        .rateLimit(users).build()).build().run();

    assertThat(report.delivered()).isEqualTo(30);
    assertThat(granted).as("one permit per write").hasValue(30);
    assertThat(users.getMetrics().getAvailablePermissions()).isLessThanOrEqualTo(10);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> RollingWindowRateLimiter.of("x", 0, Duration.ofSeconds(1)))
        .hasMessage("permits must be at least 1, was 0");
    assertThatThrownBy(() -> RollingWindowRateLimiter.of("x", 1, Duration.ZERO)).hasMessage("window must be positive, was PT0S");
    assertThatThrownBy(() -> RollingWindowRateLimiter.of("x", 1, Duration.ofSeconds(1)).changeLimitForPeriod(0))
        .hasMessage("limitForPeriod must be at least 1, was 0");
  }

  private Destination timed(RecordingDestination crm, List<Long> calls) {
    return new Destination() {
      @Override
      public Capabilities capabilities() {
        return crm.capabilities();
      }

      @Override
      public BatchResult write(Batch batch) {
        calls.add(time.millis());
        return crm.write(batch);
      }
    };
  }

  private static InMemorySource rows(String prefix, int n) {
    InMemorySource source = InMemorySource.create();
    for (int i = 0; i < n; i++) {
      source.put(Record.builder(prefix + i).set("n", i).build());
    }
    return source;
  }

  static int maxInAnyWindow(List<Long> times, long windowMillis) {
    List<Long> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    int max = 0;
    int start = 0;
    for (int end = 0; end < sorted.size(); end++) {
      while (sorted.get(end) - sorted.get(start) >= windowMillis) {
        start++;
      }
      max = Math.max(max, end - start + 1);
    }
    return max;
  }
}
