package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RecordError;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.http.AuthProvider;
import dev.sluice.http.JsonResponse;
import dev.sluice.source.Source;
import dev.sluice.testkit.RateLimitedServer;
import dev.sluice.testkit.RateLimitedServerDestination;
import dev.sluice.testkit.SyntheticSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each fault as a whole sync over real HTTP against the fake API, asserting what the API holds and
 * what the report says. Nothing may be lost in any case.
 */
class FaultMatrixTest {

  private static final DeliveryPolicy FAST = DeliveryPolicy.custom()
      .backoff(Duration.ofMillis(5), Duration.ofMillis(20)).build();

  private final RateLimitedServer api = RateLimitedServer.start(10_000, Duration.ofSeconds(1));
  private final InMemoryStateStore state = new InMemoryStateStore();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void deliversAfterThreeServerErrors() {
    api.respondNext(3, 503, "{\"status\":\"error\"}");

    SyncReport report = run(SyntheticSource.of(500), FAST, destination()).run();

    assertDelivered(report, 500);
  }

  @Test
  void deliversWhenOneCallInTenTimesOut() {
    api.stallEvery(10, Duration.ofSeconds(2));

    SyncReport report = run(SyntheticSource.of(2_000),
        FAST, new RateLimitedServerDestination(api, 100, null, AuthProvider.none(), Duration.ofMillis(300))).run();

    assertDelivered(report, 2_000);
  }

  @Test
  void deliversWhenTheConnectionIsResetAfterTheApiProcessedTheBatch() {
    api.resetAfterProcessingNext(2);

    SyncReport report = run(SyntheticSource.of(500), FAST, destination()).run();

    assertDelivered(report, 500);
  }

  @Test
  void deliversDespiteMalformedAndEmptyBodies() {
    api.respondNext(1, 200, "<html>proxy error</html>");
    api.respondNext(1, 200, "");

    SyncReport report = run(SyntheticSource.of(500), FAST, destination()).run();

    assertDelivered(report, 500);
  }

  @Test
  void sendsNothingBeforeARetryAfterExpires() {
    api.rateLimitNext(3, 1);

    SyncReport report = Sync.from(SyntheticSource.of(300)).to(destination()).named("api").state(state)
        .delivery(FAST).concurrency(1).build().run();

    assertDelivered(report, 300);
    List<Long> storm = api.rateLimitedAt();
    List<Long> accepted = api.acceptedAt();
    assertThat(storm).hasSize(3);
    for (long at : storm) {
      assertThat(accepted).noneMatch(t -> t > at && t < at + TimeUnit.SECONDS.toNanos(1));
    }
  }

  @Test
  void abortsOnPersistentServerErrorsAndKeepsUnsentChangesPending() {
    api.respondNext(1_000, 500, "{\"status\":\"error\"}");
    DeliveryPolicy policy = DeliveryPolicy.custom().backoff(Duration.ofMillis(1), Duration.ofMillis(2))
        .maxAttempts(2).circuitBreaker(50, 10, 4).build();

    SyncReport report = run(SyntheticSource.of(1_000), policy, destination()).run();

    assertThat(report.status()).isEqualTo(Status.ABORTED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).contains("circuit breaker"));
    assertThat(api.records()).isEmpty();
    assertThat(state.entries("api")).isEmpty();
  }

  @Test
  void isolatesOnePoisonRecordInABatchOfAHundredAndRetriesItNextRun() {
    String poison = SyntheticSource.key(42);
    api.rejectBatchesContaining(poison, "Property values were not valid: email");

    SyncReport first = run(SyntheticSource.of(100), FAST, destination()).run();
    SyncReport second = run(SyntheticSource.of(100), FAST, destination()).run();

    assertThat(first.delivered()).isEqualTo(99);
    assertThat(first.failedRecords()).singleElement().satisfies(e -> {
      assertThat(e.key()).isEqualTo(poison);
      assertThat(e.reason()).contains("HTTP 400").contains("Property values were not valid: email");
      assertThat(e.retryable()).isFalse();
    });
    assertThat(api.records()).hasSize(99).doesNotContainKey(poison);
    assertThat(second.failedRecords()).extracting(RecordError::key).containsExactly(poison);
    assertThat(second.newRecords()).as("only the poison record is sent again").isEqualTo(1);
  }

  @Test
  void refreshesCredentialsOnceOnA401MidRunAndLosesNothing() {
    AtomicInteger validToken = new AtomicInteger(1);
    AtomicInteger refreshes = new AtomicInteger();
    api.requireAuthorization(header -> ("Bearer token-" + validToken.get()).equals(header));
    AuthProvider refreshing = new AuthProvider() {
      private volatile int token = 1;

      @Override
      public Map<String, String> headers() {
        return Map.of("Authorization", "Bearer token-" + token);
      }

      @Override
      public boolean refreshAfterUnauthorized(JsonResponse response) {
        refreshes.incrementAndGet();
        token = validToken.get();
        return true;
      }
    };
    RateLimitedServerDestination http = new RateLimitedServerDestination(api, 100, null, refreshing,
        Duration.ofSeconds(5));
    AtomicInteger calls = new AtomicInteger();
    dev.sluice.destination.Destination destination = new dev.sluice.destination.Destination() {
      @Override
      public dev.sluice.destination.Capabilities capabilities() {
        return http.capabilities();
      }

      @Override
      public dev.sluice.destination.BatchResult write(dev.sluice.destination.Batch batch) {
        if (calls.incrementAndGet() == 4) {
          validToken.set(2); // the token expires mid-run
        }
        return http.write(batch);
      }
    };

    SyncReport report = Sync.from(SyntheticSource.of(1_000)).to(destination).named("api").state(state)
        .delivery(FAST).concurrency(1).build().run();

    assertDelivered(report, 1_000);
    assertThat(refreshes).hasValue(1);
  }

  private RateLimitedServerDestination destination() {
    return new RateLimitedServerDestination(api, 100, null);
  }

  private Sync run(Source source, DeliveryPolicy policy, RateLimitedServerDestination destination) {
    return Sync.from(source).to(destination).named("api").state(state).delivery(policy).build();
  }

  private void assertDelivered(SyncReport report, int count) {
    assertThat(report.status()).as(report.summary()).isEqualTo(Status.SUCCEEDED);
    assertThat(report.delivered()).isEqualTo(count);
    Set<String> expected = new TreeSet<>();
    for (int i = 0; i < count; i++) {
      expected.add(SyntheticSource.key(i));
    }
    assertThat(api.records().keySet()).isEqualTo(expected);
    assertThat(state.entries("api")).hasSize(count);
  }

}
