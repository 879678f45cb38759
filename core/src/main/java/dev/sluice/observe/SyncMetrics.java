package dev.sluice.observe;

import dev.sluice.RunContext;
import dev.sluice.SyncReport;
import dev.sluice.destination.BatchResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records a sync's runs as Micrometer meters (names in {@link MetricNames}), tagged with the
 * sync's name, taken from each run, and a short destination name. Add it as a listener:
 *
 * <pre>{@code
 * Sync.from(source).to(destination).named("customers-to-crm")
 *     .listener(SyncMetrics.of(registry, "HubSpot"))
 *     .build();
 * }</pre>
 *
 * <p>Counts are added when a run finishes (from its report); batches are counted as they are
 * answered. The {@code sluice.run.last.success} gauge of a sync and destination is one per
 * registry, held by the registry's side: a {@code Sync} rebuilt with a new {@code SyncMetrics}
 * goes on updating the same gauge, which never reads NaN while the registry lives. Thread-safe.
 */
public final class SyncMetrics implements SyncListener {

  // Per registry, the last-success value of each (sync, destination): shared by every SyncMetrics
  // on that registry, and referenced strongly by the gauge, so neither a rebuilt listener nor the
  // garbage collector makes the gauge lose its value.
  private static final Map<MeterRegistry, Map<List<String>, AtomicLong>> LAST_SUCCESS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final MeterRegistry registry;
  private final String destination;
  private final String syncName;

  private SyncMetrics(MeterRegistry registry, String syncName, String destination) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.syncName = syncName;
    this.destination = Objects.requireNonNull(destination, "destination");
    if (syncName != null) {
      lastSuccess(syncName);
    }
  }

  /**
   * Meters for the syncs this listener is added to, delivering to {@code destination} (a short
   * name); the {@code sync} tag is each run's sync name.
   *
   * @param registry the meter registry
   * @param destination a short name of the destination, for the {@code destination} tag
   * @return the listener that records the meters
   */
  public static SyncMetrics of(MeterRegistry registry, String destination) {
    return new SyncMetrics(registry, null, destination);
  }

  /**
   * Meters for the sync {@code syncName} delivering to {@code destination} (a short name). The
   * {@code sync} tag is the run's own name; {@code syncName} only registers the gauge before the
   * first run. Prefer {@link #of(MeterRegistry, String)}.
   *
   * @param registry the meter registry
   * @param syncName the name of the sync
   * @param destination a short name of the destination, for the {@code destination} tag
   * @return the listener that records the meters
   */
  public static SyncMetrics of(MeterRegistry registry, String syncName, String destination) {
    return new SyncMetrics(registry, Objects.requireNonNull(syncName, "syncName"), destination);
  }

  private Tags tags(String sync) {
    return Tags.of(MetricNames.TAG_SYNC, sync, MetricNames.TAG_DESTINATION, destination);
  }

  private AtomicLong lastSuccess(String sync) {
    Map<List<String>, AtomicLong> values;
    synchronized (LAST_SUCCESS) {
      values = LAST_SUCCESS.computeIfAbsent(registry, r -> new ConcurrentHashMap<>());
    }
    return values.computeIfAbsent(List.of(sync, destination), k -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(MetricNames.LAST_SUCCESS, value, AtomicLong::doubleValue)
          .tags(tags(sync))
          .description("when the sync last completed (SUCCEEDED or PARTIAL), seconds since the epoch")
          .baseUnit("seconds")
          .strongReference(true)
          .register(registry);
      return value;
    });
  }

  @Override
  public void onRunStarted(RunContext run) {
    lastSuccess(run.syncName());
  }

  @Override
  public void onBatchCompleted(RunContext run, BatchResult result) {
    counter(run.syncName(), MetricNames.BATCHES, MetricNames.TAG_OPERATION,
        result.batch().operation().name().toLowerCase(Locale.ROOT)).increment();
  }

  @Override
  public void onRunFinished(SyncReport report) {
    if (report.dryRun()) {
      return;
    }
    String sync = report.syncName();
    record(sync, MetricNames.RECORDS, MetricNames.TAG_OUTCOME, "read", report.read());
    record(sync, MetricNames.RECORDS, MetricNames.TAG_OUTCOME, "rejected", report.rejected());
    record(sync, MetricNames.RECORDS, MetricNames.TAG_OUTCOME, "delivered", report.delivered());
    record(sync, MetricNames.RECORDS, MetricNames.TAG_OUTCOME, "failed", report.failed());
    record(sync, MetricNames.CHANGES, MetricNames.TAG_KIND, "added", report.added());
    record(sync, MetricNames.CHANGES, MetricNames.TAG_KIND, "updated", report.updated());
    record(sync, MetricNames.CHANGES, MetricNames.TAG_KIND, "deleted", report.deleted());
    record(sync, MetricNames.CHANGES, MetricNames.TAG_KIND, "unchanged", report.unchanged());
    record(sync, MetricNames.CHANGES, MetricNames.TAG_KIND, "skipped", report.skipped());
    record(sync, MetricNames.REQUESTS, MetricNames.TAG_KIND, "http", report.requests().requests());
    record(sync, MetricNames.REQUESTS, MetricNames.TAG_KIND, "attempt", report.requests().attempts());
    record(sync, MetricNames.REQUESTS, MetricNames.TAG_KIND, "retry", report.requests().retries());
    record(sync, MetricNames.REQUESTS, MetricNames.TAG_KIND, "rate_limited", report.requests().rateLimited());
    Counter.builder(MetricNames.BATCHES_SPLIT).tags(tags(sync)).register(registry)
        .increment(report.requests().batchesSplit());
    Timer.builder(MetricNames.RATE_LIMIT_WAIT)
        .tags(tags(sync))
        .description("time runs spent waiting for the rate limit")
        .register(registry)
        .record(report.requests().rateLimitWait());
    Timer.builder(MetricNames.RUN_DURATION)
        .tags(tags(sync)).tag(MetricNames.TAG_STATUS, report.status().name().toLowerCase(Locale.ROOT))
        .description("duration of sync runs")
        .register(registry)
        .record(report.duration());
    if (report.status() == SyncReport.Status.SUCCEEDED || report.status() == SyncReport.Status.PARTIAL) {
      lastSuccess(sync).set(report.startedAt().plus(report.duration()).getEpochSecond());
    }
  }

  private void record(String sync, String name, String tag, String value, long amount) {
    counter(sync, name, tag, value).increment(amount);
  }

  private Counter counter(String sync, String name, String tag, String value) {
    return Counter.builder(name).tags(tags(sync)).tag(tag, value).register(registry);
  }

  @Override
  public String toString() {
    return "SyncMetrics{" + (syncName == null ? "" : syncName + ", ") + destination + '}';
  }
}
