package dev.sluice.source;

import dev.sluice.Record;
import dev.sluice.RecordShape;
import dev.sluice.diff.KeyOrder;
import dev.sluice.delivery.RequestCounter;
import dev.sluice.http.Redaction;
import dev.sluice.internal.Jooq;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jooq.tools.jdbc.JDBCUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the rows of one {@link SqlSource} run. The user's query runs as a derived table inside
 * a query that adds the key text (and sorts by it when asked); on DuckDB, text columns travel as
 * UTF-8 bytes, which its JDBC driver hands over several times faster than strings.
 */
final class JdbcRecordStream implements RecordStream {

  private static final Logger log = LoggerFactory.getLogger(JdbcRecordStream.class);
  private static final String KEY_LABEL = "__sluice_key";

  private final Connection connection;
  private final boolean restoreAutoCommit;
  private final String query;
  // Shown nowhere: a database may quote them back in its messages, so those are masked.
  private List<Object> binds = List.of();
  private PreparedStatement statement;
  private ResultSet rows;
  private Column[] columns;
  private int[] keyIndexes;
  private boolean keyAsBytes;
  // A single text or integer key is its own value's text (exactly what the database's cast gives),
  // so it need not travel twice.
  private boolean keyFromValue;
  private RecordShape shape;
  private long read;
  private Boolean ready;
  private boolean closed;
  // Cancels the running statement when the run stops (cancelled, past its deadline) while the
  // query runs or a fetch waits on the database.
  private RequestCounter.Registration stopHook = () -> { };

  private JdbcRecordStream(Connection connection, boolean restoreAutoCommit, String query) {
    this.connection = connection;
    this.restoreAutoCommit = restoreAutoCommit;
    this.query = query;
  }

  static JdbcRecordStream open(SqlSource source) {
    Connection connection;
    try {
      connection = source.dataSource.getConnection();
    } catch (SQLException e) {
      throw new SourceException("cannot connect to the database: " + e.getMessage(), e);
    }
    String shown = source.sql != null ? source.sql : "(jOOQ query)";
    boolean restore = false;
    JdbcRecordStream stream = null;
    List<Object> binds = source.sql != null ? source.binds : List.of();
    try {
      restore = connection.getAutoCommit();
      if (restore) {
        connection.setAutoCommit(false);
      }
      SQLDialect dialect = source.dialect != null ? source.dialect : JDBCUtils.dialect(connection);
      DSLContext ctx = Jooq.using(connection, dialect);
      String inner = source.sql;
      if (source.sql == null) {
        inner = ctx.render(source.select);
        binds = ctx.extractBindValues(source.select);
        shown = inner;
      }
      stream = new JdbcRecordStream(connection, restore, shown);
      stream.binds = binds;
      stream.start(source, ctx, dialect, inner, binds);
      return stream;
    } catch (SQLException | RuntimeException e) {
      if (stream != null) {
        stream.stopHook.close();
      }
      closeQuietly(connection, restore);
      if (e instanceof SourceException) {
        throw (SourceException) e;
      }
      throw failure("the query failed: " + e.getMessage() + "; query: " + shown, e, binds);
    }
  }

  private void start(SqlSource source, DSLContext ctx, SQLDialect dialect, String inner, List<Object> binds)
      throws SQLException {
    boolean duckdb = dialect.family() == SQLDialect.DUCKDB;
    List<Column> described = describe(inner, source, duckdb);
    columns = described.toArray(new Column[0]);
    String[] labels = new String[columns.length];
    for (int i = 0; i < columns.length; i++) {
      labels[i] = columns[i].label;
    }
    shape = RecordShape.of(labels);

    keyIndexes = new int[source.keyColumns.size()];
    List<Field<String>> keyTexts = new ArrayList<>();
    for (int k = 0; k < keyIndexes.length; k++) {
      int index = indexOf(source.keyColumns.get(k));
      if (index < 0) {
        throw new SourceException("key column '" + source.keyColumns.get(k) + "' is not among the query's columns "
            + shape.names() + "; query: " + query);
      }
      keyIndexes[k] = index;
      Field<String> text = columns[index].isText()
          ? DSL.field(DSL.name("q", columns[index].label), SQLDataType.VARCHAR)
          : DSL.field(DSL.name("q", columns[index].label)).cast(SQLDataType.VARCHAR);
      keyTexts.add(keyIndexes.length == 1 ? text
          : DSL.replace(DSL.replace(text, DSL.inline("\\"), DSL.inline("\\\\")), DSL.inline("|"), DSL.inline("\\|")));
    }
    Field<String> keyText = keyTexts.get(0);
    for (int k = 1; k < keyTexts.size(); k++) {
      keyText = DSL.concat(keyText, DSL.inline("|"), keyTexts.get(k));
    }
    keyAsBytes = duckdb;
    keyFromValue = keyIndexes.length == 1
        && (columns[keyIndexes[0]].isText() || columns[keyIndexes[0]].isInteger());

    StringBuilder outer = new StringBuilder("select ");
    for (Column c : columns) {
      String name = ctx.render(DSL.name("q", c.label));
      outer.append(c.asBytes ? "encode(" + name + ") as " + ctx.render(DSL.name(c.label)) : name).append(", ");
    }
    String keySql = ctx.renderInlined(keyText);
    if (keyFromValue) {
      outer.setLength(outer.length() - 2);
    } else {
      outer.append(keyAsBytes ? "encode(" + keySql + ")" : keySql).append(" as ").append(ctx.render(DSL.name(KEY_LABEL)));
    }
    outer.append(" from (").append(inner).append(") as ").append(ctx.render(DSL.name("q")));
    if (source.orderByKey) {
      outer.append(" order by ").append(KeyOrder.sqlOrderTerm(dialect, keySql));
    }
    statement = connection.prepareStatement(outer.toString(), ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    statement.setFetchSize(source.fetchSize);
    for (int i = 0; i < binds.size(); i++) {
      statement.setObject(i + 1, binds.get(i));
    }
    PreparedStatement running = statement;
    // DuckDB's cancel interrupts a fetch too, and closing its connection under a running query is
    // not something to do to a native library; other drivers get the connection aborted as well.
    Connection abortable = duckdb ? null : connection;
    stopHook = RequestCounter.whenStopping(() -> cancel(running, abortable));
    if (RequestCounter.stopRequested()) {
      // Stopped before the query started: a hook registered now would never run.
      throw new SourceException("the run stopped before its query started; query: " + query);
    }
    rows = statement.executeQuery();
  }

  /**
   * Breaks off the query when the run stops (on the thread that stops it): cancels the statement,
   * which ends a query still executing, and aborts the connection, which ends a fetch of further
   * rows waiting on the database (PostgreSQL's driver cancels only the former); null: not aborted.
   */
  private static void cancel(PreparedStatement statement, Connection connection) {
    Jooq.cancel(statement);
    if (connection == null) {
      return;
    }
    try {
      connection.abort(Runnable::run);
    } catch (SQLException | RuntimeException e) {
      log.debug("aborting the source's connection failed: {}", e.toString());
    }
  }

  /** The columns of the user's query, as the driver describes the prepared statement. */
  private List<Column> describe(String inner, SqlSource source, boolean duckdb) throws SQLException {
    try (PreparedStatement describe = connection.prepareStatement(inner)) {
      ResultSetMetaData meta = describe.getMetaData();
      if (meta == null) {
        throw new SourceException("the database driver cannot describe the query's columns; query: " + query);
      }
      List<Column> list = new ArrayList<>(meta.getColumnCount());
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        String typeName = meta.getColumnTypeName(i);
        int type = meta.getColumnType(i);
        boolean asBytes = duckdb && type == Types.VARCHAR && "VARCHAR".equalsIgnoreCase(typeName);
        list.add(new Column(meta.getColumnLabel(i), type, typeName, asBytes, source.timestampZone));
      }
      return list;
    }
  }

  private int indexOf(String column) {
    int exact = shape.indexOf(column);
    if (exact >= 0) {
      return exact;
    }
    // Databases fold unquoted names (H2 to upper case, PostgreSQL to lower case).
    for (int i = 0; i < columns.length; i++) {
      if (columns[i].label.toLowerCase(Locale.ROOT).equals(column.toLowerCase(Locale.ROOT))) {
        return i;
      }
    }
    return -1;
  }

  /** The query's columns, as records carry them. */
  @Override
  public java.util.Optional<List<String>> fieldNames() {
    return java.util.Optional.of(shape.names());
  }

  @Override
  public boolean hasNext() {
    if (ready == null) {
      if (closed) {
        return false;
      }
      try {
        ready = rows.next();
      } catch (SQLException e) {
        throw failure("reading the query failed after " + read + " rows: " + e.getMessage()
            + "; query: " + query, e, binds);
      }
    }
    return ready;
  }

  @Override
  public Record next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ready = null;
    read++;
    try {
      Object[] values = new Object[columns.length];
      String unreadable = null;
      for (int i = 0; i < columns.length; i++) {
        try {
          values[i] = columns[i].reader.read(rows, i + 1);
        } catch (Column.ValueException e) {
          if (unreadable == null) {
            unreadable = "column '" + columns[i].label + "' (" + columns[i].typeName + "): " + e.getMessage();
          }
        } catch (SQLException e) {
          if (isDataException(e)) {
            // The driver cannot turn this one value into Java (PostgreSQL's numeric NaN, say): the
            // row is rejected naming the column, the run goes on.
            if (unreadable == null) {
              unreadable = "column '" + columns[i].label + "' (" + columns[i].typeName + ") cannot be read: "
                  + Redaction.valuesMasked(e.getMessage(), binds);
            }
            continue;
          }
          throw failure("reading column '" + columns[i].label + "' (" + columns[i].typeName
              + ") of row " + read + " failed: " + e.getMessage() + "; query: " + query, e, binds);
        }
      }
      String key = unreadable == null || keyRead(values) ? key(values) : null;
      if (unreadable != null) {
        if (key == null) {
          throw new SourceException("row " + read + " cannot be read and its key is unknown: " + unreadable
              + "; query: " + query);
        }
        return Record.unreadable(key, unreadable);
      }
      try {
        return shape.record(key, values);
      } catch (RuntimeException e) {
        // A value beyond what a record holds (nested too deeply, a type a record cannot take): this
        // row is rejected, not the run.
        if (key == null) {
          throw e;
        }
        return Record.unreadable(key, e.getMessage() != null ? e.getMessage() : e.toString());
      }
    } catch (SQLException e) {
      throw failure("reading row " + read + " failed: " + e.getMessage() + "; query: " + query, e, binds);
    }
  }

  /**
   * Whether reading a value failed on the value itself (SQLState class 22, "data exception": out of
   * range, not convertible) rather than on the connection or the cursor.
   */
  static boolean isDataException(SQLException e) {
    String state = e.getSQLState();
    return state != null && state.startsWith("22");
  }

  /**
   * A failure whose message (and cause) quote the database: bind values masked there, as the
   * README promises they are never shown.
   */
  static SourceException failure(String message, Exception cause, List<Object> binds) {
    return new SourceException(Redaction.valuesMasked(message, binds), Redaction.redacted(cause, binds));
  }

  /** Whether every key column was read (an unreadable column may be one of them). */
  private boolean keyRead(Object[] values) {
    for (int index : keyIndexes) {
      if (values[index] == null) {
        return false;
      }
    }
    return true;
  }

  private String key(Object[] values) throws SQLException {
    for (int index : keyIndexes) {
      if (values[index] == null) {
        return null;
      }
    }
    if (keyFromValue) {
      return values[keyIndexes[0]].toString();
    }
    int keyColumn = columns.length + 1;
    if (keyAsBytes) {
      byte[] bytes = rows.getBytes(keyColumn);
      return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
    return rows.getString(keyColumn);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopHook.close();
    try {
      if (rows != null) {
        rows.close();
      }
      if (statement != null) {
        statement.close();
      }
    } catch (SQLException e) {
      log.warn("closing the query failed: {}", Redaction.valuesMasked(e.getMessage(), binds));
    } finally {
      closeQuietly(connection, restoreAutoCommit);
    }
  }

  private static void closeQuietly(Connection connection, boolean restoreAutoCommit) {
    try {
      if (!connection.isClosed()) {
        // Nothing was written; ending the read-only transaction releases the cursor.
        connection.rollback();
        if (restoreAutoCommit) {
          connection.setAutoCommit(true);
        }
      }
    } catch (SQLException e) {
      log.debug("ending the read transaction failed: {}", e.getMessage());
    } finally {
      try {
        connection.close();
      } catch (SQLException e) {
        log.warn("closing the connection failed: {}", e.getMessage());
      }
    }
  }
}
