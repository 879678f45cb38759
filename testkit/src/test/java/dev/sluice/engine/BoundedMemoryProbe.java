package dev.sluice.engine;

import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.testkit.DiscardingDestination;
import dev.sluice.testkit.SyntheticSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Runs one large sync in its own JVM (started by {@link BoundedMemoryTest} with a small heap) and
 * exits 0 when every record was delivered. The state store confirms and forgets, so the heap holds
 * only what the engine itself keeps: the point is that this does not grow with the source.
 */
public final class BoundedMemoryProbe {

  private BoundedMemoryProbe() {}

  public static void main(String[] args) {
    long records = Long.parseLong(args[0]);
    DiscardingDestination destination = new DiscardingDestination(500);
    Mapping mapping = Mapping.builder()
        .copy("id", "email", "name", "plan", "country")
        .convert("lifetime_value", "ltv", Convert.toDecimal(2))
        .rename("lead_score", "score")
        .copy("active", "signed_up_at", "note")
        .require("email")
        .build();
    SyncReport report = Sync.from(SyntheticSource.of(records))
        .map(mapping)
        .to(destination)
        .named("memory-probe")
        .state(new ForgetfulStateStore())
        .concurrency(8)
        .build()
        .run();
    long peakHeap = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peakHeap += pool.getPeakUsage().getUsed();
      }
    }
    System.out.println(report.summary());
    System.out.println("delivered=" + destination.records() + " peakHeapMiB=" + peakHeap / (1024 * 1024)
        + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1024 * 1024));
    boolean ok = report.status() == SyncReport.Status.SUCCEEDED && destination.records() == records;
    System.exit(ok ? 0 : 1);
  }
}
