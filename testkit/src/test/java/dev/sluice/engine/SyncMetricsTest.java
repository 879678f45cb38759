package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.observe.MetricNames;
import dev.sluice.observe.SyncMetrics;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SyncMetricsTest {

  @Test
  void countsRecordsChangesBatchesAndRuns() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InMemorySource source = InMemorySource.create();
    for (int i = 0; i < 250; i++) {
      source.put(Record.builder("k" + i).set("n", i).build());
    }
    source.put(Record.builder(null).set("n", -1).build().withKey("bad"));
    RecordingDestination crm = RecordingDestination.create();
    crm.failKey("bad", false, "invalid");
    Sync sync = Sync.from(source).to(crm).named("crm").mode(SyncMode.MIRROR)
        .clock(Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC))
        .listener(SyncMetrics.of(registry, "crm", "Recording")).build();

    sync.run();
    source.remove("k0").put(Record.builder("k1").set("n", 100).build());
    sync.run();

    assertThat(count(registry, MetricNames.RECORDS, MetricNames.TAG_OUTCOME, "read")).isEqualTo(251 + 250);
    assertThat(count(registry, MetricNames.RECORDS, MetricNames.TAG_OUTCOME, "delivered")).isEqualTo(250 + 2);
    assertThat(count(registry, MetricNames.RECORDS, MetricNames.TAG_OUTCOME, "failed")).isEqualTo(2);
    assertThat(count(registry, MetricNames.CHANGES, MetricNames.TAG_KIND, "added")).isEqualTo(251 + 1);
    assertThat(count(registry, MetricNames.CHANGES, MetricNames.TAG_KIND, "updated")).isEqualTo(1);
    assertThat(count(registry, MetricNames.CHANGES, MetricNames.TAG_KIND, "deleted")).isEqualTo(1);
    assertThat(count(registry, MetricNames.CHANGES, MetricNames.TAG_KIND, "unchanged")).isEqualTo(248);
    assertThat(count(registry, MetricNames.BATCHES, MetricNames.TAG_OPERATION, "upsert")).isEqualTo(3 + 1);
    assertThat(count(registry, MetricNames.BATCHES, MetricNames.TAG_OPERATION, "delete")).isEqualTo(1);
    assertThat(registry.get(MetricNames.RUN_DURATION).tag(MetricNames.TAG_STATUS, "partial").timer().count())
        .isEqualTo(2);
    assertThat(registry.get(MetricNames.LAST_SUCCESS).tag(MetricNames.TAG_SYNC, "crm").gauge().value())
        .isEqualTo(Instant.parse("2026-11-27T10:00:00Z").getEpochSecond());
  }

  @Test
  void countsRequestsRetriesRateLimitsSplitsAndWaitingInTheReportTheProgressAndTheMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    dev.sluice.testkit.MutableClock time = new dev.sluice.testkit.MutableClock(Instant.EPOCH);
    InMemorySource source = InMemorySource.create();
    for (int i = 0; i < 40; i++) {
      source.put(Record.builder(String.format("k%02d", i)).set("n", i).build());
    }
    dev.sluice.testkit.FaultyDestination faulty = dev.sluice.testkit.FaultyDestination
        .wrap(RecordingDestination.create())
        .failNextCallsRetryably(2, "HTTP 502")
        .rateLimitNextCalls(1, java.time.Duration.ofSeconds(3))
        .rejectBatchesContaining("k07", "400 bad email");
    java.util.List<dev.sluice.observe.SyncProgress> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
    Sync sync = Sync.from(source).to(faulty).named("crm").batchSize(10).concurrency(1)
        .delivery(dev.sluice.delivery.DeliveryPolicy.custom().clock(time, time::advance)
            .backoff(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1)).jitter(0).build())
        .listener(SyncMetrics.of(registry, "crm", "Recording"))
        .listener(new dev.sluice.observe.SyncListener() {
          @Override
          public void onProgress(dev.sluice.observe.SyncProgress p) {
            progress.add(p);
          }
        })
        .build();

    dev.sluice.SyncReport report = sync.run();

    dev.sluice.delivery.RequestFigures figures = report.requests();
    assertThat(figures.retries()).isEqualTo(2);
    assertThat(figures.rateLimited()).isEqualTo(1);
    assertThat(figures.batchesSplit()).as("10 -> 5 -> 3 -> 1: k07 alone").isEqualTo(3);
    assertThat(figures.rateLimitWait()).as("the 3 s the destination asked for").isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(figures.attempts()).as("2 failures, a 429, the rejection; 6 calls for the halves; 3 other batches")
        .isEqualTo(4 + 6 + 3);
    assertThat(progress.get(progress.size() - 1).requests()).isEqualTo(figures);
    assertThat(progress.get(0).requests().attempts()).isLessThan(figures.attempts());
    assertThat(count(registry, MetricNames.REQUESTS, MetricNames.TAG_KIND, "attempt")).isEqualTo(figures.attempts());
    assertThat(count(registry, MetricNames.REQUESTS, MetricNames.TAG_KIND, "retry")).isEqualTo(2);
    assertThat(count(registry, MetricNames.REQUESTS, MetricNames.TAG_KIND, "rate_limited")).isEqualTo(1);
    assertThat(count(registry, MetricNames.REQUESTS, MetricNames.TAG_KIND, "http")).isZero();
    assertThat(registry.get(MetricNames.BATCHES_SPLIT).counter().count()).isEqualTo(3);
    assertThat(registry.get(MetricNames.RATE_LIMIT_WAIT).timer().totalTime(java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo(3.0);
  }

  @Test
  void theLastSuccessGaugeKeepsItsValueWhenTheSyncIsRebuiltWithNewMetrics() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InMemorySource source = InMemorySource.create().put(Record.builder("a").set("n", 1).build());
    Clock clock = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
    Sync.from(source).to(RecordingDestination.create()).named("rebuilt").clock(clock)
        .listener(SyncMetrics.of(registry, "Recording")).build().run();
    // A new Sync and a new SyncMetrics on the same registry, the old ones left to the collector.
    Sync.from(source).to(RecordingDestination.create()).named("rebuilt").clock(clock)
        .listener(SyncMetrics.of(registry, "Recording")).build();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }

    assertThat(registry.get(MetricNames.LAST_SUCCESS).tag(MetricNames.TAG_SYNC, "rebuilt").gauge().value())
        .as("the gauge a staleness alert watches").isEqualTo(Instant.parse("2026-11-27T10:00:00Z").getEpochSecond());
    assertThat(registry.get(MetricNames.RECORDS).tag(MetricNames.TAG_SYNC, "rebuilt")
        .tag(MetricNames.TAG_OUTCOME, "delivered").counter().count()).as("sync name taken from the run").isEqualTo(1);
  }

  @Test
  void bindsResilience4jMetersForTheRetryAndTheBreaker() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    InMemorySource source = InMemorySource.create();
    for (int i = 0; i < 10; i++) {
      source.put(Record.builder("k" + i).set("n", i).build());
    }
    dev.sluice.testkit.FaultyDestination faulty = dev.sluice.testkit.FaultyDestination
        .wrap(RecordingDestination.create()).failNextCallsRetryably(2, "HTTP 503");
    dev.sluice.delivery.DeliveryPolicy policy = dev.sluice.delivery.DeliveryPolicy.custom()
        .backoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(2)).meterRegistry(registry).build();

    Sync.from(source).to(faulty).named("guarded").delivery(policy).build().run();

    assertThat(registry.get("resilience4j.retry.calls").tag("name", "guarded")
        .tag("kind", "successful_with_retry").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("resilience4j.circuitbreaker.state").tag("name", "guarded").tag("state", "closed")
        .gauge().value()).isEqualTo(1);
  }

  private static double count(SimpleMeterRegistry registry, String name, String tag, String value) {
    return registry.get(name).tag(MetricNames.TAG_SYNC, "crm").tag(MetricNames.TAG_DESTINATION, "Recording")
        .tag(tag, value).counter().count();
  }
}
