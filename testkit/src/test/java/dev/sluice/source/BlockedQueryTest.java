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
import java.util.List;
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

  @Test
  void aDeadlineEndsARunWhoseStateTablesAnotherSessionHoldsLocked() throws Exception {
    DataSource pg = Databases.postgres();
    Databases.execute(pg, "drop table if exists locked_source", "create table locked_source as select 1 as id, 'x' as v");
    Warehouse warehouse = Warehouse.builder(pg).schema("sluice_locked").createTables(true).build();
    dev.sluice.state.JdbcStateStore jdbc = dev.sluice.state.JdbcStateStore.builder(pg).tablePrefix("locked_")
        .createTables(true).build();
    Sync inWarehouse = Sync.from(warehouse.query("select * from locked_source").key("id").build())
        .to(RecordingDestination.create()).named("locked-warehouse").state(warehouse).differ(warehouse.differ())
        .deadline(Duration.ofSeconds(1)).build();
    Sync local = Sync.from(SqlSource.query(pg, "select * from locked_source").key("id").build())
        .to(RecordingDestination.create()).named("locked-jdbc").state(jdbc).deadline(Duration.ofSeconds(1)).build();
    assertThat(inWarehouse.run().status()).isEqualTo(Status.SUCCEEDED); // creates the tables
    assertThat(local.run().status()).isEqualTo(Status.SUCCEEDED);
    // An administrator's session (or a stuck one) holds the tables; PostgreSQL waits for locks forever.
    try (Connection admin = pg.getConnection(); Statement s = admin.createStatement()) {
      admin.setAutoCommit(false);
      s.execute("lock table sluice_locked.sluice_sync, locked_sync in access exclusive mode");
      for (Sync sync : List.of(inWarehouse, local)) {
        SyncReport report = runBounded(sync);
        assertThat(report.status()).as(report.summary()).isIn(Status.ABORTED, Status.FAILED);
        assertThat(report.failure()).hasValueSatisfying(f -> assertThat(f).contains("deadline of PT1S"));
      }
      admin.rollback();
    }
    assertThat(inWarehouse.run().status()).as("the lease was not left taken").isEqualTo(Status.SUCCEEDED);
    assertThat(local.run().status()).isEqualTo(Status.SUCCEEDED);
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> stores() {
    return java.util.stream.Stream.of(
        org.junit.jupiter.params.provider.Arguments.of("warehouse on DuckDB",
            (java.util.function.Supplier<dev.sluice.state.StateStore>) () -> Warehouse.builder(DUCK.dataSource())
                .createTables(true).build()),
        org.junit.jupiter.params.provider.Arguments.of("warehouse on PostgreSQL",
            (java.util.function.Supplier<dev.sluice.state.StateStore>) () -> Warehouse.builder(Databases.postgres())
                .schema("sluice_stopped").createTables(true).build()),
        org.junit.jupiter.params.provider.Arguments.of("JDBC on PostgreSQL",
            (java.util.function.Supplier<dev.sluice.state.StateStore>) () -> dev.sluice.state.JdbcStateStore
                .builder(Databases.postgres()).tablePrefix("stopped_").createTables(true).build()),
        org.junit.jupiter.params.provider.Arguments.of("JDBC on H2",
            (java.util.function.Supplier<dev.sluice.state.StateStore>) () -> dev.sluice.state.JdbcStateStore
                .builder(Databases.h2()).createTables(true).build()));
  }

  /**
   * Stopping a run cancels the statements that execute at that moment, and only those: the
   * commit of what the destination confirmed, which follows, is not cut off on any store.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("stores")
  void aCancelledRunStillCommitsWhatTheDestinationConfirmed(String name,
      java.util.function.Supplier<dev.sluice.state.StateStore> stores) throws Exception {
    dev.sluice.state.StateStore store = stores.get();
    java.util.concurrent.CountDownLatch thirdBatch = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger batches = new java.util.concurrent.atomic.AtomicInteger();
    dev.sluice.destination.Destination destination = new dev.sluice.destination.Destination() {
      @Override
      public dev.sluice.destination.Capabilities capabilities() {
        return dev.sluice.destination.Capabilities.builder().operations(dev.sluice.destination.Operation.values())
            .maxRecordsPerBatch(10).idempotentWrites(true).build();
      }

      @Override
      public dev.sluice.destination.BatchResult write(dev.sluice.destination.Batch batch) {
        if (batches.incrementAndGet() < 3) {
          return dev.sluice.destination.BatchResult.allSucceeded(batch);
        }
        thirdBatch.countDown();
        // Holds the third batch until the run stops, as a slow API would.
        long end = System.nanoTime() + WELL_BEFORE_THE_QUERY_ENDS.toNanos();
        while (!dev.sluice.delivery.RequestCounter.stopRequested() && System.nanoTime() < end) {
          Thread.onSpinWait();
        }
        throw new dev.sluice.destination.RetryableDestinationException("stopped while writing");
      }
    };
    String sync = "stopped-" + java.util.UUID.randomUUID();
    Sync run = Sync.from(dev.sluice.testkit.SyntheticSource.of(50)).to(destination).named(sync).state(store)
        .batchSize(10).concurrency(1).build();
    CompletableFuture<SyncReport> running = CompletableFuture.supplyAsync(run::run);
    assertThat(thirdBatch.await(WELL_BEFORE_THE_QUERY_ENDS.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(run.cancel()).isTrue();
    SyncReport report = running.get(WELL_BEFORE_THE_QUERY_ENDS.toSeconds(), TimeUnit.SECONDS);
    assertThat(report.status()).as(report.summary()).isEqualTo(Status.ABORTED);
    assertThat(report.delivered()).isEqualTo(20);
    try (dev.sluice.state.SyncState state = store.open(sync)) {
      assertThat(state.size()).as("the two confirmed batches were committed after the stop").isEqualTo(20);
    }
  }

  private static final DuckDb DUCK = DuckDb.inMemory();

  @org.junit.jupiter.api.AfterAll
  static void closeDuckDb() {
    DUCK.close();
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
