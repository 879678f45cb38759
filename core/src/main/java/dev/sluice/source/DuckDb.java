package dev.sluice.source;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Objects;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.duckdb.DuckDBConnection;
import org.jooq.SQLDialect;

/**
 * An embedded DuckDB warehouse: the zero-setup default for syncing from files and local tables.
 * Needs {@code org.duckdb:duckdb_jdbc} on the classpath.
 *
 * <pre>{@code
 * try (DuckDb warehouse = DuckDb.open(Path.of("warehouse.duckdb"))) {
 *   Source customers = warehouse.query("select * from read_parquet('customers/*.parquet')")
 *       .key("id").orderByKey().build();
 *   ...
 * }
 * }</pre>
 *
 * <p>One {@code DuckDb} holds the database open for the life of the object; every connection it
 * hands out shares that database, so several syncs may read it at once. Queries can read Parquet,
 * CSV and JSON files directly ({@code read_parquet}, {@code read_csv}, {@code read_json}).
 * Thread-safe. Close it when done.
 */
public final class DuckDb implements AutoCloseable {

  private final DuckDBConnection root;
  private final Path file;
  private final DataSource dataSource = new SharedDataSource();

  private DuckDb(DuckDBConnection root, Path file) {
    this.root = root;
    this.file = file;
  }

  /**
   * Opens (and creates, if absent) the database in {@code file}.
   *
   * @param file the database file
   * @return the open database; close it when done
   */
  public static DuckDb open(Path file) {
    Objects.requireNonNull(file, "file");
    return connect("jdbc:duckdb:" + file.toAbsolutePath(), file);
  }

  /** {@return a new, empty database in memory, gone when closed} */
  public static DuckDb inMemory() {
    return connect("jdbc:duckdb:", null);
  }

  private static DuckDb connect(String url, Path file) {
    try {
      Class.forName("org.duckdb.DuckDBDriver");
    } catch (ClassNotFoundException | LinkageError e) {
      throw new SourceException("the DuckDB JDBC driver is not on the classpath; add the dependency"
          + " org.duckdb:duckdb_jdbc", e);
    }
    try {
      return new DuckDb((DuckDBConnection) DriverManager.getConnection(url), file);
    } catch (SQLException e) {
      throw new SourceException("cannot open DuckDB " + (file == null ? "in memory" : "at " + file) + ": "
          + e.getMessage(), e);
    }
  }

  /** {@return the database file, or null for an in-memory database} */
  public Path file() {
    return file;
  }

  /** {@return connections to this database; each must be closed by its user} */
  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Runs a statement (DDL, an insert, an {@code ATTACH}), with {@code ?} bind values.
   *
   * @param sql the SQL, with {@code ?} where bind values go
   * @param binds the bind values, in order
   */
  public void execute(String sql, Object... binds) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < binds.length; i++) {
        statement.setObject(i + 1, binds[i]);
      }
      statement.execute();
    } catch (SQLException e) {
      throw new SourceException("DuckDB statement failed: " + e.getMessage() + "; statement: " + sql, e);
    }
  }

  /**
   * Starts a {@link SqlSource} over a query on this database.
   *
   * @param sql the SQL, with {@code ?} where bind values go
   * @param binds the bind values, in order
   * @return this builder
   */
  public SqlSource.Builder query(String sql, Object... binds) {
    return SqlSource.query(dataSource, sql, binds).dialect(SQLDialect.DUCKDB);
  }

  /**
   * Starts a {@link SqlSource} over a table ({@code table} or {@code schema.table}).
   *
   * @param qualifiedName {@code table} or {@code schema.table}
   * @return this builder
   */
  public SqlSource.Builder table(String qualifiedName) {
    return SqlSource.table(dataSource, qualifiedName).dialect(SQLDialect.DUCKDB);
  }

  /** Closes the database; connections handed out before stop working. */
  @Override
  public void close() {
    try {
      root.close();
    } catch (SQLException e) {
      throw new SourceException("closing DuckDB failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "DuckDb{" + (file == null ? "in memory" : file) + '}';
  }

  /** Hands out connections that share the one open database. */
  private final class SharedDataSource implements DataSource {
    @Override
    public Connection getConnection() throws SQLException {
      return root.duplicate();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException("no java.util.logging here");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      if (type.isInstance(this)) {
        return type.cast(this);
      }
      throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return type.isInstance(this);
    }
  }
}
