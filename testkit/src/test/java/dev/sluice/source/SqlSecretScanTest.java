package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.testkit.RecordingDestination;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Databases quote bind values back in their errors: none reaches a report, a cause or a log line. */
class SqlSecretScanTest {

  private static final String SECRET = "s3cr3t-bind-4f9a8b";

  @Test
  void postgresErrorsDoNotShowBindValues() {
    DataSource pg = Databases.postgres();
    Databases.execute(pg, "create table if not exists scan_accounts (id int primary key, name text)");
    scan(SqlSource.query(pg, "select * from scan_accounts where id = ?::int", SECRET).key("id").build(),
        SqlWatermark.of(pg, "select max(id) from scan_accounts where id = ?::int", SECRET));
  }

  @Test
  void duckDbErrorsDoNotShowBindValues() {
    try (DuckDb duck = DuckDb.inMemory()) {
      Databases.execute(duck.dataSource(), "create table accounts (id integer, name varchar)",
          "insert into accounts values (1, 'a')");
      scan(SqlSource.query(duck.dataSource(), "select * from accounts where id = cast(? as integer)", SECRET)
              .key("id").build(),
          SqlWatermark.of(duck.dataSource(), "select max(id) from accounts where id = cast(? as integer)", SECRET));
    }
  }

  @Test
  void warehouseEngineErrorsDoNotShowBindValues() {
    DataSource pg = Databases.postgres();
    Databases.execute(pg, "create table if not exists scan_accounts (id int primary key, name text)");
    dev.sluice.warehouse.Warehouse warehouse = dev.sluice.warehouse.Warehouse.builder(pg).schema("sluice_scan")
        .createTables(true).build();
    Source source = warehouse.query("select * from scan_accounts where id = ?::int", SECRET).key("id").build();
    scan(Sync.from(source).to(RecordingDestination.create()).named("scan-warehouse").state(warehouse)
        .differ(warehouse.differ()).build(), null);
  }

  private static void scan(Source source, SqlWatermark watermark) {
    scan(Sync.from(source).to(RecordingDestination.create()).build(), watermark);
  }

  /** Runs {@code sync} (and checks {@code watermark}, null: none) and scans what came out for the secret. */
  private static void scan(Sync sync, SqlWatermark watermark) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
    List<String> seen = new ArrayList<>();
    try {
      SyncReport report = sync.run();
      assertThat(report.status()).isEqualTo(SyncReport.Status.FAILED);
      assertThat(report.failure()).get().asString().contains("***");
      seen.add(report.toString());
      report.failure().ifPresent(seen::add);
      report.failureCause().ifPresent(cause -> seen.add(stackTrace(cause)));
      try {
        if (watermark != null) {
          watermark.changed();
        }
      } catch (RuntimeException e) {
        seen.add(stackTrace(e));
      }
    } finally {
      root.detachAppender(captured);
      root.setLevel(before);
    }
    for (ILoggingEvent event : captured.list) {
      if (event.getLoggerName().startsWith("io.zonky")) {
        continue; // the embedded PostgreSQL server's own log, as a database server writes it
      }
      seen.add(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        seen.add(t.getMessage());
      }
    }
    assertThat(seen.stream().filter(s -> s != null && s.contains(SECRET)).toList()).isEmpty();
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
