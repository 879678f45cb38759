package dev.sluice.observe;

import dev.sluice.RunContext;
import dev.sluice.SyncReport;
import dev.sluice.destination.BatchResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records a sync's runs as Micrometer meters (names in {@link MetricNames}). Add it as a
 * listener; one instance per sync:
 *
 * <pre>{@code
 * Sync.from(source).to(destination).named("customers-to-crm")
 *     .listener(SyncMetrics.of(registry, "customers-to-crm", "HubSpot"))
 *     .build();
 * }</pre>
 *
 * <p>Counts are added when a run finishes (from its report); batches are counted as they are
 * answered. Thread-safe.
 */
public final class SyncMetrics implements SyncListener {

  private final MeterRegistry registry;
  private final Tags tags;
  private final AtomicLong lastSuccess = new AtomicLong();

  private SyncMetrics(MeterRegistry registry, Tags tags) {
    this.registry = registry;
    this.tags = tags;
    Gauge.builder(MetricNames.LAST_SUCCESS, lastSuccess, AtomicLong::doubleValue)
        .tags(tags)
        .description("when the sync last completed (SUCCEEDED or PARTIAL), seconds since the epoch")
        .baseUnit("seconds")
        .register(registry);
  }

  /**
   * Meters for the sync {@code syncName} delivering to {@code destination} (a short name).
   *
   * @param registry the meter registry
   * @param syncName the name of the sync
   * @param destination a short name of the destination, for the {@code destination} tag
   * @return the listener that records the meters
   */
  public static SyncMetrics of(MeterRegistry registry, String syncName, String destination) {
    Objects.requireNonNull(registry, "registry");
    return new SyncMetrics(registry, Tags.of(MetricNames.TAG_SYNC, Objects.requireNonNull(syncName, "syncName"),
        MetricNames.TAG_DESTINATION, Objects.requireNonNull(destination, "destination")));
  }

  @Override
  public void onBatchCompleted(RunContext run, BatchResult result) {
    counter(MetricNames.BATCHES, MetricNames.TAG_OPERATION, result.batch().operation().name().toLowerCase(Locale.ROOT))
        .increment();
  }

  @Override
  public void onRunFinished(SyncReport report) {
    if (report.dryRun()) {
      return;
    }
    record(MetricNames.RECORDS, MetricNames.TAG_OUTCOME, "read", report.read());
    record(MetricNames.RECORDS, MetricNames.TAG_OUTCOME, "rejected", report.rejected());
    record(MetricNames.RECORDS, MetricNames.TAG_OUTCOME, "delivered", report.delivered());
    record(MetricNames.RECORDS, MetricNames.TAG_OUTCOME, "failed", report.failed());
    record(MetricNames.CHANGES, MetricNames.TAG_KIND, "added", report.added());
    record(MetricNames.CHANGES, MetricNames.TAG_KIND, "updated", report.updated());
    record(MetricNames.CHANGES, MetricNames.TAG_KIND, "deleted", report.deleted());
    record(MetricNames.CHANGES, MetricNames.TAG_KIND, "unchanged", report.unchanged());
    record(MetricNames.CHANGES, MetricNames.TAG_KIND, "skipped", report.skipped());
    Timer.builder(MetricNames.RUN_DURATION)
        .tags(tags).tag(MetricNames.TAG_STATUS, report.status().name().toLowerCase(Locale.ROOT))
        .description("duration of sync runs")
        .register(registry)
        .record(report.duration());
    if (report.status() == SyncReport.Status.SUCCEEDED || report.status() == SyncReport.Status.PARTIAL) {
      lastSuccess.set(report.startedAt().plus(report.duration()).getEpochSecond());
    }
  }

  private void record(String name, String tag, String value, long amount) {
    counter(name, tag, value).increment(amount);
  }

  private Counter counter(String name, String tag, String value) {
    return Counter.builder(name).tags(tags).tag(tag, value).register(registry);
  }
}
