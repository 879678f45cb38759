package dev.sluice.warehouse;

import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.engine.CrashProbe;
import dev.sluice.source.DuckDb;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;

/**
 * One run of a warehouse-engine mirror sync of the table {@code src} of a DuckDB file into a
 * destination that appends what it accepts to a log file, with an optional crash. Started by
 * {@link WarehouseCrashTest}. Arguments: database file, log file, crash ("none", "mid-batch:N",
 * "anytime:SEED"), minutes to add to the clock (a rerun after a crash takes over the dead run's
 * lease as if it had expired).
 */
public final class WarehouseCrashProbe {

  static final String SYNC = "warehouse-crash";

  private WarehouseCrashProbe() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Path log = Path.of(args[1]);
    String[] crash = args[2].split(":");
    long n = crash.length > 1 ? Long.parseLong(crash[1]) : 0;
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(Long.parseLong(args[3])));
    if (crash[0].equals("anytime")) {
      CrashProbe.killAfter(new Random(n).nextInt(1_500_000));
    }
    try (DuckDb db = DuckDb.open(file)) {
      Warehouse warehouse = Warehouse.builder(db.dataSource()).createTables(true).clock(clock)
          .stageEvery(1_000, Duration.ofSeconds(5)) // a kill then also lands while staging
          .build();
      CrashProbe.LogDestination destination = new CrashProbe.LogDestination(log,
          crash[0].equals("mid-batch") ? (int) n : -1, 200, r -> r.get("email") + " " + r.get("score"));
      SyncReport report = Sync.from(warehouse.query("select * from src").key("id").copy("email", "score").build())
          .to(destination)
          .named(SYNC)
          .mode(SyncMode.MIRROR)
          .state(warehouse)
          .differ(warehouse.differ())
          .batchSize(200)
          .clock(clock)
          .build()
          .run();
      System.out.println(report.summary());
      System.exit(report.status() == SyncReport.Status.SUCCEEDED ? 0 : 1);
    }
  }
}
