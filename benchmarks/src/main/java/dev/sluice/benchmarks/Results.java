package dev.sluice.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one benchmark measured, for {@link Report}: a table, notes, and the data of its charts.
 * Written as JSON to the file named by the system property {@value #PROPERTY} when it is set
 * (the report runs each benchmark in a JVM of its own); benchmarks print their figures anyway.
 */
final class Results {

  static final String PROPERTY = "sluice.bench.results";

  private final Map<String, Object> data = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  private final List<List<String>> rows = new ArrayList<>();
  private final List<Map<String, Object>> charts = new ArrayList<>();

  Results(String name, String title) {
    data.put("name", name);
    data.put("title", title);
    data.put("notes", notes);
    data.put("rows", rows);
    data.put("charts", charts);
    data.put("loadBefore", load());
  }

  static double load() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  void columns(String... names) {
    data.put("columns", Arrays.asList(names));
  }

  void row(Object... cells) {
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(String.valueOf(cell));
    }
    rows.add(row);
  }

  void note(String text) {
    notes.add(text);
  }

  /** A bar chart: one bar per category and series. */
  void bars(String file, String title, String yTitle, List<String> categories, Map<String, List<Double>> series) {
    Map<String, Object> chart = new LinkedHashMap<>();
    chart.put("type", "bars");
    chart.put("file", file);
    chart.put("title", title);
    chart.put("yTitle", yTitle);
    chart.put("categories", categories);
    chart.put("series", series);
    charts.add(chart);
  }

  /** A line chart: each series a list of [x, y] points. */
  void lines(String file, String title, String xTitle, String yTitle, Map<String, List<double[]>> series) {
    Map<String, Object> chart = new LinkedHashMap<>();
    chart.put("type", "lines");
    chart.put("file", file);
    chart.put("title", title);
    chart.put("xTitle", xTitle);
    chart.put("yTitle", yTitle);
    chart.put("series", series);
    charts.add(chart);
  }

  /** Writes the results where {@value #PROPERTY} says, if it says. */
  void write() throws IOException {
    String target = System.getProperty(PROPERTY);
    if (target == null) {
      return;
    }
    data.put("loadAfter", load());
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(Path.of(target).toFile(), data);
  }

  /**
   * Points (seconds since the first event, events per second over the preceding {@code window})
   * every half second: the rate as a rolling-window limit counts it.
   */
  static List<double[]> rollingRate(List<Long> eventNanos, long windowNanos, double perEvent) {
    List<double[]> points = new ArrayList<>();
    if (eventNanos.isEmpty()) {
      return points;
    }
    long first = eventNanos.get(0);
    long last = eventNanos.get(eventNanos.size() - 1);
    int lo = 0;
    int hi = 0;
    for (long t = first; t <= last + windowNanos / 2; t += 500_000_000L) {
      while (hi < eventNanos.size() && eventNanos.get(hi) <= t) {
        hi++;
      }
      while (lo < hi && eventNanos.get(lo) <= t - windowNanos) {
        lo++;
      }
      double seconds = Math.min(t - first, windowNanos) / 1e9;
      points.add(new double[] {(t - first) / 1e9, seconds == 0 ? 0 : (hi - lo) * perEvent / seconds});
    }
    return points;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
