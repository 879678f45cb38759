package dev.sluice.source;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** Real databases for tests: one embedded PostgreSQL per test JVM, fresh H2 databases. */
public final class Databases {

  private static EmbeddedPostgres postgres;

  /** The JDBC URL of the shared PostgreSQL server, for a child JVM. */
  public static String postgresUrl() {
    postgres();
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  private Databases() {}

  /** The shared embedded PostgreSQL 14 server, started on first use. */
  public static synchronized DataSource postgres() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          postgres.close();
        } catch (IOException e) {
          // The JVM is exiting; the server's files are temporary.
        }
      }));
    }
    return postgres.getPostgresDatabase();
  }

  /** A new, empty in-memory H2 database. */
  public static DataSource h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return ds;
  }

  public static void execute(DataSource ds, String... statements) {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
