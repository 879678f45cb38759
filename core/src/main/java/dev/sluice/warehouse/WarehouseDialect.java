package dev.sluice.warehouse;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.Locale;
import org.jooq.SQLDialect;

/**
 * The SQL a warehouse speaks, as far as the warehouse-side engine needs it: how to hash, cast,
 * quote and merge. The row hash is per warehouse (it is only ever compared within one): the
 * warehouse's own typed, variadic, null-safe 64-bit {@code hash(...)} where it has one (DuckDB,
 * Snowflake), else a 64-bit digest of an injective text encoding of the columns ({@code md5} on
 * PostgreSQL, {@code farm_fingerprint} on BigQuery). DuckDB and PostgreSQL are executed and tested for real; the Snowflake and
 * BigQuery SQL is rendered (jOOQ's default dialect with unquoted names, plus the functions below)
 * and checked by golden tests, but was not run against those warehouses.
 */
public enum WarehouseDialect {

  /** DuckDB: {@code hash(...)} over the typed columns, {@code MERGE INTO}. */
  DUCKDB(SQLDialect.DUCKDB, true, true),
  /** PostgreSQL 15 or newer: {@code md5()} of the canonical text, {@code MERGE}. */
  POSTGRES(SQLDialect.POSTGRES, true, true),
  /** PostgreSQL before 15 (no {@code MERGE}): {@code INSERT ... ON CONFLICT} and a delete. */
  POSTGRES_BEFORE_15(SQLDialect.POSTGRES, true, false),
  /** Snowflake: {@code hash(...)} over the typed columns, {@code MERGE}. */
  SNOWFLAKE(SQLDialect.DEFAULT, false, true),
  /** BigQuery: {@code farm_fingerprint()} of the canonical text, {@code unix_micros()}, {@code string}, {@code MERGE}. */
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

  /**
   * {@return the SQL type of a stored row hash, 64 bits} DuckDB's {@code hash()} is unsigned
   * ({@code ubigint}); the others are signed. Java holds either as the same 64 bits in a {@code long}.
   */
  String hashType() {
    switch (this) {
      case DUCKDB:
        return "ubigint";
      case BIGQUERY:
        return "int64";
      default:
        return "bigint";
    }
  }

  /**
   * {@return the name of the function that hashes rows, recorded with the state} DuckDB's is
   * followed by the DuckDB version at run time: its {@code hash()} is not promised to stay the
   * same across versions.
   */
  String hashFunction() {
    switch (this) {
      case DUCKDB:
        return "duckdb hash()";
      case SNOWFLAKE:
        return "snowflake hash()";
      case BIGQUERY:
        return "bigquery farm_fingerprint(canonical text)";
      default:
        return "md5(canonical text)";
    }
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
