package dev.sluice.source;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * A {@link Source} over a SQL query, read through JDBC as a stream: a server-side cursor with a
 * fetch size, never the whole result in memory.
 *
 * <pre>{@code
 * Source customers = SqlSource.query(dataSource, "select * from mart.customers where plan = ?", "pro")
 *     .key("customer_id")
 *     .orderByKey()
 *     .build();
 * }</pre>
 *
 * <p><b>Queries</b>: a SQL string with {@code ?} bind values, a jOOQ {@link Select}, or a table.
 * Each run opens a connection from the {@link DataSource}, turns auto-commit off for the read
 * (PostgreSQL streams only inside a transaction), rolls back and closes it at the end. Field names
 * are the column labels as the database returns them.
 *
 * <p><b>Keys</b>: one or more key columns. A single column's key is its text as the database
 * casts it to {@code varchar} ({@code 42}, {@code ada@example.com}); a composite key joins the
 * columns' texts with {@code |}, escaping {@code \} and {@code |} in each with a backslash
 * ({@code acme|42}). A row whose key column is NULL is rejected by the sync. The key columns stay
 * fields of the record too.
 *
 * <p><b>Order</b>: {@link Builder#orderByKey()} sorts the query by the key text, in binary
 * collation where the database needs telling ({@code COLLATE "C"} on PostgreSQL), and declares
 * the order so that the sync compares with its state in one pass. {@link dev.sluice.diff.KeyOrder}
 * (code point order, which binary collations produce) is the reference; a database that sorts
 * otherwise makes the run fail with a {@link dev.sluice.diff.KeyOrderException}, never produce
 * wrong changes.
 *
 * <p><b>Types</b> (JDBC type → record value):
 * <ul>
 *   <li>BOOLEAN, BIT → {@code Boolean}; TINYINT, SMALLINT, INTEGER → {@code Integer}; BIGINT →
 *       {@code Long}
 *   <li>DECIMAL, NUMERIC → {@code BigDecimal}, exactly as stored (never through a double);
 *       REAL → {@code Double} through its decimal text; FLOAT, DOUBLE → {@code Double}
 *   <li>CHAR, VARCHAR, CLOB and friends → {@code String}
 *   <li>DATE → {@code LocalDate}; TIME → ISO-8601 text such as {@code "13:45:00"}; TIME WITH
 *       TIME ZONE (PostgreSQL {@code timetz}) → ISO-8601 text with its offset, {@code "13:45:00+02:00"}
 *   <li>TIMESTAMP WITH TIME ZONE (PostgreSQL {@code timestamptz}) → {@code Instant}, the same
 *       point in time; TIMESTAMP without zone → {@code Instant}, reading the wall-clock time in
 *       {@link Builder#timestampZone(ZoneId)} (default UTC)
 *   <li>JSON, JSONB → parsed into {@code Map}, {@code List}, text, numbers ({@code BigDecimal} for
 *       fractions), booleans and nulls
 *   <li>ARRAY (PostgreSQL arrays of any dimension, DuckDB lists) → {@code List} of the converted
 *       elements: times and binary values as above, structs inside a list as a {@code Map} of
 *       their fields (DuckDB), other vendor types as their text
 *   <li>UUID → its text; BINARY, VARBINARY, BLOB → Base64 text
 *   <li>anything else → the driver's object when it is a number, boolean or text, otherwise its
 *       text form ({@code getString})
 *   <li>NULL → {@code null}
 * </ul>
 *
 * <p><b>Errors</b> name the query (with {@code ?} where bind values go, never the values, which
 * may be secrets) and the database's message; a missing key column is named along with the
 * columns that do exist. A failure while reading ends the run as FAILED without deletes. A value
 * the driver cannot hand over (a JSON text that does not parse, a value nested too deeply, a
 * "data exception" — SQLState class 22 — such as PostgreSQL's numeric {@code NaN}) rejects its
 * row, naming the key and the column, and the run goes on; when that value is the key's, the run
 * fails, since a row without a key cannot be rejected without being taken for a deleted one.
 *
 * <p>Immutable and thread-safe; each run opens its own connection.
 */
public final class SqlSource implements Source {

  /** Rows fetched per round trip, unless {@link Builder#fetchSize(int)} says otherwise. */
  public static final int DEFAULT_FETCH_SIZE = 10_000;

  final DataSource dataSource;
  final String sql;
  final List<Object> binds;
  final Select<?> select;
  final List<String> keyColumns;
  final boolean orderByKey;
  final int fetchSize;
  final SQLDialect dialect;
  final ZoneId timestampZone;

  private SqlSource(Builder b) {
    this.dataSource = b.dataSource;
    this.sql = b.sql;
    this.binds = b.binds;
    this.select = b.select;
    this.keyColumns = List.copyOf(b.keyColumns);
    this.orderByKey = b.orderByKey;
    this.fetchSize = b.fetchSize;
    this.dialect = b.dialect;
    this.timestampZone = b.timestampZone;
  }

  /**
   * {@return a source over a SQL query with {@code ?} placeholders for {@code binds}} The query is run as
   * a derived table, so it must be a single SELECT (a CTE or a set operation is fine).
   *
   * @param dataSource where connections come from
   * @param sql the SQL, with {@code ?} where bind values go
   * @param binds the bind values, in order
   */
  public static Builder query(DataSource dataSource, String sql, Object... binds) {
    Objects.requireNonNull(sql, "sql");
    if (sql.isBlank()) {
      throw new IllegalArgumentException("the query is blank");
    }
    return new Builder(dataSource, dev.sluice.internal.SqlText.embeddable(sql), Arrays.asList(binds.clone()), null);
  }

  /**
   * {@return a source over a jOOQ query}
   *
   * @param dataSource where connections come from
   * @param select the jOOQ query
   */
  public static Builder select(DataSource dataSource, Select<?> select) {
    return new Builder(dataSource, null, List.of(), Objects.requireNonNull(select, "select"));
  }

  /**
   * {@return a source over every row of a jOOQ table}
   *
   * @param dataSource where connections come from
   * @param table the jOOQ table
   */
  public static Builder table(DataSource dataSource, Table<?> table) {
    return select(dataSource, DSL.selectFrom(Objects.requireNonNull(table, "table")));
  }

  /**
   * {@return a source over every row of a table, named as {@code table} or {@code schema.table}}
   *
   * @param dataSource where connections come from
   * @param qualifiedName {@code table} or {@code schema.table}
   */
  public static Builder table(DataSource dataSource, String qualifiedName) {
    Objects.requireNonNull(qualifiedName, "qualifiedName");
    return table(dataSource, DSL.table(DSL.name(qualifiedName.split("\\."))));
  }

  @Override
  public RecordStream open() {
    return JdbcRecordStream.open(this);
  }

  @Override
  public boolean orderedByKey() {
    return orderByKey;
  }

  /** The query's first 80 characters; never bind values (a jOOQ query's text would inline them). */
  @Override
  public String describe() {
    if (sql == null) {
      return "SQL (jOOQ query)";
    }
    String oneLine = sql.replaceAll("\\s+", " ").trim();
    return "SQL " + (oneLine.length() > 80 ? oneLine.substring(0, 77) + "..." : oneLine);
  }

  /** Configures a {@link SqlSource}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private final String sql;
    private final List<Object> binds;
    private final Select<?> select;
    private final List<String> keyColumns = new ArrayList<>();
    private boolean orderByKey;
    private int fetchSize = DEFAULT_FETCH_SIZE;
    private SQLDialect dialect;
    private ZoneId timestampZone = ZoneOffset.UTC;

    private Builder(DataSource dataSource, String sql, List<Object> binds, Select<?> select) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      this.sql = sql;
      this.binds = binds;
      this.select = select;
    }

    /**
     * The key column, or the columns of a composite key in order. Required.
     *
     * @param columns the key columns, in order
     * @return this builder
     */
    public Builder key(String... columns) {
      Objects.requireNonNull(columns, "columns");
      if (columns.length == 0) {
        throw new IllegalArgumentException("name at least one key column");
      }
      keyColumns.clear();
      for (String column : columns) {
        if (column == null || column.isBlank()) {
          throw new IllegalArgumentException("a key column name is null or blank");
        }
        keyColumns.add(column);
      }
      return this;
    }

    /**
     * Sorts the query by its key and declares the order (see {@link SqlSource}).
     *
     * @return this builder
     */
    public Builder orderByKey() {
      this.orderByKey = true;
      return this;
    }

    /**
     * Rows per round trip; default {@value SqlSource#DEFAULT_FETCH_SIZE}.
     *
     * @param rows rows per round trip, at least 1
     * @return this builder
     */
    public Builder fetchSize(int rows) {
      if (rows < 1) {
        throw new IllegalArgumentException("fetchSize must be at least 1, was " + rows);
      }
      this.fetchSize = rows;
      return this;
    }

    /**
     * The SQL dialect; by default detected from the connection.
     *
     * @param dialect the SQL dialect
     * @return this builder
     */
    public Builder dialect(SQLDialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * The zone in which TIMESTAMP values without a time zone are read; default UTC.
     *
     * @param zone the time zone
     * @return this builder
     */
    public Builder timestampZone(ZoneId zone) {
      this.timestampZone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /**
     * Builds the source.
     *
     * @return the source
     * @throws IllegalStateException if no key column was named
     */
    public SqlSource build() {
      if (keyColumns.isEmpty()) {
        throw new IllegalStateException("name the key column(s) with key(...): they identify each row in the"
            + " destination and in the sync's state");
      }
      return new SqlSource(this);
    }
  }
}
