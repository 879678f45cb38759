package dev.sluice.warehouse;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Stages confirmed outcomes on DuckDB through its appender, many times faster than inserts. Kept
 * apart so that the DuckDB driver, an optional dependency, is loaded only when DuckDB is used.
 */
final class DuckDbStaging {

  private DuckDbStaging() {}

  static void stage(Connection connection, String schema, long syncId, List<String> keys, List<Long> hashes,
      int count) throws SQLException {
    DuckDBConnection duck = connection.unwrap(DuckDBConnection.class);
    try (DuckDBAppender appender = duck.createAppender(schema == null ? "main" : schema, "sluice_state_staged")) {
      for (int i = 0; i < count; i++) {
        Long hash = hashes.get(i);
        appender.beginRow();
        appender.append(syncId);
        appender.append(keys.get(i));
        if (hash == null) {
          appender.appendNull();
        } else {
          appender.append(hash.longValue()); // the 64 bits, read back as the same ubigint
        }
        appender.append(hash == null);
        appender.endRow();
      }
    }
  }
}
