package dev.sluice.examples.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.observe.SyncListener;
import dev.sluice.scheduler.ChangeSignal;
import dev.sluice.scheduler.DbtCloudWebhook;
import dev.sluice.scheduler.RunRecord;
import dev.sluice.scheduler.SluiceScheduler;
import dev.sluice.scheduler.SyncAlerts;
import dev.sluice.scheduler.SyncOptions;
import dev.sluice.scheduler.SyncSchedule;
import dev.sluice.scheduler.TriggerHandle;
import dev.sluice.source.DuckDb;
import dev.sluice.state.JdbcStateStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A service that runs the quickstart's kind of sync with the scheduler: every 15 minutes, when the
 * warehouse's {@code customers} mart changes, after a dbt Cloud job, and on demand over HTTP. Run
 * as many copies as you like against one PostgreSQL: one run of the sync happens at a time.
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=dev.sluice.examples.service.ScheduledService \
 *     -Dexec.args="--jdbc-url jdbc:postgresql://localhost/sluice?user=sluice&amp;password=... --port 8080"
 * curl -X POST localhost:8080/syncs/customers-to-crm      # trigger
 * curl localhost:8080/syncs/customers-to-crm              # the last runs
 * </pre>
 *
 * <p>The warehouse is an in-memory DuckDB with a demo mart; the destination is an in-process stand-in
 * for a CRM. The scheduler's tables and the sync's state live in the PostgreSQL.
 */
public final class ScheduledService implements AutoCloseable {

  /** The sync's name. */
  public static final String SYNC = "customers-to-crm";
  /** The dbt Cloud job whose successful runs trigger the sync. */
  public static final String DBT_JOB = "123";

  /** How the service runs; tests shorten the intervals. */
  record Settings(SyncSchedule schedule, Duration watchInterval, Duration pollingInterval, String dbtSecret,
      int port) {
    static Settings defaults(String dbtSecret, int port) {
      return new Settings(SyncSchedule.every(Duration.ofMinutes(15)), Duration.ofSeconds(30),
          SluiceScheduler.DEFAULT_POLLING_INTERVAL, dbtSecret, port);
    }
  }

  private final DuckDb warehouse;
  private final InProcessCrm crm;
  private final SluiceScheduler scheduler;
  private final HttpServer http;

  private ScheduledService(DuckDb warehouse, InProcessCrm crm, SluiceScheduler scheduler, HttpServer http) {
    this.warehouse = warehouse;
    this.crm = crm;
    this.scheduler = scheduler;
    this.http = http;
  }

  /**
   * Runs the service until the process is stopped (Ctrl-C), then stops the scheduler with its
   * deadline.
   *
   * @param args {@code --jdbc-url <PostgreSQL JDBC URL>} (required), {@code --port <n>} (default
   *     8080), {@code --dbt-secret <token>} (default the {@code DBT_CLOUD_WEBHOOK_SECRET} variable)
   * @throws Exception if the service does not start
   */
  public static void main(String[] args) throws Exception {
    String url = null;
    int port = 8080;
    String secret = System.getenv("DBT_CLOUD_WEBHOOK_SECRET");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--jdbc-url" -> url = args[i + 1];
        case "--port" -> port = Integer.parseInt(args[i + 1]);
        case "--dbt-secret" -> secret = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; use --jdbc-url, --port and --dbt-secret");
      }
    }
    if (url == null) {
      throw new IllegalArgumentException("give the PostgreSQL that holds the scheduler's tables:"
          + " --jdbc-url jdbc:postgresql://host/db?user=...&password=...");
    }
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setURL(url);
    ScheduledService service = start(db, Settings.defaults(secret == null ? "change-me" : secret, port), System.out);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      stopped.countDown();
    }));
    stopped.await();
  }

  static ScheduledService start(DataSource db, Settings settings, PrintStream out) throws IOException {
    DuckDb warehouse = DuckDb.inMemory();
    warehouse.execute("create table customers as select i as id, 'customer' || i || '@example.com' as email,"
        + " 'Customer ' || i as name, ['free', 'starter', 'pro', 'enterprise'][i % 4 + 1] as plan,"
        + " ((i * 1234) % 100000 / 100.0)::decimal(12,2) as lifetime_value,"
        + " timestamp '2026-01-01 00:00:00' + to_seconds(i) as updated_at from range(1, 1001) r(i)");
    InProcessCrm crm = new InProcessCrm();

    Sync sync = Sync.from(warehouse.query("select * from customers").key("id").orderByKey().build())
        .map(Mapping.builder().copy("email", "plan").rename("name", "full_name")
            .convert("lifetime_value", "ltv", Convert.toDecimal(2)).copy("updated_at").build())
        .to(crm)
        .named(SYNC)
        .mode(SyncMode.MIRROR)
        // Shared by every copy of the service, like the scheduler's tables.
        .state(JdbcStateStore.builder(db).createTables(true).build())
        .listener(new SyncListener() {
          @Override
          public void onRunFinished(SyncReport report) {
            out.println("  " + report.summary());
          }
        })
        .build();

    SluiceScheduler scheduler = SluiceScheduler.builder(db)
        .sync(sync, SyncOptions.schedule(settings.schedule())
            .watch(ChangeSignal.sql(warehouse.dataSource(), "select max(updated_at), count(*) from customers"),
                settings.watchInterval())
            .staleAfter(Duration.ofHours(1)))
        .alerts(new SyncAlerts() {
          @Override
          public void onRunFailed(RunRecord run) {
            out.println("ALERT: " + run.report().summary());
          }

          @Override
          public void onStale(String syncName, Optional<Instant> lastSuccess, Duration maxAge) {
            out.println("ALERT: " + syncName + " has not succeeded for " + maxAge);
          }
        })
        .pollingInterval(settings.pollingInterval())
        .build();
    scheduler.start();

    DbtCloudWebhook dbt = DbtCloudWebhook.builder(scheduler, settings.dbtSecret()).job(DBT_JOB, SYNC).build();
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 0);
    // The dbt Cloud webhook, mounted in this service's own HTTP server: the raw body and one header.
    http.createContext("/hooks/dbt-cloud", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      DbtCloudWebhook.Response r = dbt.handle(exchange.getRequestHeaders().getFirst(DbtCloudWebhook.SIGNATURE_HEADER), body);
      answer(exchange, r.status(), r.message());
    });
    http.createContext("/syncs/" + SYNC, exchange -> {
      if ("POST".equals(exchange.getRequestMethod())) {
        TriggerHandle handle = scheduler.trigger(SYNC, SluiceScheduler.IfRunning.RERUN_AFTER);
        answer(exchange, 202, handle.outcome().name());
      } else {
        StringBuilder text = new StringBuilder();
        for (RunRecord run : scheduler.history(SYNC, 10)) {
          text.append(run.finishedAt()).append(' ').append(run.trigger()).append(' ').append(run.instance())
              .append(' ').append(run.report().summary()).append('\n');
        }
        answer(exchange, 200, text.toString());
      }
    });
    http.start();
    out.println("Scheduling " + SYNC + " (" + settings.schedule() + ", and when the mart changes) on "
        + scheduler.instanceName() + "; POST http://127.0.0.1:" + http.getAddress().getPort() + "/syncs/" + SYNC
        + " triggers it, dbt Cloud posts to /hooks/dbt-cloud");
    return new ScheduledService(warehouse, crm, scheduler, http);
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream body = exchange.getResponseBody()) {
      body.write(bytes);
    }
  }

  SluiceScheduler scheduler() {
    return scheduler;
  }

  InProcessCrm crm() {
    return crm;
  }

  int port() {
    return http.getAddress().getPort();
  }

  /** Changes {@code n} customers in the warehouse, as an upstream model run would. */
  void changeCustomers(int n) {
    warehouse.execute("update customers set plan = 'pro', updated_at = now()::timestamp where id <= ?", n);
  }

  /** Stops taking requests, lets a running sync finish (30 s at most, then cancels it), closes the warehouse. */
  @Override
  public void close() {
    http.stop(0);
    scheduler.stop(SluiceScheduler.DEFAULT_SHUTDOWN_DEADLINE);
    warehouse.close();
  }
}
