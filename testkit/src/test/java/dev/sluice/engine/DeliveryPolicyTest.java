package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.RecordError;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.testkit.MutableClock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.FaultyDestination;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeliveryPolicyTest {

  private static final DeliveryPolicy FAST = DeliveryPolicy.custom()
      .backoff(Duration.ofMillis(1), Duration.ofMillis(4))
      .build();

  private final RecordingDestination crm = RecordingDestination.create();
  private final InMemoryStateStore state = new InMemoryStateStore();

  @Test
  void retriesRetryableFailuresUntilTheBatchGetsThrough() {
    FaultyDestination faulty = FaultyDestination.wrap(crm).failNextCallsRetryably(3, "HTTP 503");

    SyncReport report = sync(rows(50), faulty, FAST).run();

    assertThat(report.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(faulty.calls()).isEqualTo(4);
    assertThat(crm.size()).isEqualTo(50);
  }

  @Test
  void waitsOutRateLimitsWithoutUsingUpAttempts() {
    FaultyDestination faulty = FaultyDestination.wrap(crm).rateLimitNextCalls(3, Duration.ofMillis(20));
    DeliveryPolicy oneAttempt = DeliveryPolicy.custom().maxAttempts(1).build();

    long start = System.nanoTime();
    SyncReport report = sync(rows(10), faulty, oneAttempt).run();
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(report.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(faulty.calls()).isEqualTo(4);
    assertThat(elapsedMillis).as("three waits of 20 ms").isGreaterThanOrEqualTo(60);
  }

  @Test
  void stopsTheRunWhenARateLimitAsksForTooLongAWait() {
    FaultyDestination faulty = FaultyDestination.wrap(crm).rateLimitNextCalls(1, Duration.ofHours(24));

    SyncReport report = sync(rows(10), faulty, FAST).run();

    assertThat(report.status()).isEqualTo(Status.ABORTED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m)
        .contains("asks to wait PT24H").contains("maxRateLimitWait of PT15M"));
    assertThat(state.entries("s")).isEmpty();
  }

  @Test
  void isolatesOnePoisonRecordInABatchOfAHundred() {
    FaultyDestination faulty = FaultyDestination.wrap(crm)
        .rejectBatchesContaining("k042", "400 VALIDATION_ERROR: email is not valid");
    InMemorySource source = rows(100);

    SyncReport first = sync(source, faulty, FAST).run();

    assertThat(first.status()).isEqualTo(Status.PARTIAL);
    assertThat(first.delivered()).isEqualTo(99);
    assertThat(first.failedRecords()).containsExactly(
        new RecordError("k042", "400 VALIDATION_ERROR: email is not valid", false));
    assertThat(crm.size()).isEqualTo(99);
    assertThat(faulty.calls()).as("a split costs about 2 log2(100) calls").isLessThanOrEqualTo(16);

    faulty = FaultyDestination.wrap(crm);
    crm.clearBatches();
    SyncReport second = sync(source, faulty, FAST).run();
    assertThat(second.delivered()).as("the poison record is retried next run").isEqualTo(1);
    assertThat(crm.keysSent(dev.sluice.destination.Operation.UPSERT)).containsExactly("k042");
  }

  @Test
  void opensTheBreakerOnPersistentFailuresAndKeepsUnsentChangesPending() {
    FaultyDestination faulty = FaultyDestination.wrap(crm).failNextCallsRetryably(1_000, "HTTP 500");
    DeliveryPolicy policy = DeliveryPolicy.custom().backoff(Duration.ofMillis(1), Duration.ofMillis(2))
        .maxAttempts(2).circuitBreaker(50, 10, 4).build();

    SyncReport report = Sync.from(rows(500)).to(faulty).named("s").state(state).batchSize(10).concurrency(1)
        .delivery(policy).build().run();

    assertThat(report.status()).isEqualTo(Status.ABORTED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).contains("circuit breaker is open"));
    assertThat(faulty.calls()).as("the run stops calling once the breaker is open").isLessThan(20);
    assertThat(state.entries("s")).isEmpty();
    assertThat(crm.size()).isZero();
  }

  @Test
  void capsCallsInFlightAcrossSyncsSharingAPolicy() throws Exception {
    java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
    dev.sluice.destination.Destination slow = new dev.sluice.destination.Destination() {
      @Override
      public dev.sluice.destination.Capabilities capabilities() {
        return crm.capabilities();
      }

      @Override
      public dev.sluice.destination.BatchResult write(dev.sluice.destination.Batch batch) {
        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
          return FaultyDestination.wrap(crm).latency(Duration.ofMillis(5)).write(batch);
        } finally {
          inFlight.decrementAndGet();
        }
      }
    };
    DeliveryPolicy shared = DeliveryPolicy.custom().maxConcurrentCalls(2, Duration.ofSeconds(30)).build();
    java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      java.util.List<java.util.concurrent.Future<SyncReport>> runs = new java.util.ArrayList<>();
      for (String name : java.util.List.of("a", "b")) {
        InMemorySource source = InMemorySource.create();
        for (int i = 0; i < 400; i++) {
          source.put(Record.builder(name + i).set("n", i).build());
        }
        runs.add(two.submit(() -> Sync.from(source).to(slow).named(name).batchSize(10).concurrency(4)
            .delivery(shared).build().run()));
      }
      for (java.util.concurrent.Future<SyncReport> run : runs) {
        assertThat(run.get(60, java.util.concurrent.TimeUnit.SECONDS).delivered()).isEqualTo(400);
      }
    } finally {
      two.shutdownNow();
    }
    assertThat(most.get()).as("calls in flight at once, over both syncs").isLessThanOrEqualTo(2);
  }

  @Test
  void failsChosenRecordsPermanentlyAndDeliversTheRestOfTheirBatch() {
    FaultyDestination faulty = FaultyDestination.wrap(crm).failKeyPermanently("k007", "422 email taken");

    SyncReport report = sync(rows(20), faulty, FAST).run();

    assertThat(report.delivered()).isEqualTo(19);
    assertThat(report.failedRecords()).containsExactly(new RecordError("k007", "422 email taken", false));
    assertThat(crm.size()).isEqualTo(19);
  }

  @Test
  void theBreakerJudgesEachBatchByItsFinalOutcomeAfterRetries() {
    MutableClock time = new MutableClock(Instant.EPOCH);
    Destination twiceThenFine = failingEachBatch(2, () -> new RetryableDestinationException("HTTP 502 from POST /batch"));
    DeliveryPolicy defaults = DeliveryPolicy.custom().clock(time, time::advance).build();
    Sync sync = Sync.from(rows(500)).to(twiceThenFine).named("s").state(state).batchSize(10).delivery(defaults).build();

    SyncReport first = sync.run();
    crm.clearBatches();
    SyncReport second = Sync.from(rows(600)).to(twiceThenFine).named("s").state(state).batchSize(10)
        .delivery(defaults).build().run();

    assertThat(first.status()).as(first.summary()).isEqualTo(Status.SUCCEEDED);
    assertThat(first.delivered()).isEqualTo(500);
    assertThat(first.requests().attempts()).isEqualTo(150);
    assertThat(first.requests().retries()).isEqualTo(100);
    assertThat(second.status()).as(second.summary()).isEqualTo(Status.SUCCEEDED);
    assertThat(second.delivered()).isEqualTo(100);
  }

  @Test
  void aRunThatStartsWhileTheBreakerIsOpenSaysWhenItCloses() {
    FaultyDestination faulty = FaultyDestination.wrap(crm).failNextCallsRetryably(1_000, "HTTP 500");
    DeliveryPolicy policy = DeliveryPolicy.custom().backoff(Duration.ofMillis(1), Duration.ofMillis(2))
        .maxAttempts(1).circuitBreaker(50, 4, 2).breakerWaitInOpenState(Duration.ofMinutes(5)).build();
    Sync sync = Sync.from(rows(100)).to(faulty).named("s").state(state).batchSize(10).concurrency(1)
        .delivery(policy).build();

    SyncReport opened = sync.run();
    int calls = faulty.calls();
    SyncReport refused = sync.run();

    assertThat(opened.status()).isEqualTo(Status.ABORTED);
    assertThat(refused.status()).isEqualTo(Status.ABORTED);
    assertThat(faulty.calls()).as("nothing sent while open").isEqualTo(calls);
    assertThat(refused.failure()).hasValueSatisfying(m -> assertThat(m)
        .contains("circuit breaker is open").containsPattern("lets a batch through again at 20\\d\\d-.*Z \\(in PT[45]M"));
  }

  @Test
  void aRunEndsAtItsDeadlineWithWhatWasConfirmedCommittedAndTheRestPending() {
    MutableClock time = new MutableClock(Instant.EPOCH);
    AtomicInteger writes = new AtomicInteger();
    Destination slowToForgive = new Destination() {
      @Override
      public Capabilities capabilities() {
        return crm.capabilities();
      }

      @Override
      public BatchResult write(Batch batch) {
        if (writes.incrementAndGet() == 1) {
          return crm.write(batch);
        }
        throw new RetryableDestinationException("HTTP 503", Duration.ofSeconds(5), null);
      }
    };
    DeliveryPolicy patient = DeliveryPolicy.custom().maxAttempts(1_000).clock(time, time::advance).build();

    SyncReport report = Sync.from(rows(300)).to(slowToForgive).named("s").state(state).batchSize(100).concurrency(1)
        .delivery(patient).deadline(Duration.ofMinutes(1)).build().run();

    assertThat(report.status()).isEqualTo(Status.ABORTED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).contains("deadline of PT1M"));
    assertThat(report.delivered()).isEqualTo(100);
    assertThat(state.entries("s")).hasSize(100);
    assertThat(time.millis()).as("the run stopped at its deadline").isBetween(60_000L, 61_000L);
    assertThat(writes.get()).as("one write, then a 5 s wait each until the minute is up").isBetween(12, 14);
  }

  @Test
  void cancelStopsARunningSyncWhichReturnsItsReport() throws Exception {
    java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
    Destination firstThenRateLimited = new Destination() {
      private final AtomicInteger writes = new AtomicInteger();

      @Override
      public Capabilities capabilities() {
        return crm.capabilities();
      }

      @Override
      public BatchResult write(Batch batch) {
        if (writes.incrementAndGet() == 1) {
          return crm.write(batch);
        }
        waiting.countDown();
        throw new dev.sluice.destination.RateLimitedException("HTTP 429", Duration.ofMinutes(10));
      }
    };
    Sync sync = Sync.from(rows(300)).to(firstThenRateLimited).named("s").state(state).batchSize(100).concurrency(1)
        .build();
    java.util.concurrent.ExecutorService runner = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<SyncReport> run = runner.submit(sync::run);
      assertThat(waiting.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      long start = System.nanoTime();

      assertThat(sync.cancel()).isTrue();
      SyncReport report = run.get(10, java.util.concurrent.TimeUnit.SECONDS);

      assertThat((System.nanoTime() - start) / 1_000_000).as("the 10 minute wait ended at once").isLessThan(2_000);
      assertThat(report.status()).isEqualTo(Status.ABORTED);
      assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).contains("the run was cancelled"));
      assertThat(report.delivered()).isEqualTo(100);
      assertThat(state.entries("s")).hasSize(100);
      assertThat(sync.cancel()).as("nothing left to cancel").isFalse();
    } finally {
      runner.shutdownNow();
    }
  }

  @Test
  void refusesNonsenseSettingsNamingThem() {
    assertThatThrownBy(() -> DeliveryPolicy.custom().maxAttempts(0))
        .hasMessage("maxAttempts must be at least 1, was 0");
    assertThatThrownBy(() -> DeliveryPolicy.custom().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("the maximum backoff PT1S is shorter than the initial PT2S");
    assertThatThrownBy(() -> DeliveryPolicy.custom().jitter(1.5)).hasMessage("jitter must be at least 0 and less than 1, was 1.5");
    assertThatThrownBy(() -> DeliveryPolicy.custom().circuitBreaker(0, 10, 5))
        .hasMessageContaining("failure rate must be above 0");
  }

  private Sync sync(InMemorySource source, FaultyDestination destination, DeliveryPolicy policy) {
    return Sync.from(source).to(destination).named("s").state(state).delivery(policy).build();
  }

  /** Fails the first {@code times} attempts of every batch, then delivers it. */
  private Destination failingEachBatch(int times, java.util.function.Supplier<RuntimeException> failure) {
    java.util.Map<String, AtomicInteger> attempts = new java.util.concurrent.ConcurrentHashMap<>();
    return new Destination() {
      @Override
      public Capabilities capabilities() {
        return crm.capabilities();
      }

      @Override
      public BatchResult write(Batch batch) {
        if (attempts.computeIfAbsent(batch.id(), id -> new AtomicInteger()).incrementAndGet() <= times) {
          throw failure.get();
        }
        return crm.write(batch);
      }
    };
  }

  private static InMemorySource rows(int n) {
    InMemorySource source = InMemorySource.create();
    for (int i = 0; i < n; i++) {
      source.put(Record.builder(String.format("k%03d", i)).set("n", i).build());
    }
    return source;
  }
}
