package dev.sluice.benchmarks;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.state.FileStateStore;
import dev.sluice.source.DuckDb;
import dev.sluice.source.RecordStream;
import dev.sluice.source.Source;
import dev.sluice.testkit.DiscardingDestination;
import dev.sluice.testkit.SyntheticSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The differ at scale: ten-field records generated in-process (never held), against a file state
 * of the same size. Cases: a key-ordered source with 0% and 1% changes (the one-pass merge), and
 * an unordered source through the external sort. Next to them, in the same run, DuckDB computes the
 * equivalent diff in SQL (a FULL OUTER JOIN of two key/hash tables of that size), and the ratio
 * is printed. Run it with {@code -Xmx256m}: every case must fit.
 *
 * <p>Arguments: {@code [records=10000000]}.
 */
final class DiffBenchmark {

  private static final int ROUNDS = 3;

  private DiffBenchmark() {}

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
    Path work = Files.createTempDirectory("sluice-diff-bench");
    try {
      System.out.printf("diff benchmark: %,d records x 10 fields, %d cores, heap %,d MiB%n", records,
          Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
      FileStateStore state = FileStateStore.in(work.resolve("state")).withoutFsync();
      System.out.printf("%-40s %10s %14s %14s%n", "case", "seconds", "records/s", "peak heap MiB");

      run("first run into empty state (all ADD)", SyntheticSource.of(records), state, work);
      double[] unchanged = new double[ROUNDS];
      for (int round = 0; round < ROUNDS; round++) {
        unchanged[round] = run("ordered, 0% changed", SyntheticSource.of(records), state, work);
      }
      double[] changed = new double[ROUNDS];
      for (int round = 0; round < ROUNDS; round++) {
        // each round changes every 100th record again (revision 1, 2, 3): 1% updates every time
        changed[round] = run("ordered, 1% changed", SyntheticSource.of(records).withRevision(round + 1, 100), state,
            work);
      }
      double unordered = run("unordered (external sort), 1% changed",
          shuffled(SyntheticSource.of(records).withRevision(ROUNDS + 1, 100), records), state, work);

      double[] duckDb = duckDb(records);
      double duck = duckDb[0];
      System.out.printf("%-40s %10.2f   (median of %d)%n", "DuckDB FULL OUTER JOIN of key/hash", duck, ROUNDS);
      System.out.printf("%-40s %10.2f   (median of %d)%n", "DuckDB generate+hash 10 fields, then join", duckDb[1],
          ROUNDS);
      System.out.printf("medians: ordered 0%% %.2f s, ordered 1%% %.2f s%n", median(unchanged), median(changed));
      System.out.printf("ratio ordered 0%% / DuckDB join: %.2f   ordered 1%% / DuckDB join: %.2f   unordered / DuckDB join:"
          + " %.2f%n", median(unchanged) / duck, median(changed) / duck, unordered / duck);
      System.out.printf("ratio ordered 0%% / DuckDB generate+hash+join: %.2f   ordered 1%%: %.2f%n",
          median(unchanged) / duckDb[1], median(changed) / duckDb[1]);
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double run(String name, Source source, FileStateStore state, Path work) throws IOException {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    DiscardingDestination destination = new DiscardingDestination(500);
    Sync sync = Sync.from(source).to(destination).named("bench").state(state).mode(SyncMode.MIRROR)
        .spillDirectory(Files.createDirectories(work.resolve("spill"))).sortRunRecords(100_000).build();
    long start = System.nanoTime();
    SyncReport report = sync.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (report.status() != SyncReport.Status.SUCCEEDED) {
      throw new IllegalStateException(report.summary());
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf("%-40s %10.2f %,14.0f %,14d   (%d changes sent)%n", name, seconds, report.read() / seconds,
        peak >> 20, report.delivered());
    return seconds;
  }

  /** The same records in a scrambled order (a fixed permutation), generated on the fly. */
  private static Source shuffled(SyntheticSource source, int count) {
    // i -> i * step mod count visits every index once when step and count are coprime.
    long step = 7_919;
    while (gcd(step, count) != 1) {
      step++;
    }
    long stride = step;
    return new Source() {
      @Override
      public RecordStream open() {
        return new RecordStream() {
          private long i;

          @Override
          public boolean hasNext() {
            return i < count;
          }

          @Override
          public Record next() {
            if (i >= count) {
              throw new NoSuchElementException();
            }
            return source.record((i++ * stride) % count);
          }
        };
      }

      @Override
      public OptionalLong sizeHint() {
        return OptionalLong.of(count);
      }
    };
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /**
   * DuckDB doing the same diff in SQL, two ways, median seconds of each: {@code [0]} the FULL
   * OUTER JOIN of two ready key/hash tables of {@code records} rows (1% changed); {@code [1]} the
   * whole job as a Sluice run does it — generate the same ten fields for the current rows, hash
   * them, and join with the stored previous key/hash table.
   */
  private static double[] duckDb(int records) throws Exception {
    try (DuckDb duck = DuckDb.inMemory(); Connection c = duck.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("create table previous as select 'c' || lpad(i::varchar, 12, '0') as k, hash(i) as h from range("
          + records + ") r(i)");
      s.execute("create table current as select 'c' || lpad(i::varchar, 12, '0') as k,"
          + " case when i % 100 = 0 then hash(i + 1) else hash(i) end as h from range(" + records + ") r(i)");
      String join = "select count(*) filter (where p.k is null) as added,"
          + " count(*) filter (where c.k is null) as deleted,"
          + " count(*) filter (where p.h <> c.h) as updated"
          + " from previous p full outer join %s c on p.k = c.k";
      double[] joins = new double[ROUNDS];
      double[] whole = new double[ROUNDS];
      for (int round = 0; round < ROUNDS; round++) {
        long start = System.nanoTime();
        try (ResultSet rs = s.executeQuery(String.format(join, "current"))) {
          rs.next();
        }
        joins[round] = (System.nanoTime() - start) / 1e9;
      }
      for (int round = 0; round < ROUNDS; round++) {
        long start = System.nanoTime();
        s.execute("create or replace table generated as select 'c' || lpad(i::varchar, 12, '0') as k,"
            + " hash(i, 'user' || i || '@example.com', 'User ' || i, ['free', 'starter', 'pro', 'enterprise'][i % 4 + 1],"
            + " ['DE', 'FR', 'US', 'GB', 'JP', 'BR', 'IN', 'NL'][(i // 7) % 8 + 1],"
            + " ((i * 37) % 100000 / 100.0)::decimal(12,2), (i * 31) % 100, i % 3 <> 0,"
            + " timestamp '2020-01-01' + to_seconds(i * 61), '') as h from range(" + records + ") r(i)");
        try (ResultSet rs = s.executeQuery(String.format(join, "generated"))) {
          rs.next();
        }
        whole[round] = (System.nanoTime() - start) / 1e9;
      }
      return new double[] {median(joins), median(whole)};
    }
  }
}
