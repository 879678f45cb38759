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

/**
 * The quickstart: a customers mart in an embedded DuckDB warehouse, synced over HTTP to a webhook
 * endpoint that the quickstart starts on loopback ({@link DemoReceiver}) and that verifies the
 * Standard Webhooks signature of every request. The first run sends everything, the second
 * nothing; then a few rows change in the warehouse and the third run sends only those. The sync's
 * state is kept in files beside the warehouse, so the next invocation sends nothing that was
 * already delivered.
 *
 * <p>Arguments: {@code [--warehouse PATH] [--change N] [--progress]}; defaults
 * {@code sluice-demo/warehouse.duckdb}, 3 changed rows, no progress lines (with
 * {@code --progress}, {@link ConsoleProgress} prints rate, counts and ETA on standard error).
 */
public final class Quickstart {

  static final int CUSTOMERS = 100_000;

  private Quickstart() {}

  public static void main(String[] args) throws Exception {
    Path warehouse = Path.of("sluice-demo", "warehouse.duckdb");
    int change = 3;
    boolean progress = false;
    for (int i = 0; i < args.length; i += 2) {
      if (args[i].equals("--progress")) {
        progress = true;
        i--;
      } else if (i + 1 >= args.length) {
        System.err.println("option " + args[i] + " needs a value");
        System.exit(2);
      } else if (args[i].equals("--warehouse")) {
        warehouse = Path.of(args[i + 1]);
      } else if (args[i].equals("--change")) {
        change = Integer.parseInt(args[i + 1]);
      } else {
        System.err.println("unknown option " + args[i] + "; use --warehouse PATH, --change N or --progress");
        System.exit(2);
      }
    }
    run(warehouse, change, progress, System.out);
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
        builder.listener(ConsoleProgress.toStderr()); // rate, counts and ETA on standard error
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
