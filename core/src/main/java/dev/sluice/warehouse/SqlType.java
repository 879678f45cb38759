package dev.sluice.warehouse;

import java.util.Objects;

/**
 * A SQL type that a {@link WarehouseQuery.Builder#cast cast} step converts a column to, in the
 * warehouse. Rendered per {@link WarehouseDialect} ({@code bigint} / {@code int64}, ...). Immutable.
 */
public final class SqlType {

  /** The family of a type. */
  enum Kind { TEXT, BIGINT, DOUBLE, DECIMAL, BOOLEAN, DATE, TIMESTAMP }

  private final Kind kind;
  private final int precision;
  private final int scale;

  private SqlType(Kind kind, int precision, int scale) {
    this.kind = kind;
    this.precision = precision;
    this.scale = scale;
  }

  /** {@return text: {@code varchar} ({@code string} on BigQuery)} */
  public static SqlType text() {
    return new SqlType(Kind.TEXT, 0, 0);
  }

  /** {@return a 64-bit integer} */
  public static SqlType bigint() {
    return new SqlType(Kind.BIGINT, 0, 0);
  }

  /** {@return a double-precision float} */
  public static SqlType doublePrecision() {
    return new SqlType(Kind.DOUBLE, 0, 0);
  }

  /**
   * {@return an exact decimal with {@code precision} digits, {@code scale} of them after the point}
   *
   * @param precision digits in all, from 1 to 38
   * @param scale decimal places
   */
  public static SqlType decimal(int precision, int scale) {
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      throw new IllegalArgumentException("decimal(" + precision + ", " + scale + "): precision must be 1 to 38"
          + " and scale 0 to the precision");
    }
    return new SqlType(Kind.DECIMAL, precision, scale);
  }

  /** {@return a boolean} */
  public static SqlType bool() {
    return new SqlType(Kind.BOOLEAN, 0, 0);
  }

  /** {@return a date} */
  public static SqlType date() {
    return new SqlType(Kind.DATE, 0, 0);
  }

  /** {@return a timestamp without time zone} */
  public static SqlType timestamp() {
    return new SqlType(Kind.TIMESTAMP, 0, 0);
  }

  Kind kind() {
    return kind;
  }

  int precision() {
    return precision;
  }

  int scale() {
    return scale;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SqlType && ((SqlType) o).kind == kind && ((SqlType) o).precision == precision
        && ((SqlType) o).scale == scale;
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, precision, scale);
  }

  @Override
  public String toString() {
    return kind == Kind.DECIMAL ? "decimal(" + precision + "," + scale + ")" : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
