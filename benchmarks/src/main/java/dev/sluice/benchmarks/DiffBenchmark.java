package dev.sluice.benchmarks;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.source.DuckDb;
import dev.sluice.source.RecordStream;
import dev.sluice.source.Source;
import dev.sluice.state.FileStateStore;
import dev.sluice.testkit.DiscardingDestination;
import dev.sluice.testkit.SyntheticSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The differ at scale: ten-field records generated in-process (never held), against a file state
 * of the same size, in MIRROR mode, into a destination that confirms everything. Cases: the first
 * run into empty state (every record an ADD, confirmed, journaled and folded into the state), a
 * key-ordered source with 0% and 1% changed (the one-pass merge), and an unordered source with 1%
 * changed (mapped and hashed, sorted on disk, merged). The cases take turns round by round, so a
 * machine that gets busier slows them alike; each prints its median. In the same run DuckDB
 * computes the equivalent diff in SQL (a FULL OUTER JOIN of two key/hash tables of that size).
 * Run it with {@code -Xmx256m}: every case must fit, by the heap figures of {@link HeapSampler}.
 *
 * <p>Arguments: {@code [records=10000000] [rounds=3]}.
 */
final class DiffBenchmark {

  private static final String FIRST = "first run into empty state (all ADD)";
  private static final String ORDERED_0 = "ordered, 0% changed";
  private static final String ORDERED_1 = "ordered, 1% changed";
  private static final String UNORDERED_1 = "unordered (external sort), 1% changed";
  private static final String[] CASES = {FIRST, ORDERED_0, ORDERED_1, UNORDERED_1};

  private DiffBenchmark() {}

  static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Results results = new Results("diff", "Diff: 10 fields per record against a file state, -Xmx256m");
    Path work = Files.createTempDirectory("sluice-diff-bench");
    try {
      String header = String.format("diff benchmark: %,d records x 10 fields, %d rounds, %d cores, heap %,d MiB, load %.1f",
          records, rounds, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
          Results.load());
      System.out.println(header);
      results.note(header);
      System.out.printf("%-40s %6s %8s %14s %9s %9s%n", "case", "round", "seconds", "records/s", "used MiB",
          "live MiB");

      Map<String, double[]> seconds = new LinkedHashMap<>();
      Map<String, long[]> maxUsed = new LinkedHashMap<>();
      Map<String, long[]> maxLive = new LinkedHashMap<>();
      for (String c : CASES) {
        seconds.put(c, new double[rounds]);
        maxUsed.put(c, new long[rounds]);
        maxLive.put(c, new long[rounds]);
      }
      Path spill = Files.createDirectories(work.resolve("spill"));
      FileStateStore state = FileStateStore.in(work.resolve("state")).withoutFsync();
      run(FIRST, -1, SyntheticSource.of(records), state, spill, null, null, null); // the state the re-runs diff against
      int revision = 0;
      for (int round = 0; round < rounds; round++) {
        Path fresh = work.resolve("first-" + round);
        run(FIRST, round, SyntheticSource.of(records), FileStateStore.in(fresh).withoutFsync(), spill, seconds,
            maxUsed, maxLive);
        delete(fresh);
        run(ORDERED_0, round, SyntheticSource.of(records).withRevision(revision, 100), state, spill, seconds, maxUsed,
            maxLive);
        // each changed case changes every 100th record once more: 1% updates every time
        run(ORDERED_1, round, SyntheticSource.of(records).withRevision(++revision, 100), state, spill, seconds, maxUsed,
            maxLive);
        run(UNORDERED_1, round, shuffled(SyntheticSource.of(records).withRevision(++revision, 100), records), state,
            spill, seconds, maxUsed, maxLive);
      }

      double[] duckDb = duckDb(records, rounds);
      double ordered1 = Results.median(seconds.get(ORDERED_1));
      results.columns("case", "median s", "records/s", "max heap used MiB", "max live after GC MiB", "rounds (s)");
      System.out.println();
      System.out.printf("%-40s %8s %14s %9s %9s%n", "medians", "seconds", "records/s", "used MiB", "live MiB");
      List<String> categories = new ArrayList<>();
      List<Double> rates = new ArrayList<>();
      for (String c : CASES) {
        double median = Results.median(seconds.get(c));
        long used = max(maxUsed.get(c));
        long live = max(maxLive.get(c));
        System.out.printf("%-40s %8.2f %,14.0f %9d %9d%n", c, median, records / median, used, live);
        results.row(c, String.format("%.2f", median), String.format("%,.0f", records / median), used, live,
            join(seconds.get(c)));
        categories.add(c.replace(" (external sort)", "").replace(" into empty state (all ADD)", ""));
        rates.add(records / median);
      }
      String duckJoin = "DuckDB: FULL OUTER JOIN of ready key/hash tables";
      String duckWhole = "DuckDB: generate + hash 10 fields, then join";
      System.out.printf("%-40s %8.2f %,14.0f%n", duckJoin, duckDb[0], records / duckDb[0]);
      System.out.printf("%-40s %8.2f %,14.0f%n", duckWhole, duckDb[1], records / duckDb[1]);
      results.row(duckJoin, String.format("%.2f", duckDb[0]), String.format("%,.0f", records / duckDb[0]), "", "", "");
      results.row(duckWhole, String.format("%.2f", duckDb[1]), String.format("%,.0f", records / duckDb[1]), "", "", "");
      String ratios = String.format("ratios of medians: unordered 1%% / ordered 1%% = %.2f; first run / ordered 1%% = %.2f;"
              + " ordered 0%% / DuckDB generate+hash+join = %.2f; ordered 1%% / DuckDB generate+hash+join = %.2f;"
              + " ordered 0%% / DuckDB join alone = %.2f",
          Results.median(seconds.get(UNORDERED_1)) / ordered1, Results.median(seconds.get(FIRST)) / ordered1,
          Results.median(seconds.get(ORDERED_0)) / duckDb[1], ordered1 / duckDb[1],
          Results.median(seconds.get(ORDERED_0)) / duckDb[0]);
      System.out.println(ratios);
      results.note(ratios);
      results.note(String.format("load average at the end: %.1f", Results.load()));

      Map<String, List<Double>> rateSeries = new LinkedHashMap<>();
      rateSeries.put("records/s", rates);
      results.bars("diff-records-per-second.png", "Diff, " + String.format("%,d", records) + " records: records/s (median)",
          "records/s", categories, rateSeries);
      List<String> versus = List.of("ordered, 0% changed", "ordered, 1% changed", "unordered, 1% changed");
      Map<String, List<Double>> secondsSeries = new LinkedHashMap<>();
      secondsSeries.put("Sluice (whole run)", List.of(Results.median(seconds.get(ORDERED_0)), ordered1,
          Results.median(seconds.get(UNORDERED_1))));
      secondsSeries.put("DuckDB generate + hash + join", List.of(duckDb[1], duckDb[1], duckDb[1]));
      secondsSeries.put("DuckDB join alone", List.of(duckDb[0], duckDb[0], duckDb[0]));
      results.bars("diff-vs-duckdb.png", "Diff against DuckDB doing the same in SQL (seconds, lower is better)", "seconds",
          versus, secondsSeries);
      results.write();
    } finally {
      delete(work);
    }
  }

  private static void run(String name, int round, Source source, FileStateStore state, Path spill,
      Map<String, double[]> seconds, Map<String, long[]> maxUsed, Map<String, long[]> maxLive) throws Exception {
    DiscardingDestination destination = new DiscardingDestination(500);
    Sync sync = Sync.from(source).to(destination).named("bench").state(state).mode(SyncMode.MIRROR)
        .spillDirectory(spill).build();
    System.gc(); // each case starts from the same clean heap
    SyncReport report;
    double elapsed;
    HeapSampler heap = new HeapSampler();
    try {
      long start = System.nanoTime();
      report = sync.run();
      elapsed = (System.nanoTime() - start) / 1e9;
    } finally {
      heap.close();
    }
    if (report.status() != SyncReport.Status.SUCCEEDED) {
      throw new IllegalStateException(report.summary());
    }
    System.out.printf("%-40s %6s %8.2f %,14.0f %9d %9d   (%d changes sent)%n", name, round < 0 ? "setup" : round + 1,
        elapsed, report.read() / elapsed, heap.maxUsedMiB(), heap.maxAfterGcMiB(), report.delivered());
    if (round >= 0) {
      seconds.get(name)[round] = elapsed;
      maxUsed.get(name)[round] = heap.maxUsedMiB();
      maxLive.get(name)[round] = heap.maxAfterGcMiB();
    }
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

  private static long max(long[] values) {
    long m = 0;
    for (long v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  private static String join(double[] values) {
    StringBuilder sb = new StringBuilder();
    for (double v : values) {
      sb.append(sb.length() == 0 ? "" : ", ").append(String.format("%.2f", v));
    }
    return sb.toString();
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /**
   * DuckDB doing the same diff in SQL, two ways, median seconds of each: {@code [0]} the FULL
   * OUTER JOIN of two ready key/hash tables of {@code records} rows (1% changed); {@code [1]} the
   * whole job as a Sluice run does it — generate the same ten fields for the current rows, hash
   * them, and join with the stored previous key/hash table.
   */
  private static double[] duckDb(int records, int rounds) throws Exception {
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
      double[] joins = new double[rounds];
      double[] whole = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        long start = System.nanoTime();
        try (ResultSet rs = s.executeQuery(String.format(join, "current"))) {
          rs.next();
        }
        joins[round] = (System.nanoTime() - start) / 1e9;
      }
      for (int round = 0; round < rounds; round++) {
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
      return new double[] {Results.median(joins), Results.median(whole)};
    }
  }
}
