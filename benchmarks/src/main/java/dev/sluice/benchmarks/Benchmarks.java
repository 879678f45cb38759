package dev.sluice.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * Entry point of the benchmark module: {@code Benchmarks <name>}. Run through Maven with the
 * command in the README, which starts a fresh JVM with fixed heap settings; {@code report} runs
 * them all and writes BENCHMARKS.md ({@link Report}).
 */
public final class Benchmarks {

  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    String name = args.length == 0 ? "pipeline" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    switch (name) {
      case "pipeline":
        PipelineBenchmark.main(rest);
        break;
      case "sql":
        SqlReadBenchmark.main(rest);
        break;
      case "diff":
        DiffBenchmark.main(rest);
        break;
      case "ratelimit":
        RateLimitBenchmark.main(rest);
        break;
      case "hubspot":
        HubSpotBenchmark.main(rest);
        break;
      case "zendesk":
        ZendeskBenchmark.main(rest);
        break;
      case "salesforce":
        SalesforceBenchmark.main(rest);
        break;
      case "warehouse":
        WarehouseBenchmark.main(rest);
        break;
      case "report":
        Report.main(rest);
        break;
      default:
        System.err.println("unknown benchmark '" + name + "'; known: pipeline, sql, diff, ratelimit, hubspot, zendesk,"
            + " salesforce, warehouse, report");
        System.exit(2);
    }
  }
}
