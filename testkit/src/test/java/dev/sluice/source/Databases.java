package dev.sluice.source;

import dev.sluice.testkit.TestPostgres;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** Real databases for tests: one embedded PostgreSQL per test JVM (the testkit's TestPostgres), fresh H2 databases. */
public final class Databases {

  private Databases() {}

  /** The JDBC URL of the shared PostgreSQL server, for a child JVM. */
  public static String postgresUrl() {
    return TestPostgres.sharedDatabaseUrl();
  }

  /** The shared embedded PostgreSQL 17 server's postgres database, started on first use. */
  public static DataSource postgres() {
    return TestPostgres.sharedDatabase();
  }

  /** A new, empty in-memory H2 database. */
  public static DataSource h2() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return ds;
  }

  public static void execute(DataSource ds, String... statements) {
    TestPostgres.execute(ds, statements);
  }
}
