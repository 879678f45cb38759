package dev.sluice.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.map.Mapping;
import dev.sluice.source.Databases;
import dev.sluice.source.DuckDb;
import dev.sluice.source.Source;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.state.StateStoreException;
import dev.sluice.state.SyncState;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.RecordingDestination;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The warehouse engine's rules, on DuckDB. */
class WarehouseEngineTest {

  private static final DuckDb DUCK = DuckDb.inMemory();

  @AfterAll
  static void closeDuckDb() {
    DUCK.close();
  }

  private static String table(String columns, String rows) {
    String table = "t_" + UUID.randomUUID().toString().substring(0, 8);
    Databases.execute(DUCK.dataSource(), "create table " + table + " (" + columns + ")",
        "insert into " + table + " values " + rows);
    return table;
  }

  private static Warehouse warehouse() {
    return Warehouse.builder(DUCK.dataSource()).createTables(true).build();
  }

  @Test
  void failsTheRunNamingTheKeyWhenTwoRowsShareItEvenIfOneIsUnchanged() {
    String table = table("id integer, email varchar", "(1, 'a'), (2, 'b')");
    Warehouse warehouse = warehouse();
    RecordingDestination destination = RecordingDestination.create();
    Sync sync = Sync.from(warehouse.query("select * from " + table).key("id").build()).to(destination)
        .named("dup-" + table).mode(SyncMode.MIRROR).state(warehouse).differ(warehouse.differ()).build();
    assertThat(sync.run().status()).isEqualTo(Status.SUCCEEDED);
    Databases.execute(DUCK.dataSource(), "insert into " + table + " values (1, 'other')");
    destination.clearBatches();
    SyncReport report = sync.run();
    assertThat(report.status()).isEqualTo(Status.FAILED);
    assertThat(report.failure()).get().asString().contains("'1'");
    assertThat(destination.keysSent(Operation.DELETE)).isEmpty();
  }

  @Test
  void failsTheRunNamingTheKeyBeforeAnyDeleteWhenTwoIdenticalUnchangedRowsShareIt() {
    String table = table("id integer, email varchar", "(1, 'a'), (2, 'b'), (3, 'c')");
    Warehouse warehouse = warehouse();
    RecordingDestination destination = RecordingDestination.create();
    Sync sync = Sync.from(warehouse.query("select * from " + table).key("id").build()).to(destination)
        .named("dup-same-" + table).mode(SyncMode.MIRROR).state(warehouse).differ(warehouse.differ()).build();
    assertThat(sync.run().status()).isEqualTo(Status.SUCCEEDED);
    // Neither copy of 2 differs from the state, so no row of 2 leaves the warehouse: the counts tell.
    Databases.execute(DUCK.dataSource(), "insert into " + table + " values (2, 'b')", "delete from " + table + " where id = 3");
    destination.clearBatches();
    SyncReport report = sync.run();
    assertThat(report.status()).isEqualTo(Status.FAILED);
    assertThat(report.failureKind()).contains(SyncReport.FailureKind.DUPLICATE_KEY);
    assertThat(report.failure()).get().asString().contains("'2'");
    assertThat(destination.keysSent(Operation.DELETE)).as("no delete after a duplicate").isEmpty();
    assertThat(destination.contents()).containsKey("3");
  }

  @Test
  void failsAFirstRunNamingTheKeyTwoRowsShareBeforeEitherIsSent() {
    String table = table("id integer, email varchar", "(1, 'a'), (2, 'b'), (2, 'c')");
    Warehouse warehouse = warehouse();
    RecordingDestination destination = RecordingDestination.create();
    Sync sync = Sync.from(warehouse.query("select * from " + table).key("id").build()).to(destination)
        .named("dup-first-" + table).mode(SyncMode.MIRROR).state(warehouse).differ(warehouse.differ()).build();
    SyncReport report = sync.run();
    assertThat(report.failureKind()).contains(SyncReport.FailureKind.DUPLICATE_KEY);
    assertThat(report.failure()).get().asString().contains("'2'");
    assertThat(destination.keysSent(Operation.UPSERT)).doesNotContain("2");
  }

  @Test
  void failsTheRunNamingTheKeyWhenTwoNewRowsShareItInUpsertModeToo() {
    String table = table("id integer, email varchar", "(1, 'a')");
    Warehouse warehouse = warehouse();
    RecordingDestination destination = RecordingDestination.create();
    Sync sync = Sync.from(warehouse.query("select * from " + table).key("id").build()).to(destination)
        .named("dup-new-" + table).state(warehouse).differ(warehouse.differ()).build();
    assertThat(sync.run().status()).isEqualTo(Status.SUCCEEDED);
    Databases.execute(DUCK.dataSource(), "insert into " + table + " values (5, 'x'), (5, 'y')");
    SyncReport twoNew = sync.run();
    assertThat(twoNew.failureKind()).contains(SyncReport.FailureKind.DUPLICATE_KEY);
    assertThat(twoNew.failure()).get().asString().contains("'5'");

    Databases.execute(DUCK.dataSource(), "delete from " + table + " where id = 5", "insert into " + table + " values (1, 'a')");
    SyncReport twoUnchanged = sync.run();
    assertThat(twoUnchanged.failureKind()).as("two unchanged copies, no removed keys returned")
        .contains(SyncReport.FailureKind.DUPLICATE_KEY);
    assertThat(twoUnchanged.failure()).get().asString().contains("'1'");
  }

  @Test
  void resendsEveryRowWhenTheStateWasHashedByAnotherFunctionAndRecordsTheNewOne() {
    String table = table("id integer, email varchar", "(1, 'a'), (2, 'b')");
    Warehouse warehouse = warehouse();
    String name = "hashfn-" + table;
    Sync sync = Sync.from(warehouse.query("select * from " + table).key("id").build())
        .to(RecordingDestination.create()).named(name).state(warehouse).differ(warehouse.differ()).build();
    assertThat(sync.run().read()).isEqualTo(2);
    assertThat(hashFunction(name)).startsWith("duckdb hash() of DuckDB ");
    // As after an upgrade of DuckDB, whose hash() may change between versions.
    Databases.execute(DUCK.dataSource(), "update sluice.sluice_sync set hash_function = 'duckdb hash() of DuckDB v0.1'"
        + " where sync_name = '" + name + "'");
    SyncReport rehashed = sync.run();
    assertThat(rehashed.read()).as("every row is sent again, none is skipped").isEqualTo(2);
    assertThat(rehashed.changedRecords()).isEqualTo(2);
    assertThat(hashFunction(name)).isNotEqualTo("duckdb hash() of DuckDB v0.1");
    assertThat(sync.run().read()).isZero();
  }

  private static String hashFunction(String sync) {
    try (var c = DUCK.dataSource().getConnection();
         var s = c.prepareStatement("select hash_function from sluice.sluice_sync where sync_name = ?")) {
      s.setString(1, sync);
      try (var rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void namesASyncInTheStateTablesByTheFirst64BitsOfTheSha256OfItsName() {
    assertThat(WarehouseSql.syncId("customers-to-crm")).isEqualTo(9024629508515400380L);
    assertThat(WarehouseSql.syncId("")).isEqualTo(-2039914840885289964L);
  }

  @Test
  void refusesToOpenASyncWhoseStateIdAnotherNameHas() {
    Warehouse warehouse = warehouse();
    String name = "id-" + UUID.randomUUID();
    warehouse.open("tables-" + name).close();
    // As if another name's SHA-256 began with the same 64 bits.
    DUCK.execute("insert into sluice.sluice_sync (sync_name, sync_id) values (?, ?)", "other-" + name,
        WarehouseSql.syncId(name));
    assertThatThrownBy(() -> warehouse.open(name)).isInstanceOf(StateStoreException.class)
        .hasMessageContaining("'" + name + "' and 'other-" + name + "' have the same state id")
        .hasMessageContaining("rename one");
  }

  @Test
  void countsTheRowsItLeftInTheWarehouseAsUnchangedAndIsNotFailedByTheRejectedOnesItReadsAgain() {
    String table = table("id integer, email varchar", "(1, 'a'), (2, 'b'), (null, 'c'), (3, 'd')");
    Warehouse warehouse = warehouse();
    Sync sync = Sync.from(warehouse.query("select * from " + table).key("id").build())
        .to(RecordingDestination.create()).named("unchanged-" + table).mode(SyncMode.MIRROR).state(warehouse)
        .differ(warehouse.differ()).build();
    SyncReport first = sync.run();
    assertThat(first.status()).as(first.summary()).isEqualTo(Status.PARTIAL);
    assertThat(first.delivered()).isEqualTo(3);
    // Only the row without a key leaves the warehouse again, and is rejected again: the three
    // others are unchanged there, so the run did not reject every record.
    SyncReport second = sync.run();
    assertThat(second.status()).as(second.summary()).isEqualTo(Status.PARTIAL);
    assertThat(second.read()).isEqualTo(1);
    assertThat(second.rejected()).isEqualTo(1);
    assertThat(second.unchanged()).isEqualTo(3);
    assertThat(second.removedRecords()).isZero();
  }

  @Test
  void runsAQueryThatEndsInALineComment() {
    String table = table("id integer, email varchar", "(1, 'a'), (2, 'b')");
    Warehouse warehouse = warehouse();
    RecordingDestination destination = RecordingDestination.create();
    Sync sync = Sync.from(warehouse.query("select * from " + table + " -- the customers").key("id").build())
        .to(destination).named("commented-" + table).mode(SyncMode.MIRROR).state(warehouse).differ(warehouse.differ())
        .build();
    assertThat(sync.run().read()).isEqualTo(2);
    Databases.execute(DUCK.dataSource(), "update " + table + " set email = 'c' where id = 2");
    SyncReport second = sync.run();
    assertThat(second.status()).as(second.summary()).isEqualTo(Status.SUCCEEDED);
    assertThat(second.changedRecords()).isEqualTo(1);
  }

  @Test
  void seesAListChangeBetweenEmptyNullAndAListOfOneNull() {
    String table = table("id integer, tags varchar[]", "(1, ['a'])");
    Warehouse warehouse = warehouse();
    RecordingDestination destination = RecordingDestination.create();
    Sync sync = Sync.from(warehouse.query("select * from " + table).key("id").build()).to(destination)
        .named("lists-" + table).state(warehouse).differ(warehouse.differ()).build();
    assertThat(sync.run().read()).isEqualTo(1);
    // DuckDB's hash() gives these three the same value; the engine hashes such columns as JSON.
    for (String value : new String[] {"[]", "null", "[null]", "['']"}) {
      Databases.execute(DUCK.dataSource(), "update " + table + " set tags = " + value);
      assertThat(sync.run().read()).as("tags = %s", value).isEqualTo(1);
    }
    assertThat(sync.run().read()).isZero();
  }

  @Test
  void stagesConfirmationsOnceEnoughHaveComeOrTheIntervalHasPassedAndAtTheEnd() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));
    Warehouse warehouse = Warehouse.builder(DUCK.dataSource()).createTables(true).clock(clock)
        .stageEvery(3, Duration.ofMinutes(1)).build();
    String name = "stage-" + UUID.randomUUID();
    try (SyncState state = warehouse.open(name)) {
      state.put("a", 1);
      state.put("b", 2);
      state.checkpoint();
      assertThat(staged(name)).as("held in memory").isZero();
      state.put("c", 3);
      state.checkpoint();
      assertThat(staged(name)).as("three confirmations").isEqualTo(3);
      state.put("d", 4);
      state.checkpoint();
      assertThat(staged(name)).isEqualTo(3);
      clock.advance(Duration.ofMinutes(1));
      state.put("e", 5);
      state.checkpoint();
      assertThat(staged(name)).as("a minute later").isEqualTo(5);
      state.put("f", 6);
      state.commit("fp");
    }
    try (SyncState state = warehouse.open(name)) {
      assertThat(state.size()).isEqualTo(6);
    }
    assertThatThrownBy(() -> Warehouse.builder(DUCK.dataSource()).stageEvery(10, Duration.ofHours(2)).build())
        .hasMessageContaining("shorter than the leaseTimeout");
  }

  private static long staged(String sync) throws java.sql.SQLException {
    try (var c = DUCK.dataSource().getConnection();
         var s = c.prepareStatement("select count(*) from sluice.sluice_state_staged join sluice.sluice_sync using (sync_id)"
             + " where sync_name = ?")) {
      s.setString(1, sync);
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void startsAfreshWithoutDeletesWhenTheStateWasWrittenForAnotherDestination() {
    String table = table("id integer, email varchar", "(1, 'a'), (2, 'b'), (3, 'c')");
    Warehouse warehouse = warehouse();
    WarehouseQuery query = warehouse.query("select * from " + table).key("id").copy("email").build();
    String name = "moved-" + table;
    RecordingDestination first = RecordingDestination.create();
    RecordingDestination second = RecordingDestination.create();
    Sync before = Sync.from(query).to(named(first, "crm-a")).named(name).mode(SyncMode.MIRROR)
        .state(warehouse).differ(warehouse.differ()).build();
    Sync after = Sync.from(query).to(named(second, "crm-b")).named(name).mode(SyncMode.MIRROR)
        .state(warehouse).differ(warehouse.differ()).build();
    assertThat(before.run().delivered()).isEqualTo(3);
    Databases.execute(DUCK.dataSource(), "delete from " + table + " where id = 3");

    SyncReport moved = after.run();

    assertThat(moved.status()).as(moved.summary()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(moved.destinationChanged()).isTrue();
    assertThat(moved.newRecords()).as("every row is new to the other destination").isEqualTo(2);
    assertThat(moved.removedRecords()).as("no delete derived from another destination's state").isZero();
    assertThat(second.contents().keySet()).containsExactlyInAnyOrder("1", "2");
    assertThat(after.run().delivered()).as("the state now holds what the new destination confirmed").isZero();
  }

  /** A destination that writes like {@code delegate} under another identity. */
  private static Destination named(RecordingDestination delegate, String identity) {
    return new Destination() {
      @Override
      public Capabilities capabilities() {
        return delegate.capabilities();
      }

      @Override
      public BatchResult write(Batch batch) {
        return delegate.write(batch);
      }

      @Override
      public String identity() {
        return identity;
      }
    };
  }

  @Test
  void resendsEveryRowWhenTheFingerprintChangesAndNothingWhenItDoesNot() {
    String table = table("id integer, email varchar", "(1, 'a'), (2, 'b'), (3, 'c')");
    Warehouse warehouse = warehouse();
    WarehouseQuery query = warehouse.query("select * from " + table).key("id").copy("email").build();
    String name = "fp-" + table;
    Sync v1 = Sync.from(query).map(Mapping.builder().copy("email").version("1").build())
        .to(RecordingDestination.create()).named(name).state(warehouse).differ(warehouse.differ()).build();
    Sync v2 = Sync.from(query).map(Mapping.builder().copy("email").version("2").build())
        .to(RecordingDestination.create()).named(name).state(warehouse).differ(warehouse.differ()).build();
    assertThat(v1.run().read()).isEqualTo(3);
    assertThat(v1.run().read()).isZero();
    SyncReport changed = v2.run();
    assertThat(changed.fingerprintChanged()).isTrue();
    assertThat(changed.read()).isEqualTo(3);
    assertThat(changed.changedRecords()).isEqualTo(3);
    assertThat(v2.run().read()).isZero();
  }

  @Test
  void composesCompositeKeysAsSqlSourceDoesAndRunsJavaStepsOnTheColumnsItCopies() {
    String table = table("tenant varchar, id integer, email varchar, unused varchar",
        "('a|b', 1, 'x@example.com', 'u'), ('a\\b', 2, 'y@example.org', 'u')");
    Warehouse warehouse = warehouse();
    RecordingDestination destination = RecordingDestination.create();
    Mapping mapping = Mapping.builder().copy("email")
        .compute("domain", r -> ((String) r.get("email")).replaceAll(".*@", "")).build();
    Sync sync = Sync.from(warehouse.query("select * from " + table).key("tenant", "id").copy("email").build())
        .map(mapping).to(destination).named("keys-" + table).state(warehouse).differ(warehouse.differ()).build();
    assertThat(sync.run().status()).isEqualTo(Status.SUCCEEDED);
    assertThat(destination.contents()).containsOnlyKeys("a\\|b|1", "a\\\\b|2");
    assertThat(destination.get("a\\|b|1")).isEqualTo(Record.builder("a\\|b|1").set("email", "x@example.com")
        .set("domain", "example.com").build());

    Databases.execute(DUCK.dataSource(), "update " + table + " set unused = 'changed'");
    assertThat(sync.run().read()).as("a column no step copies is not hashed").isZero();
    Databases.execute(DUCK.dataSource(), "update " + table + " set email = 'z@example.net' where id = 2");
    destination.clearBatches();
    assertThat(sync.run().read()).isEqualTo(1);
    assertThat(destination.get("a\\\\b|2").get("domain")).isEqualTo("example.net");
  }

  @Test
  void aWarehouseQueryIsReadWholeInKeyOrderByTheDefaultDiffer() {
    String table = table("id varchar, n integer", "('b', 2), ('a', 1), ('c', 3)");
    RecordingDestination destination = RecordingDestination.create();
    WarehouseQuery query = WarehouseQuery.of(DUCK.dataSource(), "select * from " + table).key("id")
        .rename("n", "number").cast("n", "text", SqlType.text()).constant("flag", true).build();
    Sync sync = Sync.from(query).to(destination).named("plain").state(new InMemoryStateStore()).build();
    SyncReport report = sync.run();
    assertThat(report.status()).as(report.summary()).isEqualTo(Status.SUCCEEDED);
    assertThat(destination.keysSent(Operation.UPSERT)).containsExactly("a", "b", "c");
    assertThat(destination.get("b")).isEqualTo(Record.builder("b").set("number", 2).set("text", "2").set("flag", true)
        .build());
  }

  @Test
  void explainsWhatIsMissingWhenTheDifferHasAnotherStateOrSource() {
    String table = table("id integer", "(1)");
    Warehouse warehouse = warehouse();
    SyncReport otherState = Sync.from(warehouse.query("select * from " + table).key("id").build())
        .to(RecordingDestination.create()).named("s1").state(new InMemoryStateStore()).differ(warehouse.differ())
        .build().run();
    assertThat(otherState.failure()).get().asString().contains(".state(warehouse)");
    SyncReport otherSource = Sync.from(Source.of(Record.builder("1").build()))
        .to(RecordingDestination.create()).named("s2-" + table).state(warehouse).differ(warehouse.differ())
        .build().run();
    assertThat(otherSource.failure()).get().asString().contains("WarehouseQuery");
    assertThatThrownBy(() -> warehouse.query("select 1").key("id").rename("id", "sluice_key"))
        .hasMessageContaining("sluice_");
  }

  @Test
  void takesOverALeaseOlderThanItsTimeoutAndFencesTheRunThatHeldIt() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));
    Warehouse warehouse = Warehouse.builder(DUCK.dataSource()).createTables(true).clock(clock)
        .leaseTimeout(Duration.ofMinutes(10)).build();
    String name = "lease-" + UUID.randomUUID();
    SyncState abandoned = warehouse.open(name);
    assertThatThrownBy(() -> warehouse.open(name)).isInstanceOf(StateStoreException.class)
        .hasMessageContaining("already running");
    clock.advance(Duration.ofMinutes(11));
    try (SyncState next = warehouse.open(name)) {
      assertThat(next.size()).isZero();
      abandoned.put("late", 1);
      assertThatThrownBy(abandoned::checkpoint).isInstanceOf(StateStoreException.class)
          .hasMessageContaining("lost its lease");
      next.put("fresh", 2);
      next.commit("fp");
    }
    abandoned.close();
    try (SyncState after = warehouse.open(name)) {
      assertThat(after.size()).as("the fenced run staged nothing").isEqualTo(1);
    }
  }

  @Test
  void quarantinesARecordRefusedPermanentlyRunAfterRunUntilItsDataChanges() {
    String table = table("id integer, email varchar", "(1, 'good'), (2, 'bad')");
    Warehouse warehouse = warehouse();
    RecordingDestination destination = RecordingDestination.create().failKey("2", false, "invalid email for 2");
    Sync sync = Sync.from(warehouse.query("select * from " + table).key("id").build()).to(destination)
        .named("quarantine-" + table).state(warehouse).differ(warehouse.differ()).quarantineAfter(2).build();
    assertThat(sync.run().failed()).isEqualTo(1);
    assertThat(sync.run().failed()).isEqualTo(1);
    destination.clearBatches();
    SyncReport third = sync.run();
    assertThat(third.quarantined()).isEqualTo(1);
    assertThat(destination.keysSent(Operation.UPSERT)).isEmpty();
    Databases.execute(DUCK.dataSource(), "update " + table + " set email = 'fixed' where id = 2");
    destination.clearFailures();
    assertThat(sync.run().delivered()).as("changed data is sent again").isEqualTo(1);
  }

  @Test
  void documentsItsTablesInTheDdlItRuns() {
    assertThat(warehouse().ddl()).hasSize(4).first().asString().isEqualTo("create schema if not exists \"sluice\"");
  }
}
