package dev.sluice.warehouse;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import org.jooq.SQLDialect;

/**
 * The SQL a warehouse speaks, as far as the warehouse-side engine needs it: how to hash, cast,
 * quote and merge. DuckDB and PostgreSQL are executed and tested for real; the Snowflake and
 * BigQuery SQL is rendered (jOOQ's default dialect with unquoted names, plus the functions below)
 * and checked by golden tests, but was not run against those warehouses.
 */
public enum WarehouseDialect {

  /** DuckDB: {@code md5()}, {@code epoch_us()}, {@code MERGE INTO}. */
  DUCKDB(SQLDialect.DUCKDB, true, true),
  /** PostgreSQL 15 or newer: {@code MERGE}. */
  POSTGRES(SQLDialect.POSTGRES, true, true),
  /** PostgreSQL before 15 (no {@code MERGE}): {@code INSERT ... ON CONFLICT} and a delete. */
  POSTGRES_BEFORE_15(SQLDialect.POSTGRES, true, false),
  /** Snowflake: {@code md5()}, {@code date_part(epoch_microsecond, ...)}, {@code MERGE}. */
  SNOWFLAKE(SQLDialect.DEFAULT, false, true),
  /** BigQuery: {@code to_hex(md5(...))}, {@code unix_micros()}, {@code string}, {@code MERGE}. */
  BIGQUERY(SQLDialect.DEFAULT, false, true);

  private final SQLDialect jooq;
  private final boolean quoteNames;
  private final boolean merge;

  WarehouseDialect(SQLDialect jooq, boolean quoteNames, boolean merge) {
    this.jooq = jooq;
    this.quoteNames = quoteNames;
    this.merge = merge;
  }

  /** The jOOQ dialect names and literals are rendered in. */
  SQLDialect jooq() {
    return jooq;
  }

  /** Whether names are quoted; Snowflake and BigQuery SQL uses unquoted names. */
  boolean quoteNames() {
    return quoteNames;
  }

  /** Whether confirmed changes are merged with {@code MERGE}, else with {@code INSERT ... ON CONFLICT}. */
  boolean hasMerge() {
    return merge;
  }

  /** The 64-bit hash of a text: the first 16 hex digits of its md5. */
  String hash16(String text) {
    return this == BIGQUERY ? "substr(to_hex(md5(" + text + ")), 1, 16)" : "substr(md5(" + text + "), 1, 16)";
  }

  /** The text type. */
  String textType() {
    return this == BIGQUERY ? "string" : "varchar";
  }

  /** A cast of {@code expression} to text. */
  String toText(String expression) {
    return "cast(" + expression + " as " + textType() + ")";
  }

  /** Microseconds since the epoch of a timestamp, as text: independent of session time zone and format settings. */
  String epochMicrosText(String expression) {
    switch (this) {
      case DUCKDB:
        return toText("epoch_us(" + expression + ")");
      case SNOWFLAKE:
        return toText("date_part(epoch_microsecond, " + expression + ")");
      case BIGQUERY:
        return toText("unix_micros(timestamp(" + expression + "))");
      default:
        return toText("extract(epoch from " + expression + ")");
    }
  }

  /** The name of a SQL type in this dialect. */
  String typeName(SqlType type) {
    boolean bq = this == BIGQUERY;
    switch (type.kind()) {
      case TEXT:
        return textType();
      case BIGINT:
        return bq ? "int64" : "bigint";
      case DOUBLE:
        return bq ? "float64" : this == SNOWFLAKE ? "float" : this == DUCKDB ? "double" : "double precision";
      case DECIMAL:
        return (bq ? "numeric(" : "decimal(") + type.precision() + ", " + type.scale() + ")";
      case BOOLEAN:
        return bq ? "bool" : "boolean";
      case DATE:
        return "date";
      case TIMESTAMP:
        return "timestamp";
      default:
        throw new IllegalArgumentException("no SQL type for " + type);
    }
  }

  /**
   * {@return the dialect of a connection: DuckDB, or PostgreSQL (with or without {@code MERGE}, by server
   * version)}
   *
   * @param connection an open connection to the warehouse
   * @throws IllegalArgumentException for another database; name the dialect in the builder
   * @throws SQLException if the connection cannot say which database it is
   */
  public static WarehouseDialect of(Connection connection) throws SQLException {
    DatabaseMetaData meta = connection.getMetaData();
    String product = meta.getDatabaseProductName().toLowerCase(Locale.ROOT);
    if (product.contains("duckdb")) {
      return DUCKDB;
    }
    if (product.contains("postgres")) {
      return meta.getDatabaseMajorVersion() >= 15 ? POSTGRES : POSTGRES_BEFORE_15;
    }
    throw new IllegalArgumentException("the warehouse engine runs on DuckDB and PostgreSQL; this connection is to "
        + meta.getDatabaseProductName() + ". Snowflake and BigQuery SQL is rendered but not tested; set"
        + " Warehouse.Builder.dialect(...) to use it at your own risk");
  }
}
