package dev.sluice.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Shard;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.destination.Operation;
import dev.sluice.source.Databases;
import dev.sluice.source.DuckDb;
import dev.sluice.testkit.RecordingDestination;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Shards of a sync on the warehouse engine (DuckDB): each shard's state is its own table rows. */
class ShardWarehouseTest {

  private static final DuckDb DUCK = DuckDb.inMemory();

  @AfterAll
  static void closeDuckDb() {
    DUCK.close();
  }

  @Test
  void shardsOnTheWarehouseEngineDeliverEachRowOnceAndMirrorTheirOwnDeletes() {
    String table = "t_" + UUID.randomUUID().toString().substring(0, 8);
    Databases.execute(DUCK.dataSource(), "create table " + table + " (id integer, email varchar)",
        "insert into " + table + " select i, 'c' || i || '@example.com' from range(1, 301) t(i)");
    Warehouse warehouse = Warehouse.builder(DUCK.dataSource()).createTables(true).build();
    RecordingDestination crm = RecordingDestination.create();
    Sync whole = Sync.from(warehouse.query("select * from " + table).key("id").copy("email").build()).to(crm)
        .named("wh-" + table).mode(SyncMode.MIRROR).state(warehouse).differ(warehouse.differ()).build();

    List<SyncReport> first = run(whole.shards(3));

    assertThat(first).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.SUCCEEDED));
    assertThat(crm.keysSent(Operation.UPSERT)).hasSize(300).doesNotHaveDuplicates();
    assertThat(first.stream().mapToLong(SyncReport::delivered).sum()).isEqualTo(300);
    assertThat(first).as("each shard's first run reads its own rows only").allSatisfy(r ->
        assertThat(r.read()).isEqualTo(count(r.shard().orElseThrow(), 1, 300)));

    crm.clearBatches();
    List<SyncReport> unchanged = run(whole.shards(3));

    assertThat(crm.batches()).isEmpty();
    // The query keeps each shard's rows only: no row of another shard leaves the warehouse.
    assertThat(unchanged).allSatisfy(r -> {
      assertThat(r.read()).isZero();
      assertThat(r.otherShards()).isZero();
    });

    Databases.execute(DUCK.dataSource(), "delete from " + table + " where id % 10 = 0",
        "update " + table + " set email = 'new' where id in (1, 2, 3)");
    crm.clearBatches();
    List<SyncReport> third = run(whole.shards(3));

    Set<String> removed = new TreeSet<>();
    for (int i = 10; i <= 300; i += 10) {
      removed.add(Integer.toString(i));
    }
    assertThat(new TreeSet<>(crm.keysSent(Operation.DELETE))).isEqualTo(removed);
    assertThat(crm.keysSent(Operation.UPSERT)).containsExactlyInAnyOrder("1", "2", "3");
    for (SyncReport report : third) {
      Shard shard = report.shard().orElseThrow();
      assertThat(report.status()).isEqualTo(Status.SUCCEEDED);
      assertThat(report.removedRecords()).isEqualTo(removed.stream().filter(shard::contains).count());
    }
    assertThat(crm.size()).isEqualTo(270);
  }

  private static long count(Shard shard, int from, int to) {
    long n = 0;
    for (int i = from; i <= to; i++) {
      n += shard.contains(Integer.toString(i)) ? 1 : 0;
    }
    return n;
  }

  private static List<SyncReport> run(List<Sync> shards) {
    List<SyncReport> reports = new ArrayList<>();
    shards.forEach(s -> reports.add(s.run()));
    return reports;
  }
}
