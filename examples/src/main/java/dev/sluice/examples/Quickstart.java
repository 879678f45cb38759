package dev.sluice.examples;

import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.state.FileStateStore;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.observe.ConsoleProgress;
import dev.sluice.source.DuckDb;
import dev.sluice.webhook.Webhook;
import dev.sluice.webhook.WebhookSecret;
import dev.sluice.webhook.WebhookVerifier;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The quickstart: a customers mart in an embedded DuckDB warehouse, synced over HTTP to a webhook
 * endpoint that the quickstart starts on loopback ({@link DemoReceiver}) and that verifies the
 * Standard Webhooks signature of every request. The first run sends everything, the second
 * nothing; then a few rows change in the warehouse and the third run sends only those. The sync's
 * state is kept in files beside the warehouse, so the next invocation sends nothing that was
 * already delivered.
 *
 * <p>Arguments: {@code [--warehouse PATH] [--change N] [--progress] [--help]}; defaults
 * {@code sluice-demo/warehouse.duckdb}, 3 changed rows, no progress lines (with
 * {@code --progress}, {@link ConsoleProgress} prints rate, counts and ETA on standard error).
 */
public final class Quickstart {

  static final int CUSTOMERS = 100_000;

  private Quickstart() {}

  static final String USAGE = String.join(System.lineSeparator(),
      "Usage: ./mvnw -q -pl examples -am compile exec:java [-Dexec.args=\"OPTIONS\"]",
      "",
      "Syncs a demo DuckDB warehouse of " + CUSTOMERS + " customers to a webhook receiver on loopback, three",
      "times: everything, then nothing, then only the rows changed in between.",
      "",
      "Options:",
      "  --warehouse PATH  the DuckDB file to use, created with the demo data when absent",
      "                    (default sluice-demo/warehouse.duckdb; the sync state goes beside it)",
      "  --change N        how many customers to change between runs 2 and 3, 0 to " + CUSTOMERS + " (default 3)",
      "  --progress        print rate, counts and ETA on standard error as each run goes",
      "  --help            print this text");

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("Run with --help to see the options.");
      System.exit(2);
      return;
    }
    if (options.help) {
      System.out.println(USAGE);
      return;
    }
    run(options.warehouse, options.change, options.progress, System.out);
  }

  /** The command line, checked: a mistake is an {@link IllegalArgumentException} that says what to fix. */
  static final class Options {
    Path warehouse = Path.of("sluice-demo", "warehouse.duckdb");
    int change = 3;
    boolean progress;
    boolean help;

    static Options parse(String... args) {
      Options options = new Options();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--help":
          case "-h":
            options.help = true;
            break;
          case "--progress":
            options.progress = true;
            break;
          case "--warehouse":
            options.warehouse = Path.of(value(args, i++));
            break;
          case "--change":
            options.change = count(arg, value(args, i++));
            break;
          default:
            throw new IllegalArgumentException("unknown option '" + arg
                + "'; the options are --warehouse PATH, --change N, --progress and --help");
        }
      }
      return options;
    }

    private static String value(String[] args, int i) {
      if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      return args[i + 1];
    }

    private static int count(String option, String text) {
      int n;
      try {
        n = Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("option " + option + " needs a whole number, such as 250; '" + text
            + "' is not one");
      }
      if (n < 0 || n > CUSTOMERS) {
        throw new IllegalArgumentException("option " + option + " takes 0 to " + CUSTOMERS + " (the customers in the"
            + " demo warehouse); " + n + " is out of range");
      }
      return n;
    }
  }

  static void run(Path file, int change, PrintStream out) throws Exception {
    run(file, change, false, out);
  }

  static void run(Path file, int change, boolean progress, PrintStream out) throws Exception {
    boolean created = !Files.exists(file);
    // The sync remembers what it delivered next to the warehouse, so a second invocation starts
    // where the first one stopped.
    Path state = file.resolveSibling("state");
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    // A real deployment reads the secret from its vault: WebhookSecret.parse(System.getenv("WEBHOOK_SECRET")).
    WebhookSecret secret = WebhookSecret.generate();
    try (DuckDb warehouse = DuckDb.open(file);
        DemoReceiver receiver = new DemoReceiver(WebhookVerifier.of(secret), out)) {
      if (created) {
        createDemoMart(warehouse);
        out.println("Created the demo warehouse " + file + " with " + CUSTOMERS + " customers.");
      } else {
        out.println("Using the demo warehouse " + file + ".");
      }
      out.println("Started a webhook receiver that verifies every signature: POST " + receiver.url());

      Mapping mapping = Mapping.builder()
          .copy("email")
          .rename("name", "full_name")
          .copy("plan")
          .convert("lifetime_value", "ltv", Convert.toDecimal(2))
          .rename("lead_score", "score")
          .copy("updated_at")
          .require("email")
          .build();
      Webhook webhook = Webhook.builder(receiver.url())
          // The demo receiver listens on a new port each time; it is the same receiver for the state.
          .identity("sluice-demo-receiver")
          .secret(secret)
          .recordsPerRequest(500)
          .build();
      Sync.Builder builder = Sync.from(warehouse.query("select * from customers where email is not null")
              .key("id")
              .orderByKey()
              .build())
          .map(mapping)
          .to(webhook)
          .named("customers-to-webhook")
          .mode(SyncMode.MIRROR)
          .state(FileStateStore.in(state));
      if (progress) {
        // Rate, counts and ETA on standard error: at once, then twice a second, so short runs show too.
        builder.listener(ConsoleProgress.to(System.err, Duration.ofMillis(500), Clock.systemUTC()));
      }
      Sync sync = builder.build();

      out.println();
      out.println(created ? "Run 1: the first sync sends every customer"
          : "Run 1: the state remembers the last invocation, so only what changed since then is sent");
      print(out, sync.run(), receiver);

      out.println();
      out.println("Run 2: nothing changed, nothing is sent");
      print(out, sync.run(), receiver);

      out.println();
      out.println("Changing " + change + " customers in the warehouse ...");
      warehouse.execute("update customers set lead_score = (lead_score + 1) % 100, updated_at = now()::timestamp"
          + " where id <= ?", change);
      out.println("Run 3: only the changed customers are sent");
      print(out, sync.run(), receiver);

      out.println();
      out.println("The receiver holds " + receiver.size() + " customers from this invocation"
          + (receiver.customer("1") == null ? "." : "; customer 1 is " + receiver.customer("1")));
      webhook.close();
    }
  }

  private static void createDemoMart(DuckDb warehouse) {
    warehouse.execute("create table customers as select"
        + " i as id,"
        + " 'customer' || i || '@example.com' as email,"
        + " 'Customer ' || i as name,"
        + " ['free', 'starter', 'pro', 'enterprise'][i % 4 + 1] as plan,"
        + " ((i * 1234) % 100000 / 100.0)::decimal(12,2) as lifetime_value,"
        + " ((i * 31) % 100)::integer as lead_score,"
        + " timestamp '2026-01-01 00:00:00' + to_seconds(i) as updated_at"
        + " from range(1, " + (CUSTOMERS + 1) + ") r(i)");
  }

  private static void print(PrintStream out, SyncReport report, DemoReceiver receiver) {
    receiver.printReceived();
    out.printf("  %s: read %d, added %d, updated %d, deleted %d, unchanged %d, delivered %d, failed %d%n",
        report.status(), report.read(), report.added(), report.updated(), report.deleted(), report.unchanged(),
        report.delivered(), report.failed());
  }
}
