package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.RecordError;
import dev.sluice.RunContext;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.destination.AsyncDestination;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RecordSize;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.diff.Change;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.diff.RecordHash;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.observe.SyncListener;
import dev.sluice.observe.SyncProgress;
import dev.sluice.source.Source;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class SyncRunTest {

  private final InMemoryStateStore state = new InMemoryStateStore();
  private final RecordingDestination destination = RecordingDestination.create();

  @Test
  void resendsFailedRecordsOnTheNextRunAndNotTheDeliveredOnes() {
    InMemorySource source = customers(10);
    destination.failKey("c3", true, "503 from the API").failKey("c7", false, "invalid email");

    SyncReport first = sync(source, SyncMode.UPSERT).run();

    assertThat(first.status()).isEqualTo(Status.PARTIAL);
    assertThat(first.delivered()).isEqualTo(8);
    assertThat(first.failed()).isEqualTo(2);
    assertThat(first.failedRecords()).containsExactlyInAnyOrder(
        new RecordError("c3", "503 from the API", true), new RecordError("c7", "invalid email", false));
    assertThat(state.entries("customers")).doesNotContainKeys("c3", "c7").hasSize(8);

    destination.clearFailures().clearBatches();
    SyncReport second = sync(source, SyncMode.UPSERT).run();

    assertThat(second.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(destination.keysSent(Operation.UPSERT)).containsExactlyInAnyOrder("c3", "c7");
    assertThat(second.added()).isEqualTo(2);
    assertThat(second.unchanged()).isEqualTo(8);
    assertThat(destination.contents()).hasSize(10);
    assertThat(state.entries("customers")).hasSize(10);
  }

  @Test
  void keepsTheOldHashOfAFailedUpdateSoItIsRetried() {
    InMemorySource source = customers(3);
    Sync sync = sync(source, SyncMode.UPSERT);
    sync.run();
    long before = state.entries("customers").get("c1");
    source.put(customer(1, "changed"));
    destination.failKey("c1", true, "timeout");

    assertThat(sync.run().failed()).isEqualTo(1);
    assertThat(state.entries("customers").get("c1")).isEqualTo(before);

    destination.clearFailures();
    SyncReport third = sync.run();
    assertThat(third.updated()).isEqualTo(1);
    assertThat(third.delivered()).isEqualTo(1);
    assertThat(destination.get("c1")).isEqualTo(customer(1, "changed"));
  }

  @Test
  void failsTheRunOnADuplicateKeyAndSendsNoDeletes() {
    InMemorySource initial = customers(3);
    sync(initial, SyncMode.MIRROR).run();
    destination.clearBatches();
    Source withDuplicate = Source.of(customer(0, "a"), customer(1, "a"), customer(0, "b"));

    SyncReport report = sync(withDuplicate, SyncMode.MIRROR).run();

    assertThat(report.status()).isEqualTo(Status.FAILED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m)
        .contains("duplicate key 'c0'").contains("keys must be unique"));
    assertThat(destination.keysSent(Operation.DELETE)).isEmpty();
    assertThat(destination.get("c2")).isNotNull();
    assertThat(report.deleted()).isZero();
  }

  @Test
  void commitsWhatTheDestinationConfirmedBeforeTheRunFailed() {
    Source withDuplicate = Source.of(customer(0, "a"), customer(1, "a"), customer(2, "a"), customer(1, "b"));

    SyncReport report = Sync.from(withDuplicate).to(destination).named("customers").state(state)
        .batchSize(1).concurrency(1).build().run();

    assertThat(report.status()).isEqualTo(Status.FAILED);
    assertThat(destination.contents()).isNotEmpty();
    assertThat(state.entries("customers").keySet()).isEqualTo(destination.contents().keySet());
  }

  @Test
  void failsTheRunOnADuplicateKeyFromAnOrderedSource() {
    Source ordered = new Source() {
      @Override
      public dev.sluice.source.RecordStream open() {
        return dev.sluice.source.RecordStream.of(List.of(customer(0, "a"), customer(0, "b")).iterator());
      }

      @Override
      public boolean orderedByKey() {
        return true;
      }
    };

    SyncReport report = sync(ordered, SyncMode.MIRROR).run();

    assertThat(report.status()).isEqualTo(Status.FAILED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).contains("duplicate key 'c0'"));
  }

  @Test
  void failsTheRunWhenAnOrderedSourceBreaksItsOrder() {
    sync(customers(5), SyncMode.MIRROR).run();
    destination.clearBatches();
    Source misordered = new Source() {
      @Override
      public dev.sluice.source.RecordStream open() {
        return dev.sluice.source.RecordStream.of(List.of(customer(0, "a"), customer(3, "a"), customer(1, "a")).iterator());
      }

      @Override
      public boolean orderedByKey() {
        return true;
      }
    };

    SyncReport report = sync(misordered, SyncMode.MIRROR).run();

    assertThat(report.status()).isEqualTo(Status.FAILED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m)
        .contains("key 'c1' arrived after 'c3'").contains("binary collation"));
    assertThat(destination.keysSent(Operation.DELETE)).isEmpty();
    assertThat(destination.contents()).hasSize(5);
  }

  @Test
  void rejectsARecordWithoutAKeyAndGoesOn() {
    Source source = Source.of(customer(1, "a"), Record.builder(null).set("name", "nobody").build(), customer(2, "a"));

    SyncReport report = sync(source, SyncMode.UPSERT).run();

    assertThat(report.status()).isEqualTo(Status.PARTIAL);
    assertThat(report.rejected()).isEqualTo(1);
    assertThat(report.rejectedRecords()).containsExactly(
        new RecordError(null, "the record has no key (is a key column null?); its fields begin name=nobody", false));
    assertThat(destination.contents()).containsOnlyKeys("c1", "c2");
  }

  @Test
  void reportsMappingRejectionsWithReasonsAndDeliversTheRest() {
    InMemorySource source = InMemorySource.create()
        .put("1", Map.of("email", "a@x.io", "ltv", "10.5"))
        .put("2", Map.of("email", "b@x.io", "ltv", "lots"))
        .put("3", Map.of("ltv", "3"))
        .put("4", Map.of("email", "d@x.io", "ltv", "4"));
    Mapping mapping = Mapping.builder().copy("email").convert("ltv", Convert.toDecimal()).require("email").build();

    SyncReport report = Sync.from(source).map(mapping).to(destination).build().run();

    assertThat(report.status()).isEqualTo(Status.PARTIAL);
    assertThat(report.read()).isEqualTo(4);
    assertThat(report.mapped()).isEqualTo(2);
    assertThat(report.rejected()).isEqualTo(2);
    assertThat(report.rejectedRecords()).extracting(RecordError::key, RecordError::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple("2", "field 'ltv': cannot convert String 'lots' from 'ltv' to decimal:"
            + " Character l is neither a decimal digit number, decimal point, nor \"e\" notation exponential mark."),
        org.assertj.core.groups.Tuple.tuple("3", "source field 'email' is missing; the record has [ltv]"));
    assertThat(destination.contents()).containsOnlyKeys("1", "4");
    assertThat(destination.get("1").get("ltv")).isEqualTo(new BigDecimal("10.5"));
  }

  @Test
  void neverDeletesAKeyWhoseRowWasRejected() {
    InMemorySource source = InMemorySource.create().put("1", Map.of("n", "1")).put("2", Map.of("n", "2"));
    Mapping mapping = Mapping.builder().convert("n", Convert.toLong()).build();
    Sync sync = Sync.from(source).map(mapping).to(destination).mode(SyncMode.MIRROR).build();
    sync.run();
    source.put("2", Map.of("n", "two"));

    SyncReport report = sync.run();

    assertThat(report.rejected()).isEqualTo(1);
    assertThat(report.deleted()).isZero();
    assertThat(destination.contents()).containsOnlyKeys("1", "2");
  }

  @Test
  void failsWithoutDeletesWhenTheSourceBreaksMidStream() {
    InMemorySource source = customers(10);
    Sync sync = sync(source, SyncMode.MIRROR);
    sync.run();
    destination.clearBatches();
    source.remove("c9").put(customer(0, "changed")).failAfter(5, "connection reset by warehouse");

    SyncReport report = sync.run();

    assertThat(report.status()).isEqualTo(Status.FAILED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m)
        .isEqualTo("the source failed after 5 records: connection reset by warehouse; no deletes were sent"));
    assertThat(destination.keysSent(Operation.DELETE)).isEmpty();
    assertThat(destination.get("c9")).isNotNull();
    assertThat(destination.get("c0")).as("changes read before the failure are still delivered")
        .isEqualTo(customer(0, "changed"));
    assertThat(state.entries("customers").get("c0")).isEqualTo(RecordHash.of(customer(0, "changed")));
  }

  @Test
  void givesIdenticalDestinationContentsAtConcurrencyOneAndEight() {
    InMemorySource source = customers(5_000);
    RecordingDestination one = RecordingDestination.builder().maxRecordsPerBatch(37).build();
    RecordingDestination eight = RecordingDestination.builder().maxRecordsPerBatch(37).build();
    one.failKey("c42", false, "bad");
    eight.failKey("c42", false, "bad");

    SyncReport r1 = Sync.from(source).to(one).concurrency(1).build().run();
    SyncReport r8 = Sync.from(source).to(eight).concurrency(8).build().run();

    assertThat(eight.contents()).isEqualTo(one.contents()).hasSize(4_999);
    assertThat(r8.delivered()).isEqualTo(r1.delivered()).isEqualTo(4_999);
    assertThat(one.batches()).allSatisfy(b -> assertThat(b.size()).isLessThanOrEqualTo(37));
    assertThat(eight.batches()).hasSameSizeAs(one.batches());
  }

  @Test
  void dryRunSendsNothingAndLeavesStateAlone() {
    InMemorySource source = customers(4);
    Sync sync = Sync.from(source).to(destination).named("customers").state(state).mode(SyncMode.MIRROR)
        .dryRunSampleSize(2).build();
    sync.run();
    Map<String, Long> before = state.entries("customers");
    destination.clearBatches();
    source.put(customer(1, "new name")).remove("c3").put(customer(9, "x"));

    SyncReport preview = sync.dryRun();

    assertThat(preview.dryRun()).isTrue();
    assertThat(destination.batches()).isEmpty();
    assertThat(state.entries("customers")).isEqualTo(before);
    assertThat(preview.added()).isEqualTo(1);
    assertThat(preview.updated()).isEqualTo(1);
    assertThat(preview.deleted()).isEqualTo(1);
    assertThat(preview.unchanged()).isEqualTo(2);
    assertThat(preview.delivered()).isZero();
    assertThat(preview.sampleChanges()).hasSize(2);
    assertThat(preview.sampleChanges()).extracting(Change::kind).containsExactly(Change.Kind.UPDATE, Change.Kind.ADD);

    SyncReport real = sync.run();
    assertThat(real.added() + real.updated() + real.deleted()).isEqualTo(3);
  }

  @Test
  void cutsBatchesAtTheDestinationsByteLimitForRecordsOfVeryDifferentSizes() {
    RecordingDestination small = RecordingDestination.builder().maxBytesPerBatch(2_000).maxRecordsPerBatch(100).build();
    InMemorySource source = InMemorySource.create();
    for (int i = 0; i < 200; i++) {
      source.put(Record.builder("k" + i).set("blob", "x".repeat(i % 10 == 0 ? 1_500 : 10)).build());
    }
    source.put(Record.builder("huge").set("blob", "y".repeat(5_000)).build());

    SyncReport report = Sync.from(source).to(small).build().run();

    assertThat(small.batches()).allSatisfy(b ->
        assertThat(b.records().stream().mapToLong(RecordSize::jsonBytes).sum()).isLessThanOrEqualTo(2_000));
    assertThat(small.contents()).hasSize(200);
    assertThat(report.failedRecords()).singleElement().satisfies(e -> {
      assertThat(e.key()).isEqualTo("huge");
      assertThat(e.reason()).contains("more than the destination's limit of 2000 bytes per batch");
      assertThat(e.retryable()).isFalse();
    });
  }

  @Test
  void stopsTheRunWhenTheDestinationRefusesAllFurtherWork() {
    InMemorySource source = customers(50);
    Destination gone = new Destination() {
      private int calls;

      @Override
      public Capabilities capabilities() {
        return Capabilities.builder().operations(Operation.UPSERT).maxRecordsPerBatch(10).build();
      }

      @Override
      public synchronized BatchResult write(Batch batch) {
        if (++calls > 2) {
          throw PermanentDestinationException.stopsRun("410 Gone: the endpoint was removed");
        }
        return destination.write(batch);
      }

      @Override
      public String identity() {
        return destination.identity(); // the same system, so the next run goes on from this state
      }
    };

    SyncReport report = Sync.from(source).to(gone).named("customers").state(state).concurrency(1).build().run();

    assertThat(report.status()).isEqualTo(Status.ABORTED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m)
        .contains("410 Gone: the endpoint was removed").contains("stay pending"));
    assertThat(report.delivered()).isEqualTo(20);
    assertThat(state.entries("customers")).hasSize(20).containsOnlyKeys(destination.contents().keySet());

    SyncReport next = sync(source, SyncMode.UPSERT).run();
    assertThat(next.added()).isEqualTo(30);
    assertThat(destination.contents()).hasSize(50);
  }

  @Test
  void marksEveryRecordOfABatchThatFailedAsAWhole() {
    Destination flaky = new Destination() {
      @Override
      public Capabilities capabilities() {
        return Capabilities.builder().operations(Operation.UPSERT).build();
      }

      @Override
      public BatchResult write(Batch batch) {
        throw new RetryableDestinationException("HTTP 503 Service Unavailable");
      }
    };

    SyncReport report = Sync.from(customers(3)).to(flaky).named("customers").state(state)
        .delivery(DeliveryPolicy.custom().backoff(Duration.ofMillis(1), Duration.ofMillis(2)).build()).build().run();

    assertThat(report.status()).isEqualTo(Status.FAILED);
    assertThat(report.failure()).hasValue("nothing that was sent could be delivered: every change failed (3); see failedRecords");
    assertThat(report.failureKind()).contains(SyncReport.FailureKind.DESTINATION);
    assertThat(report.failedRecords()).extracting(RecordError::reason)
        .containsOnly("HTTP 503 Service Unavailable (after 5 attempts)");
    assertThat(report.failedRecords()).allMatch(RecordError::retryable);
    assertThat(state.entries("customers")).isEmpty();
  }

  @Test
  void treatsARecordWithoutOutcomeAsNotDelivered() {
    Destination forgetful = new Destination() {
      @Override
      public Capabilities capabilities() {
        return Capabilities.builder().operations(Operation.UPSERT).build();
      }

      @Override
      public BatchResult write(Batch batch) {
        return BatchResult.builder(batch).succeeded(batch.keys().get(0)).build();
      }
    };

    SyncReport report = Sync.from(customers(3)).to(forgetful).named("customers").state(state).build().run();

    assertThat(report.delivered()).isEqualTo(1);
    assertThat(report.failedRecords()).extracting(RecordError::reason)
        .containsOnly("the destination reported no outcome for this record");
    assertThat(state.entries("customers")).hasSize(1);
  }

  @Test
  void completesAsyncDestinationsWithoutAThreadPerBatch() throws Exception {
    ExecutorService jobs = Executors.newSingleThreadExecutor();
    try {
      List<CompletableFuture<BatchResult>> submitted = Collections.synchronizedList(new ArrayList<>());
      AsyncDestination bulk = new AsyncDestination() {
        @Override
        public Capabilities capabilities() {
          return Capabilities.builder().operations(Operation.UPSERT).maxRecordsPerBatch(4).build();
        }

        @Override
        public CompletionStage<BatchResult> submit(Batch batch) {
          CompletableFuture<BatchResult> job = CompletableFuture.supplyAsync(() -> destination.write(batch), jobs);
          submitted.add(job);
          return job;
        }
      };

      SyncReport report = Sync.from(customers(10)).to(bulk).named("customers").state(state).concurrency(2)
          .build().run();

      assertThat(report.status()).isEqualTo(Status.SUCCEEDED);
      assertThat(submitted).hasSize(3);
      assertThat(destination.contents()).hasSize(10);
      assertThat(state.entries("customers")).hasSize(10);
    } finally {
      jobs.shutdownNow();
    }
  }

  @Test
  void aSyncIsACallableThatExecutorsRunAndThatReportsFailuresInsteadOfThrowing() throws Exception {
    InMemorySource source = InMemorySource.create().put("1", Map.of("n", "1")).put("2", Map.of("n", "2"));
    Sync sync = Sync.from(source).to(destination).named("callable").build();
    java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      SyncReport first = executor.submit((java.util.concurrent.Callable<SyncReport>) sync).get();
      source.failAfter(1, "the warehouse went away");
      SyncReport failed = executor.submit((java.util.concurrent.Callable<SyncReport>) sync).get();

      assertThat(first.status()).isEqualTo(Status.SUCCEEDED);
      assertThat(first.delivered()).isEqualTo(2);
      assertThat(failed.status()).isEqualTo(Status.FAILED);
      assertThat(failed.summary()).contains("the warehouse went away");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void tellsListenersAboutTheRunAndSurvivesAFailingOne() {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    SyncListener recorder = new SyncListener() {
      @Override
      public void onRunStarted(RunContext run) {
        events.add("started " + run.syncName());
      }

      @Override
      public void onBatchCompleted(RunContext run, BatchResult result) {
        events.add("batch " + result.succeededCount());
      }

      @Override
      public void onProgress(SyncProgress progress) {
        events.add("progress " + progress.delivered() + "/" + progress.sizeHint().orElse(-1));
      }

      @Override
      public void onRunFinished(SyncReport report) {
        events.add("finished " + report.status());
      }
    };
    SyncListener broken = new SyncListener() {
      @Override
      public void onProgress(SyncProgress progress) {
        throw new IllegalStateException("listener bug");
      }
    };

    SyncReport report = Sync.from(customers(3)).to(destination).named("customers").listener(broken)
        .listener(recorder).build().run();

    assertThat(report.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(events).containsExactly("started customers", "batch 3", "progress 3/3", "finished SUCCEEDED");
  }

  @Test
  void refusesASecondConcurrentRunOfTheSameSync() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Destination slow = new Destination() {
      @Override
      public Capabilities capabilities() {
        return Capabilities.builder().operations(Operation.UPSERT).build();
      }

      @Override
      public BatchResult write(Batch batch) {
        writing.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return BatchResult.allSucceeded(batch);
      }
    };
    Sync sync = Sync.from(customers(2)).to(slow).build();
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      Future<SyncReport> first = other.submit(sync::run);
      assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();

      SyncReport second = sync.run();

      release.countDown();
      assertThat(second.status()).isEqualTo(Status.FAILED);
      assertThat(second.failure()).hasValueSatisfying(m -> assertThat(m).contains("already running"));
      assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.SUCCEEDED);
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void putsSyncNameAndRunIdIntoTheLoggingContextOfWrites() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Destination mdcReader = new Destination() {
      @Override
      public Capabilities capabilities() {
        return Capabilities.builder().operations(Operation.UPSERT).build();
      }

      @Override
      public BatchResult write(Batch batch) {
        seen.add(MDC.get("sluice.sync") + "/" + MDC.get("sluice.run"));
        return BatchResult.allSucceeded(batch);
      }
    };

    SyncReport report = Sync.from(customers(1)).to(mdcReader).named("crm").build().run();

    assertThat(seen).containsExactly("crm/" + report.runId());
  }

  @Test
  void measuresTheRunWithTheGivenClock() {
    Clock fixed = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    SyncReport report = Sync.from(customers(1)).to(destination).clock(fixed).build().run();

    assertThat(report.startedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(report.duration()).isEqualTo(Duration.ZERO);
  }

  @Test
  void refusesASharedStateStoreWithoutAName() {
    assertThatThrownBy(() -> Sync.from(customers(1)).to(destination).state(state).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("name the sync with named(...)");
    assertThatThrownBy(() -> Sync.from(customers(1)).to(destination).concurrency(0))
        .hasMessage("concurrency must be between 1 and 256, was 0");
    assertThatThrownBy(() -> Sync.from(customers(1)).to(destination).batchSize(0))
        .hasMessage("batchSize must be at least 1, was 0");
  }

  @Test
  void rejectsAMapperThatChangesTheKey() {
    SyncReport report = Sync.from(customers(1)).map(r -> dev.sluice.map.MapResult.mapped(r.withKey("other")))
        .to(destination).build().run();

    assertThat(report.rejectedRecords()).extracting(RecordError::reason)
        .containsExactly("the mapper changed the key to 'other'; keys come from the source");
  }

  private Sync sync(Source source, SyncMode mode) {
    return Sync.from(source).to(destination).named("customers").state(state).mode(mode).build();
  }

  static InMemorySource customers(int n) {
    InMemorySource source = InMemorySource.create();
    for (int i = 0; i < n; i++) {
      source.put(customer(i, "name " + i));
    }
    return source;
  }

  static Record customer(int i, String name) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("email", "c" + i + "@example.com");
    fields.put("name", name);
    fields.put("score", i);
    return Record.of("c" + i, fields);
  }
}
