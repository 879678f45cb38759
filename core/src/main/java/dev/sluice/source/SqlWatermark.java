package dev.sluice.source;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A cheap query whose value tells whether a sync is due, such as
 * {@code select max(updated_at) from mart.customers}: when it has not changed, the data has not
 * either, and a scheduler can skip the run.
 *
 * <pre>{@code
 * SqlWatermark watermark = SqlWatermark.of(dataSource, "select max(updated_at) from mart.customers");
 * if (watermark.changed()) {
 *   sync.run();
 * }
 * }</pre>
 *
 * <p>The query must return one row with one column (or no row, read as no value). Values compare by
 * the text the JDBC driver gives for them ({@code getString}). Thread-safe.
 *
 * <p><b>Superseded in services by the scheduler module's watcher</b>
 * ({@code dev.sluice.scheduler.ChangeSignal} with {@code SyncOptions.watch}): {@link #changed()}
 * remembers the value when it reads it, before the run, and only in memory, so a run that fails is
 * not retried until the data changes again, and every restart counts as a change. The watcher keeps
 * the value in the database and advances it only when the run it triggered succeeded. This class
 * stays for scripts that run once; it will be deprecated once the scheduler is released.
 */
public final class SqlWatermark {

  private final DataSource dataSource;
  private final String sql;
  private final List<Object> binds;
  private String last;
  private boolean seen;

  private SqlWatermark(DataSource dataSource, String sql, List<Object> binds) {
    this.dataSource = dataSource;
    this.sql = sql;
    this.binds = binds;
  }

  /**
   * {@return a watermark read by {@code sql} with {@code ?} bind values}
   *
   * @param dataSource where connections come from
   * @param sql the SQL, with {@code ?} where bind values go
   * @param binds the bind values, in order
   */
  public static SqlWatermark of(DataSource dataSource, String sql, Object... binds) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(sql, "sql");
    return new SqlWatermark(dataSource, sql, Arrays.asList(binds.clone()));
  }

  /**
   * Reads the current value as text; empty when the query returns no row or NULL.
   *
   * @return the value, or empty
   */
  public Optional<String> read() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < binds.size(); i++) {
        statement.setObject(i + 1, binds.get(i));
      }
      try (ResultSet rs = statement.executeQuery()) {
        if (rs.getMetaData().getColumnCount() != 1) {
          throw new SourceException("the watermark query must return one column, it returns "
              + rs.getMetaData().getColumnCount() + "; query: " + sql);
        }
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw JdbcRecordStream.failure("the watermark query failed: " + e.getMessage() + "; query: " + sql, e, binds);
    }
  }

  /**
   * Reads the value and tells whether it differs from the value the previous call saw. The first
   * call returns true: nothing was seen before, so a run is due.
   *
   * @return whether the value moved since the previous call
   */
  public synchronized boolean changed() {
    String now = read().orElse(null);
    boolean changed = !seen || !Objects.equals(now, last);
    seen = true;
    last = now;
    return changed;
  }
}
