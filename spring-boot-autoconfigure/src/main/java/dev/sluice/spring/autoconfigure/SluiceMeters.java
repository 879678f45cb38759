package dev.sluice.spring.autoconfigure;

import dev.sluice.RunContext;
import dev.sluice.SyncReport;
import dev.sluice.destination.BatchResult;
import dev.sluice.observe.SyncListener;
import dev.sluice.observe.SyncMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds Sluice's meters ({@link SyncMetrics}) to the application's {@link MeterRegistry}: Spring
 * Boot hands every {@link MeterBinder} bean the registry. Add {@link #listener(String, String)} to
 * each sync:
 *
 * <pre>{@code
 * @Bean Sync customers(SluiceMeters meters, ...) {
 *   return Sync.from(source).to(crm).named("customers-to-crm")
 *       .listener(meters.listener("customers-to-crm", "HubSpot"))
 *       .build();
 * }
 * }</pre>
 *
 * Events of runs that end before the registry is bound are not counted. Thread-safe.
 */
public class SluiceMeters implements MeterBinder {

  private volatile MeterRegistry registry;
  private final Map<String, SyncMetrics> metrics = new ConcurrentHashMap<>();

  @Override
  public void bindTo(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * A listener that records the sync's meters, tagged with its name and {@code destination}.
   *
   * @param syncName the sync's name
   * @param destination the destination's short name
   * @return a listener that records the sync's meters, tagged with its name and {@code destination}
   */
  public SyncListener listener(String syncName, String destination) {
    Objects.requireNonNull(syncName, "syncName");
    Objects.requireNonNull(destination, "destination");
    return new SyncListener() {
      @Override
      public void onBatchCompleted(RunContext run, BatchResult result) {
        SyncMetrics m = metrics(syncName, destination);
        if (m != null) {
          m.onBatchCompleted(run, result);
        }
      }

      @Override
      public void onRunFinished(SyncReport report) {
        SyncMetrics m = metrics(syncName, destination);
        if (m != null) {
          m.onRunFinished(report);
        }
      }
    };
  }

  private SyncMetrics metrics(String syncName, String destination) {
    MeterRegistry r = registry;
    return r == null ? null : metrics.computeIfAbsent(syncName + '\u0000' + destination,
        k -> SyncMetrics.of(r, syncName, destination));
  }
}
