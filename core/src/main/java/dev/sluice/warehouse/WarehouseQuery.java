package dev.sluice.warehouse;

import dev.sluice.Record;
import dev.sluice.RecordShape;
import dev.sluice.diff.RecordHash;
import dev.sluice.source.RecordStream;
import dev.sluice.source.Source;
import dev.sluice.source.SourceException;
import dev.sluice.source.SqlSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A SQL query of the warehouse as the source of a sync, with the mapping steps that SQL can do
 * pushed into it. With {@link Warehouse#differ()} the query's rows are hashed and compared with the
 * state in the warehouse, and only changed rows leave it; with any other differ it is read whole,
 * like a {@link SqlSource}, in key order.
 *
 * <pre>{@code
 * WarehouseQuery customers = warehouse.query("select * from mart.customers where region = ?", "EU")
 *     .key("customer_id")
 *     .copy("email", "plan")
 *     .rename("full_name", "name")
 *     .cast("lifetime_value", "ltv", SqlType.decimal(12, 2))
 *     .constant("source", "warehouse")
 *     .build();
 * }</pre>
 *
 * <p><b>Fields.</b> Each step adds one field to the records, in order: {@code copy} and
 * {@code rename} a column, {@code cast} one to a {@link SqlType} in the warehouse, {@code constant}
 * a literal. Without any step every column of the query is a field. Source columns are found by
 * exact name, or else by a name that differs only in case. The hash covers exactly these fields
 * (and the steps' description), so a column that is not mapped can change without anything being
 * sent.
 *
 * <p><b>Java-only steps.</b> A {@link dev.sluice.map.Mapping} with {@code compute(...)} or custom
 * converters still works: give it to the sync with {@code .map(...)}, and {@code copy} here every
 * column it reads. Those columns are hashed as they come from the warehouse, so a change in any of
 * them re-sends the record; a change of the Java code itself is not seen by the hash: bump
 * {@code Mapping.Builder.version(...)} (the sync's fingerprint) when it changes.
 *
 * <p><b>Keys</b> are the key columns' text, as {@link SqlSource} makes them. Immutable and
 * thread-safe.
 */
public final class WarehouseQuery implements Source {

  final DataSource dataSource;
  final String sql;
  final List<Object> binds;
  final List<String> keyColumns;
  final List<Step> steps;
  final int fetchSize;
  final WarehouseDialect dialect;

  private WarehouseQuery(Builder b) {
    this.dataSource = b.dataSource;
    this.sql = b.sql;
    this.binds = b.binds;
    this.keyColumns = List.copyOf(b.keyColumns);
    this.steps = List.copyOf(b.steps);
    this.fetchSize = b.fetchSize;
    this.dialect = b.dialect;
  }

  /**
   * {@return a query with {@code ?} placeholders for {@code binds}; a single SELECT (a CTE is fine)}
   *
   * @param dataSource where connections come from
   * @param sql the SQL, with {@code ?} where bind values go
   * @param binds the bind values, in order
   */
  public static Builder of(DataSource dataSource, String sql, Object... binds) {
    return new Builder(dataSource, sql, binds, null);
  }

  static Builder of(DataSource dataSource, WarehouseDialect dialect, String sql, Object... binds) {
    return new Builder(dataSource, sql, binds, dialect);
  }

  /** Reads every row, mapped as the steps say, in key order (code point order). */
  @Override
  public RecordStream open() {
    Plan plan = plan();
    WarehouseSql render = plan.render();
    RecordStream rows = SqlSource.query(dataSource, render.read(plan), binds.toArray())
        .key(WarehouseSql.KEY).orderByKey().fetchSize(fetchSize).build().open();
    return new Stripped(rows, plan.shape, 1);
  }

  /** True: {@link #open()} sorts by the key text in binary order. */
  @Override
  public boolean orderedByKey() {
    return true;
  }

  @Override
  public String describe() {
    String oneLine = sql.replaceAll("\\s+", " ").trim();
    return "warehouse " + (oneLine.length() > 80 ? oneLine.substring(0, 77) + "..." : oneLine);
  }

  /** Probes the query's columns and resolves the steps against them. */
  Plan plan() {
    try (Connection connection = dataSource.getConnection()) {
      WarehouseDialect d = dialect != null ? dialect : WarehouseDialect.of(connection);
      return plan(new WarehouseSql(d, null), describeColumns(connection));
    } catch (SQLException e) {
      throw new SourceException("cannot describe the warehouse query: "
          + dev.sluice.http.Redaction.valuesMasked(e.getMessage(), binds) + "; query: " + sql,
          dev.sluice.http.Redaction.redacted(e, binds));
    }
  }

  List<Column> describeColumns(Connection connection) throws SQLException {
    try (PreparedStatement describe = connection.prepareStatement(sql)) {
      ResultSetMetaData meta = describe.getMetaData();
      if (meta == null) {
        throw new SourceException("the database driver cannot describe the query's columns; query: " + sql);
      }
      List<Column> columns = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        columns.add(new Column(meta.getColumnLabel(i), Column.typeOf(meta.getColumnType(i), meta.getColumnTypeName(i))));
      }
      return columns;
    }
  }

  /** Resolves the steps against the query's {@code columns}, rendering with {@code render}. */
  Plan plan(WarehouseSql render, List<Column> columns) {
    List<Output> outputs = new ArrayList<>();
    if (steps.isEmpty()) {
      for (Column c : columns) {
        outputs.add(new Output(c.label(), render.name("q", c.label()), c.type()));
      }
    }
    for (Step step : steps) {
      if (step.constant() != null || step.from() == null) {
        Object v = step.constant();
        String expression = v instanceof String ? "cast(" + render.literal(v) + " as " + render.dialect.textType() + ")"
            : render.literal(v);
        outputs.add(new Output(step.to(), expression, v instanceof String ? Type.TEXT : Type.SCALAR));
        continue;
      }
      Column c = find(columns, step.from());
      String column = render.name("q", c.label());
      if (step.cast() == null) {
        outputs.add(new Output(step.to(), column, c.type()));
      } else {
        SqlType.Kind kind = step.cast().kind();
        outputs.add(new Output(step.to(), "cast(" + column + " as " + render.dialect.typeName(step.cast()) + ")",
            kind == SqlType.Kind.TEXT ? Type.TEXT : kind == SqlType.Kind.TIMESTAMP ? Type.TIMESTAMP : Type.SCALAR));
      }
    }
    List<String> keyLabels = new ArrayList<>();
    List<Boolean> keyText = new ArrayList<>();
    for (String key : keyColumns) {
      Column c = find(columns, key);
      keyLabels.add(c.label());
      keyText.add(c.type() == Type.TEXT);
    }
    StringBuilder description = new StringBuilder("sluice-warehouse-v1 key=").append(keyLabels);
    for (Output out : outputs) {
      description.append('\n').append(out.name()).append(" = ").append(out.expression()).append(" : ").append(out.type());
    }
    String prefix = RecordHash.toHex(RecordHash.of(Record.builder("q").set("d", description.toString()).build())) + ":";
    String[] names = outputs.stream().map(o -> o.name()).toArray(String[]::new);
    return new Plan(render, sql, render.keyExpression(keyLabels, keyText), outputs, prefix, RecordShape.of(names));
  }

  private Column find(List<Column> columns, String name) {
    Column found = null;
    for (Column c : columns) {
      if (c.label().equals(name)) {
        return c;
      }
      if (c.label().equalsIgnoreCase(name)) {
        found = found == null ? c : null;
      }
    }
    if (found == null) {
      List<String> labels = columns.stream().map(c -> c.label()).toList();
      throw new SourceException("column '" + name + "' is not among the query's columns " + labels + "; query: " + sql);
    }
    return found;
  }

  /**
   * How a column's value becomes canonical text for the hash: TEXT as it is; TIMESTAMP as epoch
   * microseconds; SCALAR (numbers, booleans, dates) and OTHER (anything else: JSON, lists, ...) cast
   * to text. TIMESTAMP and SCALAR texts never contain {@code ;}.
   */
  enum Type { TEXT, TIMESTAMP, SCALAR, OTHER }

  /** A column of the user's query. */
  record Column(String label, Type type) {
    static Type typeOf(int jdbcType, String typeName) {
      switch (jdbcType) {
        case Types.CHAR:
        case Types.VARCHAR:
        case Types.LONGVARCHAR:
        case Types.NCHAR:
        case Types.NVARCHAR:
        case Types.LONGNVARCHAR:
        case Types.CLOB:
          return Type.TEXT;
        case Types.TIMESTAMP:
        case Types.TIMESTAMP_WITH_TIMEZONE:
          return Type.TIMESTAMP;
        case Types.BOOLEAN:
        case Types.BIT:
        case Types.TINYINT:
        case Types.SMALLINT:
        case Types.INTEGER:
        case Types.BIGINT:
        case Types.DECIMAL:
        case Types.NUMERIC:
        case Types.REAL:
        case Types.FLOAT:
        case Types.DOUBLE:
        case Types.DATE:
          return Type.SCALAR;
        default:
          String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
          return name.equals("text") || name.equals("varchar") ? Type.TEXT
              : name.startsWith("timestamp") ? Type.TIMESTAMP : Type.OTHER;
      }
    }
  }

  /** One field of the records: its name, its SQL over the alias {@code q}, and how it is hashed. */
  record Output(String name, String expression, Type type) {}

  /** The query resolved for one dialect and one set of columns. */
  record Plan(WarehouseSql render, String sql, String keyExpression, List<Output> outputs, String hashPrefix,
      RecordShape shape) {}

  /** One mapping step. */
  record Step(String from, String to, SqlType cast, Object constant) {}

  /**
   * Records of the mapped fields, read from rows that carry the key text first and
   * {@code hidden} engine columns before the fields.
   */
  static class Stripped implements RecordStream {
    private final RecordStream rows;
    private final RecordShape shape;
    private final int hidden;

    Stripped(RecordStream rows, RecordShape shape, int hidden) {
      this.rows = rows;
      this.shape = shape;
      this.hidden = hidden;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public Record next() {
      return strip(rows.next());
    }

    /** The next row as it came, hidden columns included. */
    Record rowsNext() {
      return rows.next();
    }

    Record strip(Record row) {
      if (row.unreadableReason() != null) {
        return row; // no values to strip: the engine rejects it with its reason
      }
      Object[] values = new Object[shape.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = row.get(hidden + i);
      }
      return shape.record(row.key(), values);
    }

    @Override
    public void close() {
      rows.close();
    }
  }

  /** Configures a {@link WarehouseQuery}; each step validates at once. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private final String sql;
    private final List<Object> binds;
    private final WarehouseDialect dialect;
    private final List<String> keyColumns = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private final List<String> targets = new ArrayList<>();
    private int fetchSize = SqlSource.DEFAULT_FETCH_SIZE;

    private Builder(DataSource dataSource, String sql, Object[] binds, WarehouseDialect dialect) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      Objects.requireNonNull(sql, "sql");
      String trimmed = sql.strip();
      if (trimmed.isEmpty()) {
        throw new IllegalArgumentException("the query is blank");
      }
      this.sql = dev.sluice.internal.SqlText.embeddable(trimmed);
      this.binds = Arrays.asList(binds.clone());
      this.dialect = dialect;
    }

    /**
     * The key column, or the columns of a composite key in order. Required.
     *
     * @param columns the source column names
     * @return this builder
     */
    public Builder key(String... columns) {
      Objects.requireNonNull(columns, "columns");
      if (columns.length == 0) {
        throw new IllegalArgumentException("name at least one key column");
      }
      keyColumns.clear();
      for (String column : columns) {
        keyColumns.add(requireName(column, "key"));
      }
      return this;
    }

    /**
     * Copies columns under their own names.
     *
     * @param columns the source column names
     * @return this builder
     */
    public Builder copy(String... columns) {
      Objects.requireNonNull(columns, "columns");
      for (String column : columns) {
        add(new Step(requireName(column, "copy"), column, null, null));
      }
      return this;
    }

    /**
     * Copies column {@code from} as field {@code to}.
     *
     * @param from the source field
     * @param to the target field
     * @return this builder
     */
    public Builder rename(String from, String to) {
      return add(new Step(requireName(from, "rename"), requireName(to, "rename"), null, null));
    }

    /**
     * Casts column {@code from} to {@code type} in the warehouse, as field {@code to}.
     *
     * @param from the source field
     * @param to the target field
     * @param type the warehouse type
     * @return this builder
     */
    public Builder cast(String from, String to, SqlType type) {
      Objects.requireNonNull(type, "type");
      return add(new Step(requireName(from, "cast"), requireName(to, "cast"), type, null));
    }

    /**
     * A field with the same value in every record: text, a number or a boolean.
     *
     * @param field the field name
     * @param value the value
     * @return this builder
     */
    public Builder constant(String field, Object value) {
      Objects.requireNonNull(value, "value (a null constant: leave the field out)");
      if (!(value instanceof String || value instanceof Long || value instanceof Integer
          || value instanceof BigDecimal || value instanceof Boolean)) {
        throw new IllegalArgumentException("constant(\"" + field + "\"): a constant is text, an Integer, a Long,"
            + " a BigDecimal or a Boolean, was " + value.getClass().getName());
      }
      return add(new Step(null, requireName(field, "constant"), null, value));
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
     * Builds the query.
     *
     * @return the query
     * @throws IllegalStateException if no key column was named
     */
    public WarehouseQuery build() {
      if (keyColumns.isEmpty()) {
        throw new IllegalStateException("name the key column(s) with key(...): they identify each row in the"
            + " destination and in the sync's state");
      }
      return new WarehouseQuery(this);
    }

    private Builder add(Step step) {
      if (targets.contains(step.to())) {
        throw new IllegalArgumentException("field '" + step.to() + "' is mapped twice; each field takes one step");
      }
      if (step.to().toLowerCase(Locale.ROOT).startsWith("sluice_")) {
        throw new IllegalArgumentException("field '" + step.to() + "': names starting with sluice_ are the engine's own;"
            + " rename the field");
      }
      targets.add(step.to());
      steps.add(step);
      return this;
    }

    private static String requireName(String name, String step) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException(step + "(...): a column or field name is null or blank");
      }
      return name;
    }
  }
}
