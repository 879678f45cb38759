package dev.sluice.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.map.Mapping;
import dev.sluice.source.Databases;
import dev.sluice.source.DuckDb;
import dev.sluice.source.Source;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.FaultyDestination;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.RecordingDestination;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The results log: one row per record outcome and one per run, queryable by analysts. */
class ResultsLogTest {

  private static final DuckDb DUCK = DuckDb.inMemory();

  @AfterAll
  static void closeDuckDb() {
    DUCK.close();
  }

  @Test
  void instancesCreatingTheLogTablesAtOnceAllWriteTheirRuns() throws Exception {
    DataSource db = dev.sluice.testkit.TestPostgres.freshDatabase();
    int instances = 6;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(instances);
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    try {
      List<java.util.concurrent.Future<SyncReport>> runs = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        Sync sync = Sync.from(Source.of(Record.builder("k" + i).set("v", i).build())).to(RecordingDestination.create())
            .named("race-" + i).listener(ResultsLog.builder(db).createTables(true).build()).build();
        runs.add(pool.submit(() -> {
          go.await();
          return sync.run();
        }));
      }
      go.countDown();
      for (java.util.concurrent.Future<SyncReport> run : runs) {
        assertThat(run.get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(query(db, "select count(*) from sluice.sluice_sync_runs")).containsExactly(List.of("6"));
    assertThat(query(db, "select count(*) from sluice.sluice_sync_log")).containsExactly(List.of("6"));
  }

  @Test
  void holdsOneRowPerRecordOutcomeWithTheDestinationsMessageNextToTheWarehouseState() throws SQLException {
    DataSource db = DUCK.dataSource();
    String table = "people_" + UUID.randomUUID().toString().substring(0, 8);
    Databases.execute(db, "create table " + table + " (id integer, email varchar)",
        "insert into " + table + " select i, 'p' || i || '@example.com' from range(1, 51) t(i)");
    Warehouse warehouse = Warehouse.builder(db).schema("sluice_log").createTables(true).build();
    ResultsLog results = ResultsLog.builder(db).schema("sluice_log").createTables(true).build();
    RecordingDestination destination = RecordingDestination.create()
        .failKey("2", false, "property 'email' is invalid for 2")
        .failKey("3", true, "HTTP 503 for 3");
    String sync = "log-" + table;
    SyncReport report = Sync.from(warehouse.query("select * from " + table).key("id").build())
        .to(destination).named(sync).mode(SyncMode.MIRROR).state(warehouse).differ(warehouse.differ())
        .listener(results).batchSize(20).build().run();
    assertThat(report.delivered()).isEqualTo(48);

    List<List<String>> rows = query(db, "select record_key, operation, outcome, error from sluice_log.sluice_sync_log"
        + " where sync_name = '" + sync + "' and outcome <> 'delivered' order by record_key");
    assertThat(rows).containsExactly(
        List.of("2", "upsert", "failed", "property 'email' is invalid for 2"),
        List.of("3", "upsert", "retryable", "HTTP 503 for 3"));
    assertThat(query(db, "select count(*), count(distinct record_key) from sluice_log.sluice_sync_log where sync_name = '"
        + sync + "' and run_id = '" + report.runId() + "'")).containsExactly(List.of("50", "50"));
    assertThat(query(db, "select status, read_count, added, delivered, failed from sluice_log.sluice_sync_runs"
        + " where sync_name = '" + sync + "'")).containsExactly(List.of("partial", "50", "50", "48", "2"));
  }

  @Test
  void masksKnownSecretsInTheMessagesItWritesDown() throws SQLException {
    DataSource db = DUCK.dataSource();
    String table = "secrets_" + UUID.randomUUID().toString().substring(0, 8);
    Databases.execute(db, "create table " + table + " (id integer, email varchar)",
        "insert into " + table + " values (1, 'a'), (2, 'b')");
    String secret = "tok-" + UUID.randomUUID();
    dev.sluice.http.Redaction.register(secret); // as a connector registers its API token
    ResultsLog results = ResultsLog.builder(db).schema("sluice_log").createTables(true).build();
    RecordingDestination destination = RecordingDestination.create()
        .failKey("2", false, "refused: the API key " + secret + " may not write emails");
    String sync = "secrets-" + table;
    Sync.from(DUCK.query("select * from " + table).key("id").build()).to(destination).named(sync)
        .state(new dev.sluice.state.InMemoryStateStore()).listener(results).build().run();
    List<List<String>> rows = query(db, "select error from sluice_log.sluice_sync_log where sync_name = '" + sync
        + "' and record_key = '2'");
    assertThat(rows).containsExactly(List.of("refused: the API key *** may not write emails"));
  }

  @Test
  void worksAloneWithAnyStateStoreLogsWholeBatchFailuresAndRejectionsAndDeletesOldRows() throws SQLException {
    DataSource h2 = Databases.h2();
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    ResultsLog results = ResultsLog.builder(h2).schema("audit").retention(Duration.ofDays(7)).clock(clock)
        .createTables(true).build();
    List<Record> records = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      records.add(Record.builder("k" + i).set("email", i == 6 ? null : "k" + i + "@example.com").build());
    }
    FaultyDestination destination = FaultyDestination.wrap(RecordingDestination.create())
        .failNextCalls(1, () -> new PermanentDestinationException("HTTP 401: the token was revoked"));
    Sync sync = Sync.from(Source.of(records)).map(Mapping.builder().copy("email").require("email").build())
        .to(destination).named("alone").state(new InMemoryStateStore()).listener(results).clock(clock)
        .delivery(DeliveryPolicy.custom().maxAttempts(1).splitRejectedBatches(false).build()).build();
    SyncReport first = sync.run();
    assertThat(first.failed()).isEqualTo(5);
    assertThat(query(h2, "select record_key, outcome, error from audit.sluice_sync_log order by record_key"))
        .containsExactly(
            List.of("k1", "failed", "HTTP 401: the token was revoked"),
            List.of("k2", "failed", "HTTP 401: the token was revoked"),
            List.of("k3", "failed", "HTTP 401: the token was revoked"),
            List.of("k4", "failed", "HTTP 401: the token was revoked"),
            List.of("k5", "failed", "HTTP 401: the token was revoked"),
            List.of("k6", "rejected", "required field 'email' is null"));

    clock.advance(Duration.ofDays(8));
    SyncReport second = sync.run();
    assertThat(second.delivered()).isEqualTo(5);
    assertThat(query(h2, "select run_id, count(*) from audit.sluice_sync_log group by run_id"))
        .as("the first run's rows are past the retention").containsExactly(List.of(second.runId(), "6"));
    assertThat(query(h2, "select run_id, status from audit.sluice_sync_runs"))
        .containsExactly(List.of(second.runId(), "partial"));
  }

  static List<List<String>> query(DataSource db, String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}
