package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.RecordingDestination;
import dev.sluice.warehouse.Warehouse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A run whose database query blocks — still executing, or a fetch of further rows waiting on the
 * server — ends at its deadline or when cancelled, instead of waiting for the database: stopping
 * the run cancels the statement and aborts the source's connection. Each query here would sleep
 * 60 s; the runs must return long before.
 */
class BlockedQueryTest {

  /** Far below the 60 s a query sleeps, far above what stopping takes on a loaded machine. */
  private static final Duration WELL_BEFORE_THE_QUERY_ENDS = Duration.ofSeconds(30);

  @Test
  void aDeadlineEndsARunWhoseQueryIsStillExecuting() throws Exception {
    Sync sync = Sync.from(SqlSource.query(Databases.postgres(), "select 1 as id, pg_sleep(60) as v").key("id").build())
        .to(RecordingDestination.create()).named("blocked-execute").state(new InMemoryStateStore())
        .deadline(Duration.ofSeconds(1)).build();
    SyncReport report = runBounded(sync);
    assertThat(report.status()).as(report.summary()).isEqualTo(Status.ABORTED);
    assertThat(report.failure()).hasValueSatisfying(f -> assertThat(f).contains("deadline of PT1S"));
  }

  @Test
  void aDeadlineEndsARunWhoseFetchOfFurtherRowsWaitsOnTheServer() throws Exception {
    RecordingDestination destination = RecordingDestination.create();
    Sync sync = Sync.from(SqlSource.query(Databases.postgres(),
            "select g as id, case when g = 500 then pg_sleep(60) end as v from generate_series(1, 1000) g")
            .key("id").fetchSize(100).build())
        .to(destination).named("blocked-fetch").state(new InMemoryStateStore()).batchSize(50)
        .deadline(Duration.ofSeconds(2)).build();
    SyncReport report = runBounded(sync);
    assertThat(report.status()).as(report.summary()).isEqualTo(Status.ABORTED);
    assertThat(report.read()).as("the rows before the blocked fetch were read").isBetween(1L, 499L);
  }

  @Test
  void cancellingARunEndsTheWarehouseChangesQueryItWaitsOn() throws Exception {
    DataSource pg = Databases.postgres();
    Warehouse warehouse = Warehouse.builder(pg).schema("sluice_blocked").createTables(true).build();
    Sync.Builder builder = Sync.from(warehouse.query("select 1 as id, pg_sleep(60)::text as v").key("id").build())
        .to(RecordingDestination.create()).named("blocked-warehouse").state(warehouse).differ(warehouse.differ());
    Sync sync = builder.build();
    CompletableFuture<SyncReport> run = CompletableFuture.supplyAsync(sync::run);
    awaitSleepingQuery(pg);
    assertThat(sync.cancel()).isTrue();
    SyncReport report = run.get(WELL_BEFORE_THE_QUERY_ENDS.toSeconds(), TimeUnit.SECONDS);
    assertThat(report.status()).as(report.summary()).isEqualTo(Status.ABORTED);
    assertThat(report.failure()).hasValueSatisfying(f -> assertThat(f).contains("cancelled"));
    // The lease was released: the next run starts (and stops at its own deadline), not "already running".
    SyncReport next = runBounded(builder.deadline(Duration.ofSeconds(1)).build());
    assertThat(next.failure()).hasValueSatisfying(f -> assertThat(f).contains("deadline of PT1S"));
  }

  @Test
  void aDeadlineEndsARunWhoseDuckDbQueryIsStillExecuting() throws Exception {
    try (DuckDb duck = DuckDb.inMemory()) {
      Sync sync = Sync.from(duck.query("select count(*) as id from range(1000000000) a, range(100000) b").key("id").build())
          .to(RecordingDestination.create()).named("blocked-duckdb").state(new InMemoryStateStore())
          .deadline(Duration.ofSeconds(1)).build();
      SyncReport report = runBounded(sync);
      assertThat(report.status()).as(report.summary()).isEqualTo(Status.ABORTED);
      assertThat(report.failure()).hasValueSatisfying(f -> assertThat(f).contains("deadline of PT1S"));
    }
  }

  private static SyncReport runBounded(Sync sync) throws Exception {
    return CompletableFuture.supplyAsync(sync::run).get(WELL_BEFORE_THE_QUERY_ENDS.toSeconds(), TimeUnit.SECONDS);
  }

  /** Waits until PostgreSQL runs a query that sleeps (at most as long as the query would). */
  private static void awaitSleepingQuery(DataSource pg) throws Exception {
    long end = System.nanoTime() + WELL_BEFORE_THE_QUERY_ENDS.toNanos();
    while (System.nanoTime() < end) {
      try (Connection c = pg.getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where state = 'active'"
              + " and query like '%pg_sleep(60)%' and pid <> pg_backend_pid()")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          return;
        }
      }
    }
    throw new AssertionError("the sync's query never started");
  }
}
