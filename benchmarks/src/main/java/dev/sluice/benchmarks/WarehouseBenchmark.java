package dev.sluice.benchmarks;

import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.map.Mapping;
import dev.sluice.source.DuckDb;
import dev.sluice.state.FileStateStore;
import dev.sluice.testkit.DiscardingDestination;
import dev.sluice.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The warehouse as the engine against the local diff, on one DuckDB table of ten columns: (a) the
 * warehouse-side sync (state and diff in DuckDB, only changed rows leave it), (b) the local ordered
 * diff with a {@link FileStateStore} (every row read out of DuckDB, in key order), and (c) a
 * hand-written DuckDB SQL diff of the same hashes: DuckDB's own {@code hash(...)} of the nine
 * mapped columns — the function the engine hashes with on DuckDB (typed, variadic, null-safe, no
 * text to build) — in one full outer join with a stored key/hash table, fetching the new, changed
 * and removed keys. Beside (c), (c+) is the whole job written by hand in SQL: the same diff, its
 * changed rows fetched with their nine columns (what a sync must send), and the new hashes merged
 * into the stored table (what the next run compares with) — not crash-safe, as a speed peer only.
 * Each round changes 1% of the rows; medians of five rounds. The merge of (c+) is also timed on
 * its own: what recording the delivered hashes costs at least, whoever does it. The engine's own
 * statements are timed too ({@link StatementTimer}): its changes query (the SQL diff it runs, to
 * set beside (c)) and its merge at the commit. Prints wall time,
 * rows that left the warehouse and the heap by {@link HeapSampler} (the most in use at any one
 * moment, and the most still live after a collection); run it with {@code -Xmx128m}.
 *
 * <p>Arguments: {@code [rows=10000000]}.
 */
final class WarehouseBenchmark {

  private static final int ROUNDS = 5;
  private static final String[] MAPPED = {"email", "name", "plan", "country", "ltv", "score", "active", "signed_up_at",
      "note"};

  private WarehouseBenchmark() {}

  static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
    Path work = Files.createTempDirectory("sluice-warehouse-bench");
    try (DuckDb duck = DuckDb.inMemory()) {
      System.out.printf("warehouse benchmark: %,d rows x 10 columns in DuckDB, 1%% changed per round, %d cores,"
          + " heap %,d MiB%n", rows, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
      duck.execute("create table customers as select i as id, 'user' || i || '@example.com' as email,"
          + " 'User ' || i as name, ['free', 'starter', 'pro', 'enterprise'][i % 4 + 1] as plan,"
          + " ['DE', 'FR', 'US', 'GB', 'JP', 'BR', 'IN', 'NL'][(i // 7) % 8 + 1] as country,"
          + " ((i * 37) % 100000 / 100.0)::decimal(12,2) as ltv, ((i * 31) % 100)::integer as score,"
          + " i % 3 <> 0 as active, timestamp '2020-01-01' + to_seconds(i * 61) as signed_up_at, '' as note"
          + " from range(" + rows + ") r(i)");

      // Times the engine's changes query and its merge (the driver's own connections underneath).
      StatementTimer timer = new StatementTimer(duck.dataSource(), sql -> sql.contains("sluice_hashed") ? "changes"
          : sql.startsWith("merge into") ? "merge" : null);
      Warehouse warehouse = Warehouse.builder(timer.dataSource()).createTables(true).build();
      Sync inWarehouse = Sync.from(warehouse.query("select * from customers").key("id").copy(MAPPED).build())
          .to(new DiscardingDestination(500)).named("bench-warehouse").mode(SyncMode.MIRROR)
          .state(warehouse).differ(warehouse.differ()).build();
      Sync local = Sync.from(duck.query("select * from customers").key("id").orderByKey().build())
          .map(Mapping.builder().copy(MAPPED).build())
          .to(new DiscardingDestination(500)).named("bench-local").mode(SyncMode.MIRROR)
          .state(FileStateStore.in(work.resolve("state")).withoutFsync()).build();

      System.out.printf("%-58s %9s %14s %9s %9s%n", "case", "seconds", "rows out", "max used", "max live");
      run("(a) warehouse engine, first run (all rows)", inWarehouse);
      run("(b) local ordered diff, FileStateStore, first run", local);
      double[] a = new double[ROUNDS];
      double[] b = new double[ROUNDS];
      double[] c = new double[ROUNDS];
      double[] job = new double[ROUNDS];
      double[] merge = new double[ROUNDS];
      double[] query = new double[ROUNDS];
      double[] commit = new double[ROUNDS];
      long[] out = new long[ROUNDS];
      long maxUsed = 0;
      long maxLive = 0;
      for (int round = 0; round < ROUNDS; round++) {
        handWrittenBaseline(duck);
        duck.execute("update customers set score = score + 1 where id % 100 = " + round);
        long changed = (rows + 99 - round) / 100;
        c[round] = handWritten(duck, changed);
        double[] byHand = handWrittenJob(duck, changed);
        job[round] = byHand[0];
        merge[round] = byHand[1];
        timer.takeSeconds("changes");
        timer.takeSeconds("merge");
        Measured engine = runReport("(a) warehouse engine, 1% changed", inWarehouse);
        query[round] = timer.takeSeconds("changes");
        commit[round] = timer.takeSeconds("merge");
        System.out.printf("%-58s %9.2f   (its merge %.2f s)%n", "    of which the engine's changes query", query[round],
            commit[round]);
        a[round] = seconds(engine.report);
        out[round] = engine.report.read();
        if (out[round] != changed) {
          throw new IllegalStateException("the warehouse engine read " + out[round] + " rows, expected " + changed);
        }
        Measured diffedLocally = runReport("(b) local ordered diff, 1% changed", local);
        b[round] = seconds(diffedLocally.report);
        maxUsed = Math.max(maxUsed, Math.max(engine.maxUsedMiB, diffedLocally.maxUsedMiB));
        maxLive = Math.max(maxLive, Math.max(engine.maxLiveMiB, diffedLocally.maxLiveMiB));
        System.out.printf("%-58s %9.2f %,14d%n", "(c) hand-written DuckDB SQL diff, 1% changed", c[round], changed);
        System.out.printf("%-58s %9.2f %,14d   (its merge %.2f s)%n",
            "(c+) the same diff + rows fetched + hashes stored, by hand", job[round], changed, merge[round]);
      }
      double ma = median(a);
      double mb = median(b);
      double mc = median(c);
      System.out.printf("medians: (a) %.2f s, (b) %.2f s, (c) %.2f s; rows out of the warehouse: (a) %,d, (b) %,d%n",
          ma, mb, mc, out[0], rows);
      System.out.printf("ratios: (a) / (c) %.2f (goal <= 1.1)   (a) / (b) %.2f (goal <= 0.5)   (a) / (c+) %.2f"
          + " ((c+) median %.2f s, its merge alone %.2f s = %.2f x (c))%n", ma / mc, ma / mb, ma / median(job), median(job),
          median(merge), median(merge) / mc);
      System.out.printf("the engine's changes query / (c) %.2f; (a) - its changes query %.2f s, of which its merge %.2f s%n",
          median(query) / mc, median(a) - median(query), median(commit));
      System.out.printf("heap of the 1%% rounds, (a) and (b): max used %d MiB, max live after GC %d MiB (limit %d MiB)%n",
          maxUsed, maxLive, Runtime.getRuntime().maxMemory() >> 20);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double seconds(SyncReport report) {
    return report.duration().toNanos() / 1e9;
  }

  private static void run(String name, Sync sync) {
    runReport(name, sync);
  }

  /** A run's report with the heap it used. */
  private record Measured(SyncReport report, long maxUsedMiB, long maxLiveMiB) {}

  private static Measured runReport(String name, Sync sync) {
    System.gc(); // each case starts from the same clean heap
    SyncReport report;
    HeapSampler heap = new HeapSampler();
    try {
      report = sync.run();
    } finally {
      heap.close();
    }
    if (report.status() != SyncReport.Status.SUCCEEDED) {
      throw new IllegalStateException(report.summary());
    }
    System.out.printf("%-58s %9.2f %,14d %9d %9d   (%,d sent)%n", name, seconds(report), report.read(),
        heap.maxUsedMiB(), heap.maxAfterGcMiB(), report.delivered());
    return new Measured(report, heap.maxUsedMiB(), heap.maxAfterGcMiB());
  }

  /** The key text and DuckDB's {@code hash(...)} of the nine mapped columns, as the engine hashes them. */
  private static String handHashed() {
    return "select id::varchar as k, hash(" + String.join(", ", MAPPED) + ") as h from customers";
  }

  /** Stores the hand-written diff's own key/hash table of the current rows (not timed). */
  private static void handWrittenBaseline(DuckDb duck) {
    duck.execute("create or replace table hand_state as " + handHashed());
  }

  /**
   * The diff as one would write it by hand in DuckDB: hash the rows, full outer join with the
   * stored key/hash table, and fetch the new, changed and removed keys with their hashes. Seconds;
   * checks the count.
   */
  private static double handWritten(DuckDb duck, long expected) throws Exception {
    String sql = "select c.k, c.h, p.k from (" + handHashed() + ") c full outer join hand_state p on p.k = c.k"
        + " where p.k is null or c.k is null or p.h <> c.h";
    try (Connection connection = duck.dataSource().getConnection(); Statement s = connection.createStatement()) {
      long start = System.nanoTime();
      long found = 0;
      try (ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          found++;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (found != expected) {
        throw new IllegalStateException("the hand-written diff found " + found + " changes, expected " + expected);
      }
      return seconds;
    }
  }

  /**
   * The whole job by hand, on a copy of the stored table so that (c) and the engine see the same
   * state: the diff with the nine columns kept in a temporary table, its rows fetched column by
   * column, and the new and removed hashes merged into the stored table. Seconds of the whole job
   * and of its merge; checks the count.
   */
  private static double[] handWrittenJob(DuckDb duck, long expected) throws Exception {
    duck.execute("create or replace table hand_state_job as select * from hand_state");
    String hashed = "select id::varchar as k, " + String.join(", ", MAPPED) + ", hash(" + String.join(", ", MAPPED)
        + ") as h from customers";
    try (Connection connection = duck.dataSource().getConnection(); Statement s = connection.createStatement()) {
      long start = System.nanoTime();
      s.execute("create or replace temp table hand_changes as select c.*, p.k as pk from (" + hashed + ") c"
          + " full outer join hand_state_job p on p.k = c.k where p.k is null or c.k is null or p.h <> c.h");
      long found = 0;
      try (ResultSet rs = s.executeQuery("select * from hand_changes")) {
        int columns = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          for (int i = 1; i <= columns; i++) {
            rs.getObject(i);
          }
          found++;
        }
      }
      long merging = System.nanoTime();
      s.execute("merge into hand_state_job t using hand_changes c on t.k = coalesce(c.k, c.pk)"
          + " when matched and c.k is null then delete when matched then update set h = c.h"
          + " when not matched then insert (k, h) values (c.k, c.h)");
      long end = System.nanoTime();
      if (found != expected) {
        throw new IllegalStateException("the hand-written job found " + found + " changes, expected " + expected);
      }
      return new double[] {(end - start) / 1e9, (end - merging) / 1e9};
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
