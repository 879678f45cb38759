package dev.sluice.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One column of a query result and how its values become record values. The mapping is written
 * down in {@link SqlSource}'s documentation; keep the two in step.
 */
final class Column {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  /** A value the database handed over but a record cannot hold: it rejects its row, not the run. */
  static final class ValueException extends SQLException {
    private static final long serialVersionUID = 1L;

    ValueException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Reads one value of a column from the current row. */
  @FunctionalInterface
  interface Reader {
    Object read(ResultSet rs, int index) throws SQLException;
  }

  final String label;
  final int jdbcType;
  final String typeName;
  /** Whether the query sends this text column as UTF-8 bytes (the DuckDB fast path). */
  final boolean asBytes;
  final Reader reader;

  Column(String label, int jdbcType, String typeName, boolean asBytes, ZoneId timestampZone) {
    this.label = label;
    this.jdbcType = jdbcType;
    this.typeName = typeName == null ? "" : typeName;
    this.asBytes = asBytes;
    this.reader = asBytes ? Column::utf8 : readerFor(jdbcType, this.typeName.toLowerCase(Locale.ROOT), timestampZone);
  }

  /** Whether the column holds text, so that it needs no cast to serve as a key. */
  boolean isText() {
    switch (jdbcType) {
      case Types.CHAR:
      case Types.VARCHAR:
      case Types.LONGVARCHAR:
      case Types.NCHAR:
      case Types.NVARCHAR:
      case Types.LONGNVARCHAR:
        return true;
      default:
        return false;
    }
  }

  /** Whether the column holds integers, whose Java text equals the database's. */
  boolean isInteger() {
    return jdbcType == Types.TINYINT || jdbcType == Types.SMALLINT || jdbcType == Types.INTEGER
        || jdbcType == Types.BIGINT;
  }

  private static Reader readerFor(int jdbcType, String typeName, ZoneId zone) {
    if (jdbcType == Types.ARRAY) {
      // First: DuckDB names a list by its element type ("TIMESTAMP WITH TIME ZONE[]").
      return (rs, i) -> array(rs.getArray(i), zone);
    }
    if (typeName.equals("json") || typeName.equals("jsonb")) {
      return Column::json;
    }
    if (typeName.equals("uuid")) {
      return (rs, i) -> {
        Object v = rs.getObject(i);
        return v == null ? null : v.toString();
      };
    }
    if (isTimestampWithZone(typeName)) {
      return Column::offsetTimestamp;
    }
    if (isTimeWithZone(typeName)) {
      return Column::offsetTime; // PostgreSQL reports it as TIME, DuckDB as TIME_WITH_TIMEZONE
    }
    switch (jdbcType) {
      case Types.BIT:
      case Types.BOOLEAN:
        return (rs, i) -> {
          boolean v = rs.getBoolean(i);
          return rs.wasNull() ? null : v;
        };
      case Types.TINYINT:
      case Types.SMALLINT:
      case Types.INTEGER:
        return (rs, i) -> {
          int v = rs.getInt(i);
          return rs.wasNull() ? null : v;
        };
      case Types.BIGINT:
        return (rs, i) -> {
          long v = rs.getLong(i);
          return rs.wasNull() ? null : v;
        };
      case Types.DECIMAL:
      case Types.NUMERIC:
        return ResultSet::getBigDecimal;
      case Types.REAL:
        return (rs, i) -> {
          float v = rs.getFloat(i);
          // Through the decimal text, so that a REAL 0.1 stays 0.1 rather than 0.10000000149.
          return rs.wasNull() ? null : Double.parseDouble(Float.toString(v));
        };
      case Types.FLOAT:
      case Types.DOUBLE:
        return (rs, i) -> {
          double v = rs.getDouble(i);
          return rs.wasNull() ? null : v;
        };
      case Types.CHAR:
      case Types.VARCHAR:
      case Types.LONGVARCHAR:
      case Types.NCHAR:
      case Types.NVARCHAR:
      case Types.LONGNVARCHAR:
      case Types.CLOB:
      case Types.NCLOB:
        return ResultSet::getString;
      case Types.DATE:
        return (rs, i) -> rs.getObject(i, LocalDate.class);
      case Types.TIMESTAMP:
        return (rs, i) -> {
          LocalDateTime v = rs.getObject(i, LocalDateTime.class);
          return v == null ? null : v.atZone(zone).toInstant();
        };
      case Types.TIMESTAMP_WITH_TIMEZONE:
        return Column::offsetTimestamp;
      case Types.TIME:
        return (rs, i) -> {
          LocalTime v = rs.getObject(i, LocalTime.class);
          return v == null ? null : DateTimeFormatter.ISO_LOCAL_TIME.format(v);
        };
      case Types.TIME_WITH_TIMEZONE:
        return Column::offsetTime;
      case Types.BINARY:
      case Types.VARBINARY:
      case Types.LONGVARBINARY:
      case Types.BLOB:
        return (rs, i) -> {
          byte[] v = rs.getBytes(i);
          return v == null ? null : Base64.getEncoder().encodeToString(v);
        };
      case Types.ARRAY:
        return (rs, i) -> array(rs.getArray(i), zone);
      default:
        return (rs, i) -> anyObject(rs, i, zone);
    }
  }

  private static Object utf8(ResultSet rs, int i) throws SQLException {
    byte[] bytes = rs.getBytes(i);
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  private static Object offsetTimestamp(ResultSet rs, int i) throws SQLException {
    OffsetDateTime v = rs.getObject(i, OffsetDateTime.class);
    return v == null ? null : v.toInstant();
  }

  /** Whether a (lower-case) type name is PostgreSQL's {@code timestamptz} or the standard's name for it. */
  private static boolean isTimestampWithZone(String typeName) {
    return typeName.equals("timestamptz") || typeName.startsWith("timestamp with time zone");
  }

  /** Whether a (lower-case) type name is PostgreSQL's {@code timetz} or the standard's name for it. */
  private static boolean isTimeWithZone(String typeName) {
    return typeName.equals("timetz") || typeName.startsWith("time with time zone");
  }

  /** A time of day with its offset, as ISO text ({@code 12:00:00+02:00}). */
  private static Object offsetTime(ResultSet rs, int i) throws SQLException {
    OffsetTime v = rs.getObject(i, OffsetTime.class);
    return v == null ? null : DateTimeFormatter.ISO_OFFSET_TIME.format(v);
  }

  private static Object json(ResultSet rs, int i) throws SQLException {
    String text = rs.getString(i);
    if (text == null) {
      return null;
    }
    try {
      return JSON.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new ValueException("it holds JSON that cannot be read: " + e.getOriginalMessage(), e);
    }
  }

  private static Object array(Array array, ZoneId zone) throws SQLException {
    if (array == null) {
      return null;
    }
    try {
      String base = array.getBaseTypeName() == null ? "" : array.getBaseTypeName().toLowerCase(Locale.ROOT);
      if (isTimeWithZone(base)) {
        return offsetTimes(array, zone);
      }
      // A driver hands over timestamptz elements as java.sql.Timestamp in the JVM's zone (PostgreSQL):
      // read there, they are the instants stored, whatever timestampZone says about plain timestamps.
      boolean instants = isTimestampWithZone(base);
      return elements((Object[]) array.getArray(), instants ? ZoneId.systemDefault() : zone);
    } finally {
      try {
        array.free();
      } catch (SQLException | UnsupportedOperationException e) {
        // Some drivers do not support free(); the array is garbage either way.
      }
    }
  }

  /**
   * An array's elements as a list; the inner rows of a multi-dimensional array, which drivers hand
   * over as Java arrays (PostgreSQL's {@code int[][]}: {@code Integer[][]}) or as arrays of their
   * own, become lists too.
   */
  private static Object elements(Object[] elements, ZoneId zone) throws SQLException {
    List<Object> list = new ArrayList<>(elements.length);
    for (Object element : elements) {
      list.add(nestedValue(element, zone));
    }
    return Collections.unmodifiableList(list);
  }

  /** A value inside a list or a struct: a list again, or one element. */
  private static Object nestedValue(Object value, ZoneId zone) throws SQLException {
    return value instanceof Object[] ? elements((Object[]) value, zone)
        : value instanceof Array ? array((Array) value, zone) : element(value, zone);
  }

  /**
   * A struct inside a list, as a map of its fields when the driver can name them (DuckDB's
   * {@code getMap()}), else null.
   */
  private static java.util.Map<String, Object> struct(java.sql.Struct struct, ZoneId zone) throws SQLException {
    Object fields;
    try {
      fields = struct.getClass().getMethod("getMap").invoke(struct);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
    if (!(fields instanceof java.util.Map)) {
      return null;
    }
    java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
    for (java.util.Map.Entry<?, ?> field : ((java.util.Map<?, ?>) fields).entrySet()) {
      map.put(String.valueOf(field.getKey()), nestedValue(field.getValue(), zone));
    }
    return Collections.unmodifiableMap(map);
  }

  /**
   * The elements of an array of times with offsets, read one by one as {@link OffsetTime}: the
   * array's own elements would be {@code java.sql.Time}, moved to the JVM's zone and without offset.
   */
  private static Object offsetTimes(Array array, ZoneId zone) throws SQLException {
    List<Object> list = new ArrayList<>();
    try (ResultSet elements = array.getResultSet()) {
      while (elements.next()) {
        Object element = elements.getObject(2);
        list.add(element instanceof Array ? array((Array) element, zone) : offsetTime(elements, 2));
      }
    }
    return Collections.unmodifiableList(list);
  }

  private static byte[] blobBytes(java.sql.Blob blob) throws SQLException {
    long length = blob.length();
    if (length > Integer.MAX_VALUE) {
      throw new ValueException("it holds a blob of " + length + " bytes, more than a record holds", null);
    }
    return blob.getBytes(1, (int) length);
  }

  private static Object element(Object value, ZoneId zone) throws SQLException {
    if (value instanceof java.sql.Timestamp) {
      return ((java.sql.Timestamp) value).toLocalDateTime().atZone(zone).toInstant();
    }
    if (value instanceof LocalDateTime) {
      return ((LocalDateTime) value).atZone(zone).toInstant();
    }
    if (value instanceof java.util.UUID) {
      return value.toString();
    }
    if (value instanceof OffsetTime) {
      return DateTimeFormatter.ISO_OFFSET_TIME.format((OffsetTime) value);
    }
    if (value instanceof byte[]) {
      return Base64.getEncoder().encodeToString((byte[]) value);
    }
    if (value instanceof java.sql.Blob) {
      return Base64.getEncoder().encodeToString(blobBytes((java.sql.Blob) value));
    }
    if (value instanceof java.sql.Time || value instanceof LocalTime) {
      LocalTime time = value instanceof LocalTime ? (LocalTime) value : ((java.sql.Time) value).toLocalTime();
      return DateTimeFormatter.ISO_LOCAL_TIME.format(time);
    }
    if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof java.time.Instant || value instanceof LocalDate || value instanceof OffsetDateTime
        || value instanceof java.util.Date || value instanceof List || value instanceof java.util.Map) {
      return value;
    }
    if (value instanceof java.sql.Struct) {
      java.util.Map<String, Object> fields = struct((java.sql.Struct) value, zone);
      if (fields != null) {
        return fields;
      }
    }
    // Intervals, enums and other vendor types inside a list: their text, as outside one.
    return value.toString();
  }

  private static Object anyObject(ResultSet rs, int i, ZoneId zone) throws SQLException {
    Object v = rs.getObject(i);
    if (v == null) {
      return null;
    }
    if (v instanceof java.util.UUID || v instanceof Number || v instanceof Boolean || v instanceof String) {
      return v instanceof java.util.UUID ? v.toString() : v;
    }
    if (v instanceof Array) {
      return array((Array) v, zone);
    }
    // Structs, intervals, enums and other vendor types: their text form is the honest choice.
    return rs.getString(i);
  }
}
