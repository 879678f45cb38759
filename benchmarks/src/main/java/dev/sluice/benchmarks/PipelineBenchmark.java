package dev.sluice.benchmarks;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.source.RecordStream;
import dev.sluice.source.Source;
import dev.sluice.testkit.DiscardingDestination;
import dev.sluice.testkit.SyntheticSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records per second through the whole engine: an in-memory source of ten-field records, a
 * mapping of every field (with one decimal conversion), the hashing differ against in-memory
 * state, batching, and a destination that confirms everything and keeps nothing.
 *
 * <p>Cases: a first run into empty state (every record an ADD, the state then committed), a
 * re-run with nothing changed, and a re-run with 1% changed; each with the source declared
 * ordered (merge path) and not (lookup path). Each case runs {@code rounds} times after a warm-up;
 * the median is printed, since a shared 2-core machine is noisy.
 *
 * <p>Arguments: {@code [records=1000000] [rounds=5]}.
 */
final class PipelineBenchmark {

  private PipelineBenchmark() {}

  static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf("pipeline benchmark: %,d records, %d rounds per case, %d cores, heap %,d MiB, Java %s%n",
        records, rounds, Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));

    List<Record> base = materialise(SyntheticSource.of(records));
    List<Record> onePercent = materialise(SyntheticSource.of(records).withRevision(1, 100));
    Mapping mapping = Mapping.builder()
        .copy("id", "email", "name", "plan", "country")
        .convert("lifetime_value", "ltv", Convert.toDecimal(2))
        .rename("lead_score", "score")
        .copy("active", "signed_up_at", "note")
        .require("email")
        .build();

    System.out.printf("%-34s %14s %14s%n", "case", "median rec/s", "best rec/s");
    Results results = new Results("pipeline", "Pipeline: mapping, diff and delivery against in-memory state");
    results.note(String.format("%,d records of 10 fields held in memory, a mapping of every field (one decimal conversion),"
        + " the hashing differ against `InMemoryStateStore`, batches of 500 to a destination that confirms everything;"
        + " UPSERT mode, concurrency 4. %d rounds per case after 2 warm-ups.", records, rounds));
    results.columns("case", "median records/s", "best records/s");
    List<String> categories = List.of("first run, all ADD", "re-run, 0% changed", "re-run, 1% changed");
    java.util.Map<String, List<Double>> series = new java.util.LinkedHashMap<>();
    for (boolean ordered : new boolean[] {true, false}) {
      String order = ordered ? "ordered" : "unordered";
      // Warm-up: JIT the whole path before measuring.
      for (int i = 0; i < 2; i++) {
        measure(base, base, mapping, ordered);
      }
      double[] first = new double[rounds];
      double[] unchanged = new double[rounds];
      double[] changed = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        double[] result = measure(base, onePercent, mapping, ordered);
        first[r] = result[0];
        unchanged[r] = result[1];
        changed[r] = result[2];
      }
      series.put(ordered ? "ordered source (merge)" : "unordered source (lookups)", List.of(
          print(results, "first run, all ADD, " + order, first),
          print(results, "re-run, 0% changed, " + order, unchanged),
          print(results, "re-run, 1% changed, " + order, changed)));
    }
    results.bars("pipeline-records-per-second.png", "Pipeline: records/s (median)", "records/s", categories, series);
    results.write();
  }

  /** One round: first run, unchanged re-run, 1%-changed re-run; returns records/s of each. */
  private static double[] measure(List<Record> base, List<Record> changed, Mapping mapping, boolean ordered) {
    InMemoryStateStore state = new InMemoryStateStore();
    DiscardingDestination destination = new DiscardingDestination(500);
    double first = run(source(base, ordered), mapping, destination, state, base.size());
    double same = run(source(base, ordered), mapping, destination, state, base.size());
    double onePercent = run(source(changed, ordered), mapping, destination, state, base.size());
    return new double[] {first, same, onePercent};
  }

  private static double run(Source source, Mapping mapping, DiscardingDestination destination,
      InMemoryStateStore state, int records) {
    Sync sync = Sync.from(source).map(mapping).to(destination).named("bench").state(state)
        .mode(SyncMode.UPSERT).concurrency(4).build();
    long start = System.nanoTime();
    SyncReport report = sync.run();
    long nanos = System.nanoTime() - start;
    if (report.status() != SyncReport.Status.SUCCEEDED || report.read() != records) {
      throw new IllegalStateException("benchmark run did not succeed: " + report.summary());
    }
    return records / (nanos / 1e9);
  }

  private static Source source(List<Record> records, boolean ordered) {
    return new Source() {
      @Override
      public RecordStream open() {
        return RecordStream.of(records.iterator());
      }

      @Override
      public boolean orderedByKey() {
        return ordered;
      }
    };
  }

  private static List<Record> materialise(Source source) {
    List<Record> list = new ArrayList<>();
    try (RecordStream stream = source.open()) {
      stream.forEachRemaining(list::add);
    }
    return list;
  }

  private static double print(Results results, String name, double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double median = sorted[sorted.length / 2];
    System.out.printf("%-34s %,14.0f %,14.0f%n", name, median, sorted[sorted.length - 1]);
    results.row(name, String.format("%,.0f", median), String.format("%,.0f", sorted[sorted.length - 1]));
    return median;
  }
}
