package dev.sluice.source;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.state.JdbcStateStore;
import dev.sluice.testkit.RecordingDestination;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.slf4j.LoggerFactory;

/**
 * Syncs an H2 table with its state in H2, in a JVM of its own (started by
 * {@link JooqBannerTest}) so that jOOQ starts fresh; prints what jOOQ logged at INFO and above.
 * With the argument {@code jooq-says-hello} it first sets {@code org.jooq.no-logo} and
 * {@code org.jooq.no-tips} to false, as an application that wants jOOQ's messages would.
 */
public final class JooqBannerProbe {

  private JooqBannerProbe() {}

  public static void main(String[] args) throws SQLException {
    if (args.length > 0 && args[0].equals("jooq-says-hello")) {
      System.setProperty("org.jooq.no-logo", "false");
      System.setProperty("org.jooq.no-tips", "false");
    }
    Logger jooq = (Logger) LoggerFactory.getLogger("org.jooq");
    jooq.setLevel(Level.INFO);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    jooq.addAppender(logged);
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:banner;DB_CLOSE_DELAY=-1");
    try (Connection connection = h2.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("create table \"customers\" (\"id\" int primary key, \"name\" varchar(20))");
      statement.execute("insert into \"customers\" values (1, 'Ada'), (2, 'Grace')");
    }
    SyncReport report = Sync.from(SqlSource.table(h2, "customers").key("id").orderByKey().build())
        .to(RecordingDestination.create())
        .named("jooq-banner")
        .state(JdbcStateStore.builder(h2).createTables(true).build())
        .build()
        .run();
    System.out.println(report.summary());
    logged.list.forEach(e -> System.out.println("jOOQ logged: " + e.getFormattedMessage()));
    System.exit(report.status() == SyncReport.Status.SUCCEEDED ? 0 : 1);
  }
}
