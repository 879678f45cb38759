package dev.sluice.scheduler;

import dev.sluice.source.SourceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A cheap value that moves when a sync's source data changes, such as
 * {@code select max(updated_at), count(*) from mart.customers}. A watcher polls it (see
 * {@link SyncOptions#watch(ChangeSignal, java.time.Duration)}) and triggers the sync when it differs
 * from the value of the last run that succeeded.
 *
 * <p>Warehouses have signals of their own that cost less than a scan:
 * <ul>
 *   <li>Snowflake: {@code select SYSTEM$LAST_CHANGE_COMMIT_TIME('ANALYTICS.MART.CUSTOMERS')}
 *       (a number that grows with each commit that changed the table);</li>
 *   <li>BigQuery: {@code select last_modified_time from mart.__TABLES__ where table_id = 'customers'}
 *       (milliseconds since the epoch of the table's last change).</li>
 * </ul>
 * Both are read through the warehouse's JDBC driver with {@link #sql(DataSource, String, Object...)};
 * neither was tested here (no such warehouse is reachable from the build).
 *
 * <p>Implementations must be thread-safe; {@link #read()} is called from the scheduler's threads.
 */
@FunctionalInterface
public interface ChangeSignal {

  /**
   * Reads the current value; empty when there is none yet (an empty table). Values are compared as
   * text, so they must be stable: the same data gives the same text.
   *
   * @return the current value; empty when there is none yet
   * @throws RuntimeException if the value cannot be read; the watcher logs it and polls again at
   *     its next interval, triggering nothing
   */
  Optional<String> read();

  /** How long a signal query of {@link #sql(DataSource, String, Object...)} may take. */
  java.time.Duration DEFAULT_QUERY_TIMEOUT = java.time.Duration.ofSeconds(60);

  /**
   * A signal read by one SQL query with {@code ?} bind values. The query returns one row (or none,
   * read as no value); its columns are joined with {@code |}, so
   * {@code select max(updated_at), count(*) from t} moves on updates and on deletes alike. A query
   * that takes longer than {@link #DEFAULT_QUERY_TIMEOUT} is cancelled and counts as a failed read
   * (the watcher polls again at its next interval), so a lock or a slow warehouse cannot hold the
   * scheduler's thread.
   *
   * @param dataSource the database of the scheduler's tables
   * @param sql the query
   * @param binds its bind values
   * @return the signal
   */
  static ChangeSignal sql(DataSource dataSource, String sql, Object... binds) {
    return sql(dataSource, DEFAULT_QUERY_TIMEOUT, sql, binds);
  }

  /**
   * As {@link #sql(DataSource, String, Object...)}, with the longest a read may take.
   *
   * @param dataSource the database of the scheduler's tables
   * @param timeout the longest a read may take, whole seconds (JDBC's query timeout); at least 1 s
   * @param sql the query
   * @param binds its bind values
   * @return the signal
   */
  static ChangeSignal sql(DataSource dataSource, java.time.Duration timeout, String sql, Object... binds) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(sql, "sql");
    if (timeout.getSeconds() < 1) {
      throw new IllegalArgumentException("timeout must be at least 1 second (JDBC counts whole seconds), was " + timeout);
    }
    int seconds = (int) Math.min(Integer.MAX_VALUE, timeout.getSeconds());
    List<Object> values = Arrays.asList(binds.clone());
    return new ChangeSignal() {
      @Override
      public Optional<String> read() {
        try (Connection connection = dataSource.getConnection();
            PreparedStatement statement = connection.prepareStatement(sql)) {
          try {
            statement.setQueryTimeout(seconds);
          } catch (java.sql.SQLFeatureNotSupportedException e) {
            // A driver without query timeouts: the read is as long as the database makes it.
          }
          for (int i = 0; i < values.size(); i++) {
            statement.setObject(i + 1, values.get(i));
          }
          try (ResultSet rs = statement.executeQuery()) {
            if (!rs.next()) {
              return Optional.empty();
            }
            ResultSetMetaData meta = rs.getMetaData();
            StringBuilder text = new StringBuilder();
            boolean any = false;
            for (int c = 1; c <= meta.getColumnCount(); c++) {
              String v = rs.getString(c);
              any |= v != null;
              if (c > 1) {
                text.append('|');
              }
              text.append(v == null ? "" : v);
            }
            return any ? Optional.of(text.toString()) : Optional.empty();
          }
        } catch (SQLException e) {
          // Databases quote bind values back in their errors; the watcher logs this message.
          throw new SourceException("the change signal query failed: "
              + dev.sluice.http.Redaction.valuesMasked(e.getMessage(), values) + "; query: " + sql,
              dev.sluice.http.Redaction.redacted(e, values));
        }
      }

      @Override
      public String toString() {
        return "ChangeSignal.sql(" + sql + ")";
      }
    };
  }
}
