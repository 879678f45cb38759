package dev.sluice.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.destination.Operation;
import dev.sluice.source.Databases;
import dev.sluice.source.DuckDb;
import dev.sluice.state.StateCursor;
import dev.sluice.state.SyncState;
import dev.sluice.testkit.RecordingDestination;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whole syncs with the warehouse as the engine, on real DuckDB and PostgreSQL 17 (with MERGE, and
 * with the SQL for PostgreSQL before 15).
 */
class WarehouseSyncTest {

  private static final DuckDb DUCK = DuckDb.inMemory();

  @AfterAll
  static void closeDuckDb() {
    DUCK.close();
  }

  static Stream<Arguments> warehouses() {
    return Stream.of(
        Arguments.of("DuckDB", (Supplier<DataSource>) DUCK::dataSource, null),
        Arguments.of("PostgreSQL 17", (Supplier<DataSource>) Databases::postgres, null),
        Arguments.of("PostgreSQL 17, SQL for before 15", (Supplier<DataSource>) Databases::postgres,
            WarehouseDialect.POSTGRES_BEFORE_15));
  }

  /** The warehouse on {@code db}: its dialect detected, or {@code dialect} when given. */
  private static Warehouse warehouse(DataSource db, WarehouseDialect dialect) {
    Warehouse.Builder builder = Warehouse.builder(db).createTables(true);
    return dialect == null ? builder.schema("sluice_it").build()
        : builder.schema("sluice_it_pre15").dialect(dialect).build();
  }

  private static String table() {
    return "customers_" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void createCustomers(DataSource db, String table, int rows) {
    Databases.execute(db, "create table " + table + " (id integer primary key, email varchar(100), plan varchar(20),"
        + " ltv decimal(12,2), note varchar(100))");
    StringBuilder insert = new StringBuilder("insert into " + table + " values ");
    for (int i = 1; i <= rows; i++) {
      insert.append(i == 1 ? "" : ", ").append("(").append(i).append(", 'c").append(i).append("@example.com', '")
          .append(i % 2 == 0 ? "pro" : "free").append("', ").append(i).append(".50, 'n')");
    }
    Databases.execute(db, insert.toString());
  }

  private static Sync mirror(Warehouse warehouse, String table, String sync, RecordingDestination destination) {
    WarehouseQuery query = warehouse.query("select * from " + table)
        .key("id")
        .copy("email")
        .rename("plan", "tier")
        .cast("ltv", "ltv", SqlType.decimal(12, 1))
        .constant("source", "warehouse")
        .build();
    return Sync.from(query).to(destination).named(sync).mode(SyncMode.MIRROR)
        .state(warehouse).differ(warehouse.differ()).batchSize(10).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("warehouses")
  void mirrorsAddsChangesDeletesAndRetriesFailedRecordsAcrossThreeRuns(String name, Supplier<DataSource> databases,
      WarehouseDialect dialect) {
    DataSource db = databases.get();
    String table = table();
    createCustomers(db, table, 100);
    Warehouse warehouse = warehouse(db, dialect);
    RecordingDestination destination = RecordingDestination.create();
    String sync = "mirror-" + table;
    Sync mirror = mirror(warehouse, table, sync, destination);

    // Run 1: everything is new; key 7 fails.
    destination.failKey("7", true, "HTTP 503 for 7");
    SyncReport first = mirror.run();
    assertThat(first.status()).as(first.summary()).isEqualTo(Status.PARTIAL);
    assertThat(first.read()).isEqualTo(100);
    assertThat(first.newRecords()).isEqualTo(100);
    assertThat(first.delivered()).isEqualTo(99);
    assertThat(destination.contents()).hasSize(99).doesNotContainKey("7");
    assertThat(destination.get("1")).isEqualTo(Record.builder("1").set("email", "c1@example.com").set("tier", "free")
        .set("ltv", new BigDecimal("1.5")).set("source", "warehouse").build());
    assertThat(state(warehouse, sync)).hasSize(99).doesNotContainKey("7");

    // Between runs: three mapped changes, one unmapped change, two deletes, one insert; 7 recovers, 2 fails.
    Databases.execute(db,
        "update " + table + " set email = 'new' || email where id in (1, 2, 3)",
        "update " + table + " set note = 'only an unmapped column' where id = 10",
        "delete from " + table + " where id in (20, 21)",
        "insert into " + table + " values (101, 'c101@example.com', 'pro', 0.05, 'n')");
    destination.clearFailures().failKey("2", true, "HTTP 503 for 2");
    destination.clearBatches();
    Map<String, Long> before = state(warehouse, sync);
    SyncReport second = mirror.run();
    assertThat(second.status()).as(second.summary()).isEqualTo(Status.PARTIAL);
    assertThat(second.read()).as("rows that left the warehouse").isEqualTo(5);
    assertThat(second.newRecords()).isEqualTo(2); // 7 (failed before) and 101
    assertThat(second.changedRecords()).isEqualTo(3);
    assertThat(second.removedRecords()).isEqualTo(2);
    assertThat(second.failedRecords()).singleElement().satisfies(e -> assertThat(e.key()).isEqualTo("2"));
    assertThat(destination.keysSent(Operation.UPSERT)).containsExactlyInAnyOrder("1", "2", "3", "7", "101");
    assertThat(destination.keysSent(Operation.DELETE)).containsExactlyInAnyOrder("20", "21");
    Map<String, Long> after = state(warehouse, sync);
    assertThat(after).doesNotContainKeys("20", "21").containsKeys("7", "101");
    assertThat(after.get("2")).as("a failed record keeps its old hash").isEqualTo(before.get("2"));
    assertThat(after.get("1")).isNotEqualTo(before.get("1"));
    assertThat(after.get("10")).as("an unmapped column is not hashed").isEqualTo(before.get("10"));

    // Run 3: nothing changed but 2 is retried.
    destination.clearFailures();
    destination.clearBatches();
    SyncReport third = mirror.run();
    assertThat(third.status()).as(third.summary()).isEqualTo(Status.SUCCEEDED);
    assertThat(third.read()).isEqualTo(1);
    assertThat(destination.keysSent(Operation.UPSERT)).containsExactly("2");
    assertThat(destination.keysSent(Operation.DELETE)).isEmpty();
    assertThat(destination.contents()).hasSize(99);
    assertThat(destination.get("2").get("email")).isEqualTo("newc2@example.com");
    assertThat(state(warehouse, sync).keySet()).isEqualTo(destination.contents().keySet());

    SyncReport fourth = mirror.run();
    assertThat(fourth.read()).as("an unchanged warehouse sends nothing").isZero();
    assertThat(fourth.status()).isEqualTo(Status.SUCCEEDED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("warehouses")
  void sendsNoDeletesWhenTheSourceQueryFailsHalfway(String name, Supplier<DataSource> databases,
      WarehouseDialect dialect) {
    DataSource db = databases.get();
    String table = table();
    createCustomers(db, table, 3000);
    Databases.execute(db, "create table " + table + "_flags (fail boolean)", "insert into " + table + "_flags values (false)");
    Warehouse warehouse = warehouse(db, dialect);
    RecordingDestination destination = RecordingDestination.create();
    String sync = "failing-" + table;
    // The check column's cast fails on row 2900 once the flag is set: the query breaks halfway.
    WarehouseQuery query = warehouse.query("select id, email, cast(case when id = 2900 and (select fail from "
            + table + "_flags) then 'boom' else '1' end as integer) as checked from " + table)
        .key("id").build();
    Sync sync1 = Sync.from(query).to(destination).named(sync).mode(SyncMode.MIRROR)
        .state(warehouse).differ(warehouse.differ()).build();
    assertThat(sync1.run().status()).isEqualTo(Status.SUCCEEDED);
    assertThat(destination.contents()).hasSize(3000);

    Databases.execute(db, "delete from " + table + " where id <= 100", "update " + table + "_flags set fail = true");
    destination.clearBatches();
    SyncReport failed = sync1.run();
    assertThat(failed.status()).as(failed.summary()).isEqualTo(Status.FAILED);
    assertThat(failed.failure()).get().asString().contains("boom").contains("select id, email");
    assertThat(destination.keysSent(Operation.DELETE)).isEmpty();
    assertThat(destination.contents()).hasSize(3000);
    assertThat(state(warehouse, sync)).hasSize(3000);

    Databases.execute(db, "update " + table + "_flags set fail = false");
    SyncReport repaired = sync1.run();
    assertThat(repaired.removedRecords()).isEqualTo(100);
    assertThat(destination.contents()).hasSize(2900);
    assertThat(state(warehouse, sync)).hasSize(2900);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("warehouses")
  void failsNamingAKeyThatTwoUnchangedRowsShareAndSendsNoDelete(String name, Supplier<DataSource> databases,
      WarehouseDialect dialect) {
    DataSource db = databases.get();
    String table = table();
    Databases.execute(db, "create table " + table + " (id integer, email varchar(100))",
        "insert into " + table + " values (1, 'a'), (2, 'b'), (3, 'c')");
    Warehouse warehouse = warehouse(db, dialect);
    RecordingDestination destination = RecordingDestination.create();
    Sync sync = Sync.from(warehouse.query("select * from " + table).key("id").build()).to(destination)
        .named("dup-" + table).mode(SyncMode.MIRROR).state(warehouse).differ(warehouse.differ()).build();
    assertThat(sync.run().status()).isEqualTo(Status.SUCCEEDED);

    Databases.execute(db, "insert into " + table + " values (2, 'b')", "delete from " + table + " where id = 3");
    destination.clearBatches();
    SyncReport report = sync.run();
    assertThat(report.status()).isEqualTo(Status.FAILED);
    assertThat(report.failure()).get().asString().contains("'2'");
    assertThat(destination.keysSent(Operation.DELETE)).isEmpty();
    assertThat(state(warehouse, "dup-" + table)).containsOnlyKeys("1", "2", "3");
  }

  static Stream<Arguments> postgresWarehouses() {
    return warehouses().skip(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("postgresWarehouses")
  void rejectsARowWhoseValueTheDriverCannotHandOverAndDeliversTheRest(String name, Supplier<DataSource> databases,
      WarehouseDialect dialect) {
    DataSource db = databases.get();
    String table = table();
    // PostgreSQL's numeric holds NaN, which no BigDecimal can; its driver refuses it (SQLState 22003).
    Databases.execute(db, "create table " + table + " (id integer, ltv numeric, opens timetz)",
        "insert into " + table + " values (1, 1.5, '09:00+02'), (2, 'NaN', '09:00+02'), (3, 2.5, '18:30:15-05')");
    Warehouse warehouse = warehouse(db, dialect);
    RecordingDestination destination = RecordingDestination.create();
    String sync = "unreadable-" + table;
    Sync mirror = Sync.from(warehouse.query("select * from " + table).key("id").copy("ltv", "opens").build())
        .to(destination).named(sync).mode(SyncMode.MIRROR).state(warehouse).differ(warehouse.differ()).build();

    SyncReport first = mirror.run();
    assertThat(first.status()).as(first.summary()).isEqualTo(Status.PARTIAL);
    assertThat(first.delivered()).isEqualTo(2);
    assertThat(first.rejectedRecords()).singleElement().satisfies(e -> {
      assertThat(e.key()).isEqualTo("2");
      assertThat(e.reason()).contains("column 'ltv' (numeric) cannot be read").contains("NaN");
    });
    assertThat(destination.contents()).containsOnlyKeys("1", "3");
    assertThat(destination.get("3").get("opens")).isEqualTo("18:30:15-05:00");
    assertThat(state(warehouse, sync)).containsOnlyKeys("1", "3");

    Databases.execute(db, "update " + table + " set ltv = 3.5 where id = 2");
    SyncReport second = mirror.run();
    assertThat(second.status()).as(second.summary()).isEqualTo(Status.SUCCEEDED);
    assertThat(second.read()).as("only the row rejected before").isEqualTo(1);
    assertThat(second.removedRecords()).isZero();
    assertThat(destination.get("2").get("ltv")).isEqualTo(new BigDecimal("3.5"));
    assertThat(state(warehouse, sync)).containsOnlyKeys("1", "2", "3");
  }

  static Map<String, Long> state(Warehouse warehouse, String sync) {
    Map<String, Long> entries = new LinkedHashMap<>();
    try (SyncState state = warehouse.open(sync)) {
      StateCursor cursor = state.cursor();
      while (cursor.next()) {
        entries.put(cursor.key(), cursor.hash());
      }
    }
    return entries;
  }
}
