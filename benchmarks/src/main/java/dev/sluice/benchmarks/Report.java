package dev.sluice.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Generates {@code BENCHMARKS.md} at the root of the repository and its charts in
 * {@code benchmarks/charts/}: runs benchmarks each in a JVM of its own (with the heap it is meant
 * for), stores what each measured ({@link Results}) in {@code benchmarks/results/}, draws the
 * charts with XChart and writes the page with the machine, the JDK and each run's date and load.
 *
 * <p>Arguments: {@code report [all | render | diff,pipeline,sql,ratelimit,hubspot] [quick]}: the
 * benchmarks to run (their results are stored in {@code benchmarks/results/}; the page shows every
 * stored result), {@code render} to run none; {@code quick} runs them at a small size, to try the
 * report.
 */
final class Report {

  /** A benchmark as the report runs it: its heap and arguments. */
  private static final class Spec {
    final String name;
    final String heap;
    final String[] args;
    final String how;

    Spec(String name, String heap, String how, String... args) {
      this.name = name;
      this.heap = heap;
      this.how = how;
      this.args = args;
    }

    /** The same benchmark at a small size, to try the report quickly. */
    Spec quick() {
      String[] small = args.clone();
      small[0] = name.equals("ratelimit") || name.equals("hubspot") ? "12" : "100000";
      return new Spec(name, heap, "a quick trial at a small size, not for comparison", small);
    }
  }

  private static final List<Spec> SPECS = List.of(
      new Spec("diff", "256m", "10M records, 3 rounds per case, `-Xmx256m`", "10000000", "3"),
      new Spec("pipeline", "2g", "1M records held in memory, 5 rounds per case after 2 warm-ups, `-Xmx2g`", "1000000",
          "5"),
      new Spec("sql", "2g", "2M rows, 5 rounds per case after a warm-up, `-Xmx2g`", "2000000", "5"),
      new Spec("ratelimit", "512m", "a short run: 30 s per phase (the benchmark's default is 60 s)", "30"),
      new Spec("hubspot", "512m", "a short run: 30 s (the benchmark's default is 70 s)", "30"));

  private Report() {}

  static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    List<String> only = args.length > 0 && !args[0].equals("all") ? List.of(args[0].split(",")) : null;
    boolean quick = args.length > 1 && args[1].equals("quick");
    boolean renderOnly = args.length > 0 && args[0].equals("render");
    Path root = repositoryRoot();
    Path charts = Files.createDirectories(root.resolve("benchmarks").resolve("charts"));
    Path stored = Files.createDirectories(root.resolve("benchmarks").resolve("results"));
    for (Spec full : SPECS) {
      if (renderOnly || only != null && !only.contains(full.name)) {
        continue;
      }
      Spec spec = quick ? full.quick() : full;
      Path out = stored.resolve(spec.name + ".json");
      System.out.printf("%n=== %s (%s) ===%n", spec.name, spec.how);
      Path fresh = Files.createTempFile("sluice-" + spec.name, ".json");
      int exit = fork(spec, fresh);
      if (exit != 0 || Files.size(fresh) == 0) {
        throw new IllegalStateException("benchmark " + spec.name + " failed (exit " + exit + "); see its output above");
      }
      ObjectNode node = (ObjectNode) new ObjectMapper().readTree(fresh.toFile());
      node.put("how", spec.how);
      node.put("commit", commit(root));
      node.put("date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
      new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.toFile(), node);
      Files.delete(fresh);
    }
    // The page shows every benchmark with stored results, each as last measured.
    List<JsonNode> results = new ArrayList<>();
    for (Spec spec : SPECS) {
      Path file = stored.resolve(spec.name + ".json");
      if (Files.exists(file)) {
        JsonNode node = new ObjectMapper().readTree(file.toFile());
        results.add(node);
        for (JsonNode chart : node.get("charts")) {
          draw(chart, charts);
        }
      }
    }
    Files.writeString(root.resolve("BENCHMARKS.md"), page(results), StandardCharsets.UTF_8);
    System.out.printf("%nwrote %s and %d charts in %s%n", root.resolve("BENCHMARKS.md"), countCharts(results), charts);
  }

  private static int fork(Spec spec, Path out) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + spec.heap, "-D" + Results.PROPERTY + "=" + out,
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Djava.awt.headless=true", "-cp",
        System.getProperty("java.class.path"), Benchmarks.class.getName(), spec.name));
    command.addAll(List.of(spec.args));
    Process process = new ProcessBuilder(command).inheritIO().start();
    if (!process.waitFor(2, TimeUnit.HOURS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("benchmarks"))) {
        return p;
      }
    }
    throw new IllegalStateException("run the report inside the Sluice repository (no pom.xml with benchmarks/ above "
        + dir + ")");
  }

  private static void draw(JsonNode chart, Path dir) throws IOException {
    String file = dir.resolve(chart.get("file").asText()).toString();
    if (chart.get("type").asText().equals("bars")) {
      CategoryChart c = new CategoryChartBuilder().width(1000).height(480).title(chart.get("title").asText())
          .yAxisTitle(chart.get("yTitle").asText()).build();
      c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
      c.getStyler().setXAxisLabelRotation(12);
      c.getStyler().setLabelsVisible(false);
      c.getStyler().setYAxisDecimalPattern("#,###.##");
      List<String> categories = strings(chart.get("categories"));
      for (Map.Entry<String, JsonNode> series : chart.get("series").properties()) {
        List<Double> values = new ArrayList<>();
        series.getValue().forEach(v -> values.add(v.asDouble()));
        c.addSeries(series.getKey(), categories, values);
      }
      BitmapEncoder.saveBitmap(c, file, BitmapEncoder.BitmapFormat.PNG);
    } else {
      XYChart c = new XYChartBuilder().width(1000).height(420).title(chart.get("title").asText())
          .xAxisTitle(chart.get("xTitle").asText()).yAxisTitle(chart.get("yTitle").asText()).build();
      c.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
      for (Map.Entry<String, JsonNode> series : chart.get("series").properties()) {
        int n = series.getValue().size();
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
          x[i] = series.getValue().get(i).get(0).asDouble();
          y[i] = series.getValue().get(i).get(1).asDouble();
        }
        XYSeries s = c.addSeries(series.getKey(), x, y);
        s.setMarker(SeriesMarkers.NONE);
      }
      BitmapEncoder.saveBitmap(c, file, BitmapEncoder.BitmapFormat.PNG);
    }
  }

  private static String page(List<JsonNode> results) {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    md.append("Generated by one command, from the repository root:\n\n");
    md.append("```\n./mvnw -q install -DskipTests && ./mvnw -q -pl benchmarks exec:exec -Dbench=report\n```\n\n");
    md.append("It runs each benchmark below in a JVM of its own, with the heap stated, stores what it measured in"
        + " [`benchmarks/results/`](benchmarks/results/), and rewrites this page and the charts in"
        + " [`benchmarks/charts/`](benchmarks/charts/). Some of them again: `-Dbench=\"report diff,sql\"` (the"
        + " others keep their stored results, each section says when it was measured); the page alone from the"
        + " stored results: `-Dbench=\"report render\"`; every benchmark at a small size, to try the report:"
        + " `-Dbench=\"report all quick\"`. One benchmark alone, printed only: `-Dbench=diff` (or `pipeline`,"
        + " `sql`, `ratelimit`, `hubspot`), with JVM options in `-Dbench.jvm=...`, such as `-Dbench.jvm=-Xmx256m`.\n\n");
    md.append("## Machine\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| CPU | ").append(cpu()).append(" |\n");
    md.append("| cores available to the JVM | ").append(Runtime.getRuntime().availableProcessors()).append(" |\n");
    md.append("| memory | ").append(memory()).append(" |\n");
    md.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
        .append(' ').append(System.getProperty("os.arch")).append(" |\n");
    md.append("| JDK | ").append(System.getProperty("java.vm.name")).append(' ')
        .append(System.getProperty("java.runtime.version")).append(" (").append(System.getProperty("java.vm.vendor"))
        .append(") |\n");
    md.append("\nThe machine is shared with other builds: each section gives the load average (1 min) before and after"
        + " its run. Compare figures measured in the same run, not across sections.\n\n");
    for (JsonNode r : results) {
      md.append("## ").append(r.get("title").asText()).append("\n\n");
      md.append("Measured ").append(r.get("date").asText())
          .append(r.hasNonNull("commit") ? " at commit `" + r.get("commit").asText() + "`" : "")
          .append(": ").append(r.get("how").asText())
          .append(String.format("; load average %.1f before, %.1f after.\n\n", r.get("loadBefore").asDouble(),
              r.get("loadAfter").asDouble()));
      for (JsonNode chart : r.get("charts")) {
        md.append("![").append(chart.get("title").asText()).append("](benchmarks/charts/")
            .append(chart.get("file").asText()).append(")\n\n");
      }
      List<String> columns = strings(r.get("columns"));
      md.append("| ").append(String.join(" | ", columns)).append(" |\n|");
      for (int c = 0; c < columns.size(); c++) {
        md.append(c == 0 ? "---|" : "---:|");
      }
      md.append('\n');
      for (JsonNode row : r.get("rows")) {
        md.append("| ").append(String.join(" | ", strings(row))).append(" |\n");
      }
      md.append('\n');
      for (JsonNode note : r.get("notes")) {
        md.append("- ").append(note.asText()).append('\n');
      }
      md.append('\n');
    }
    md.append("## How the figures are measured\n\n");
    md.append("- **Seconds** are wall-clock time of `Sync.run()` (or of the read), from the call to its report.\n");
    md.append("- **Medians**: each case runs several rounds; the diff benchmark interleaves its cases round by round,"
        + " so a machine that gets busier slows every case alike, and ratios compare medians of the same run.\n");
    md.append("- **Heap, diff benchmark**: *max heap used* is the largest total of the heap in use (all pools at one"
        + " moment, uncollected garbage included), sampled every 5 ms; it cannot exceed `-Xmx`. *Max live after GC* is"
        + " the largest heap in use right after a collection (from the collectors' notifications): what the run"
        + " really held. (Earlier versions summed each pool's own peak, taken at different moments, which could"
        + " exceed the heap limit.)\n");
    md.append("- **Peers**: DuckDB computes the same diff in SQL in the same JVM and run; SQL reads are compared with"
        + " plain JDBC `getObject` on the same tables; rate-limited APIs are compared with their ceiling (the"
        + " limit × records per request).\n");
    return md.toString();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  private static int countCharts(List<JsonNode> results) {
    int n = 0;
    for (JsonNode r : results) {
      n += r.get("charts").size();
    }
    return n;
  }

  /** The commit the work tree is at (with "+changes" when it has uncommitted ones), if git can tell. */
  private static String commit(Path root) {
    try {
      Process head = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "--short", "HEAD").start();
      String id = new String(head.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      Process status = new ProcessBuilder("git", "-C", root.toString(), "status", "--porcelain", "--", "core", "testkit",
          "connectors-hubspot", "benchmarks/src").start();
      boolean dirty = !new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8).isBlank();
      return head.waitFor() == 0 && !id.isEmpty() ? id + (dirty ? "+changes" : "") : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String cpu() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  private static String memory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("\\D", ""));
          return String.format("%.1f GiB", kib / 1024.0 / 1024.0);
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return "unknown";
  }
}
