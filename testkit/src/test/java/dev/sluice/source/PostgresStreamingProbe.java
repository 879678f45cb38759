package dev.sluice.source;

import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.engine.ForgetfulStateStore;
import dev.sluice.testkit.DiscardingDestination;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Syncs a PostgreSQL table through {@link SqlSource} in its own JVM (started by
 * {@link PostgresStreamingTest} with a small heap); exits 0 when every row was delivered.
 * Arguments: JDBC URL, table, expected rows.
 */
public final class PostgresStreamingProbe {

  private PostgresStreamingProbe() {}

  public static void main(String[] args) {
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setURL(args[0]);
    long expected = Long.parseLong(args[2]);
    DiscardingDestination destination = new DiscardingDestination(500);
    SyncReport report = Sync.from(SqlSource.table(pg, args[1]).key("id").orderByKey().build())
        .to(destination)
        .named("postgres-streaming")
        .state(new ForgetfulStateStore())
        .build()
        .run();
    System.out.println(report.summary());
    System.out.println("delivered=" + destination.records() + " maxHeapMiB=" + Runtime.getRuntime().maxMemory() / (1 << 20));
    System.exit(report.status() == SyncReport.Status.SUCCEEDED && destination.records() == expected ? 0 : 1);
  }
}
