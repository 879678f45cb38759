package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.delivery.RollingWindowRateLimiter;
import dev.sluice.http.AuthProvider;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.RateLimitedServer;
import dev.sluice.testkit.RateLimitedServerDestination;
import dev.sluice.testkit.SyntheticSource;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Endpoints that fail in the ways real ones do — slow to forgive, rate-limiting forever, trickling,
 * streaming without end, silent — each run ends within the policy's bounds, with an honest status,
 * claiming nothing it was not confirmed. Long waits pass on a fake clock.
 */
class HostileEndpointTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MutableClock time = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
  private final InMemoryStateStore state = new InMemoryStateStore();
  private final MockWebServer server = new MockWebServer();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void tenThousandRecordsGetThroughTheDefaultPolicyFromAReceiverThatAsksEachBodyTwiceToComeBackInASecond()
      throws IOException {
    Map<String, List<Long>> attempts = new HashMap<>();
    serve(request -> {
      String body = request.getBody().utf8();
      List<Long> at;
      synchronized (attempts) {
        at = attempts.computeIfAbsent(body, b -> new ArrayList<>());
        at.add(time.millis());
      }
      return at.size() <= 2
          ? new MockResponse.Builder().code(503).addHeader("Retry-After", "1").body("{\"error\":\"busy\"}").build()
          : accepted(body);
    });
    DeliveryPolicy defaults = DeliveryPolicy.custom().clock(time, time::advance).build();
    assertThat(defaults.toString()).isEqualTo(DeliveryPolicy.ofDefaults().toString());
    Sync sync = Sync.from(SyntheticSource.of(10_000)).to(destination(500)).named("hooks").state(state)
        .delivery(defaults).build();

    SyncReport report = sync.run();
    SyncReport again = sync.run();

    assertThat(report.status()).as(report.summary()).isEqualTo(Status.SUCCEEDED);
    assertThat(report.delivered()).isEqualTo(10_000);
    assertThat(state.entries("hooks")).hasSize(10_000);
    assertThat(report.requests().attempts()).isEqualTo(60);
    assertThat(report.requests().retries()).isEqualTo(40);
    assertThat(report.requests().requests()).isEqualTo(60);
    assertThat(report.requests().rateLimitWait()).isEqualTo(Duration.ofSeconds(40));
    assertThat(report.summary()).contains("requests 60, attempts 60, retries 40");
    synchronized (attempts) {
      assertThat(attempts).hasSize(20);
      for (List<Long> at : attempts.values()) {
        assertThat(at).hasSize(3);
        assertThat(at.get(1) - at.get(0)).as("no retry before the second asked").isGreaterThanOrEqualTo(1_000);
        assertThat(at.get(2) - at.get(1)).isGreaterThanOrEqualTo(1_000);
      }
    }
    assertThat(again.status()).as("the breaker stays closed: %s", again.summary()).isEqualTo(Status.SUCCEEDED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "0", "-1", "soon, maybe"})
  void anEndpointThatAnswers429ForeverEndsTheRunWithinTheTotalRateLimitWait(String retryAfter) throws IOException {
    AtomicInteger requests = new AtomicInteger();
    List<Long> at = new java.util.concurrent.CopyOnWriteArrayList<>();
    serve(request -> {
      requests.incrementAndGet();
      at.add(time.millis());
      return new MockResponse.Builder().code(429).addHeader("Retry-After", retryAfter)
          .body("{\"error\":\"slow down\"}").build();
    });
    DeliveryPolicy policy = DeliveryPolicy.custom().clock(time, time::advance)
        .maxTotalRateLimitWait(Duration.ofMinutes(2)).build();
    long start = time.millis();

    SyncReport report = Sync.from(SyntheticSource.of(1_000)).to(destination(250)).named("hooks").state(state)
        .delivery(policy).build().run();

    assertThat(report.status()).isEqualTo(Status.ABORTED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).contains("maxTotalRateLimitWait of PT2M"));
    assertThat(report.delivered()).isZero();
    assertThat(state.entries("hooks")).isEmpty();
    assertThat(time.millis() - start).as("the run ended within the total wait, plus one wait per writer")
        .isLessThanOrEqualTo(Duration.ofMinutes(2).plusSeconds(4 * 30).toMillis());
    assertThat(report.requests().rateLimited()).isEqualTo(requests.get());
    if (retryAfter.equals("1")) {
      assertThat(requests.get()).as("a second between calls, two minutes in all").isBetween(118, 125);
    } else {
      assertThat(requests.get()).as("backoff from 0.5 s up to 30 s, not a tight loop").isLessThan(40);
      assertThat(RateLimitTest.maxInAnyWindow(at, 1_000)).as("calls in any second").isLessThanOrEqualTo(8);
    }
  }

  @Test
  void aRetryAfterOfAYearStopsTheRunAtOnceWithoutPausingTheSharedBudget() throws IOException {
    String inAYear = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
        Instant.now().plus(Duration.ofDays(365)).atZone(java.time.ZoneOffset.UTC));
    serve(request -> new MockResponse.Builder().code(429).addHeader("Retry-After", inAYear).body("{}").build());
    RollingWindowRateLimiter shared = RollingWindowRateLimiter.of("account", 100, Duration.ofSeconds(10));

    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
      SyncReport blocked = Sync.from(SyntheticSource.of(100)).to(destination(100, shared)).named("a").state(state)
          .build().run();
      try (RateLimitedServer healthy = RateLimitedServer.start(100, Duration.ofSeconds(10))) {
        SyncReport other = Sync.from(SyntheticSource.of(100))
            .to(new RateLimitedServerDestination(healthy, 100, shared)).named("b").build().run();

        assertThat(blocked.status()).isEqualTo(Status.ABORTED);
        assertThat(blocked.failure()).hasValueSatisfying(m -> assertThat(m).contains("maxRateLimitWait of PT15M"));
        assertThat(state.entries("a")).isEmpty();
        assertThat(shared.pausedUntilMillis()).as("the budget is not paused for a wait nobody makes").isZero();
        assertThat(other.status()).isEqualTo(Status.SUCCEEDED);
      }
    });
  }

  @Test
  void cancelEndsAWriteThatWaitsForAPausedSharedBudget() throws Exception {
    RollingWindowRateLimiter shared = RollingWindowRateLimiter.of("account", 100, Duration.ofSeconds(10));
    shared.pause(Duration.ofMinutes(10)); // another sync drew a 429 asking for ten minutes
    try (RateLimitedServer api = RateLimitedServer.start(100, Duration.ofSeconds(10))) {
      Sync sync = Sync.from(SyntheticSource.of(100)).to(new RateLimitedServerDestination(api, 100, shared))
          .named("waits").state(state).build();
      java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        java.util.concurrent.Future<SyncReport> run = runner.submit(sync::run);
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (shared.getMetrics().getNumberOfWaitingThreads() == 0 && System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        long start = System.nanoTime();

        sync.cancel();
        SyncReport report = run.get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat((System.nanoTime() - start) / 1_000_000).as("the wait for the budget ended").isLessThan(2_000);
        assertThat(report.status()).isEqualTo(Status.ABORTED);
        assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).contains("the run was cancelled"));
        assertThat(api.acceptedAt()).isEmpty();
        assertThat(state.entries("waits")).isEmpty();
      } finally {
        runner.shutdownNow();
      }
    }
  }

  @Test
  void anEndpointThatTricklesItsHeadersIsCutOffAtTheRequestDeadline() throws Exception {
    endsWithinTheRequestDeadline(HostileServer.Mode.TRICKLE_HEADER, "request timeout of PT0.5S");
  }

  @Test
  void anEndpointThatStreamsAnEndlessBodyIsCutOffAtTheRequestDeadline() throws Exception {
    endsWithinTheRequestDeadline(HostileServer.Mode.ENDLESS_BODY, "request timeout of PT0.5S");
  }

  @Test
  void aSilentEndpointIsCutOffAtTheResponseTimeout() throws Exception {
    endsWithinTheRequestDeadline(HostileServer.Mode.SILENT, "timeout");
  }

  private void endsWithinTheRequestDeadline(HostileServer.Mode mode, String reason) throws Exception {
    try (HostileServer hostile = new HostileServer(mode)) {
      RateLimitedServerDestination destination = new RateLimitedServerDestination(hostile.url(), 100, null,
          AuthProvider.none(), Duration.ofSeconds(mode == HostileServer.Mode.SILENT ? 1 : 5), Duration.ofMillis(500));
      DeliveryPolicy twoAttempts = DeliveryPolicy.custom().maxAttempts(2)
          .backoff(Duration.ofMillis(10), Duration.ofMillis(20)).build();
      long start = System.nanoTime();

      SyncReport report = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> Sync.from(SyntheticSource.of(100))
          .to(destination).named("hostile").state(state).delivery(twoAttempts).build().run());

      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(report.status()).as(report.summary()).isEqualTo(Status.FAILED);
      assertThat(report.failedRecords()).first().satisfies(e -> {
        assertThat(e.reason()).contains(reason).contains("after 2 attempts");
        assertThat(e.retryable()).isTrue();
      });
      assertThat(state.entries("hostile")).isEmpty();
      assertThat(hostile.requests()).isEqualTo(2);
      assertThat(millis).as("two attempts cut off at 0.5 s each, on a loaded machine").isLessThan(10_000);
      destination.close();
    }
  }

  private RateLimitedServerDestination destination(int batchSize) {
    return destination(batchSize, null);
  }

  private RateLimitedServerDestination destination(int batchSize, RollingWindowRateLimiter budget) {
    String url = server.url("/").toString();
    return new RateLimitedServerDestination(url.substring(0, url.length() - 1), batchSize, budget, AuthProvider.none(),
        Duration.ofSeconds(10), null);
  }

  private void serve(Function<RecordedRequest, MockResponse> answer) throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer.apply(request);
      }
    });
    server.start(0);
  }

  private static MockResponse accepted(String body) {
    try {
      ArrayNode results = JSON.createArrayNode();
      for (JsonNode record : JSON.readTree(body).path("records")) {
        results.addObject().put("key", record.path("key").asText()).put("status", "ok");
      }
      ObjectNode answer = JSON.createObjectNode();
      answer.set("results", results);
      return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
          .body(answer.toString()).build();
    } catch (IOException e) {
      return new MockResponse.Builder().code(400).body("{}").build();
    }
  }
}
