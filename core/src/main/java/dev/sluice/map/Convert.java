package dev.sluice.map;

import dev.sluice.ValueLimits;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Ready-made {@link Converter}s for {@link Mapping.Builder#convert(String, Converter)}. Each accepts the
 * value types a {@link dev.sluice.Record} holds and the obvious text forms; anything else is
 * refused with a message (which rejects the record).
 */
public final class Convert {

  private Convert() {}

  /**
   * To {@code Long}: integral numbers (including {@code 3.0} and {@code BigDecimal("3.00")}) and
   * decimal text such as {@code " 42 "}. Fractions and out-of-range values are refused.
   *
   * @return the converter
   */
  public static Converter<Long> toLong() {
    return named("integer", v -> {
      if (v instanceof Long || v instanceof Integer) {
        return ((Number) v).longValue();
      }
      if (v instanceof BigDecimal) {
        return ((BigDecimal) v).longValueExact();
      }
      if (v instanceof Double) {
        return new BigDecimal(Double.toString((Double) v)).longValueExact();
      }
      if (v instanceof String) {
        return parseDecimal((String) v).longValueExact();
      }
      throw unsupported(v);
    });
  }

  /**
   * To {@code BigDecimal}, exactly: numbers, and decimal text such as {@code "19.90"}. A value
   * beyond the {@linkplain ValueLimits decimal limits} ({@code "1e1000000"}) is refused.
   *
   * @return the converter
   */
  public static Converter<BigDecimal> toDecimal() {
    return named("decimal", Convert::decimal);
  }

  /**
   * To {@code BigDecimal} rounded half-up to {@code scale} decimal places. A value beyond the
   * {@linkplain ValueLimits decimal limits} is refused before it is rounded, so that
   * {@code "1e1000000"} costs no more than {@code "1"}.
   *
   * @param scale decimal places
   * @return the converter
   * @throws IllegalArgumentException if {@code scale} is beyond {@link ValueLimits#MAX_DECIMAL_SCALE}
   */
  public static Converter<BigDecimal> toDecimal(int scale) {
    if (scale > ValueLimits.MAX_DECIMAL_SCALE || scale < -ValueLimits.MAX_DECIMAL_SCALE) {
      throw new IllegalArgumentException("toDecimal(scale): the scale must be between -" + ValueLimits.MAX_DECIMAL_SCALE
          + " and " + ValueLimits.MAX_DECIMAL_SCALE + ", was " + scale);
    }
    return named("decimal(" + scale + ")", v -> bounded(decimal(v).setScale(scale, RoundingMode.HALF_UP)));
  }

  /**
   * To {@code Double}: numbers and decimal text. NaN and infinities are refused.
   *
   * @return the converter
   */
  public static Converter<Double> toDouble() {
    return named("double", v -> {
      double d = v instanceof Number ? ((Number) v).doubleValue()
          : v instanceof String ? Double.parseDouble(((String) v).trim()) : unsupportedDouble(v);
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(d + " is not a finite number");
      }
      return d;
    });
  }

  /**
   * To {@code Boolean}: booleans; the numbers 1 and 0; the text (any case, trimmed) true/false,
   * yes/no, y/n, t/f, 1/0.
   *
   * @return the converter
   */
  public static Converter<Boolean> toBoolean() {
    return named("boolean", v -> {
      if (v instanceof Boolean) {
        return (Boolean) v;
      }
      if (v instanceof Number) {
        BigDecimal d = decimal(v);
        if (d.compareTo(BigDecimal.ONE) == 0) {
          return true;
        }
        if (d.signum() == 0) {
          return false;
        }
        throw new IllegalArgumentException(v + " is neither 1 nor 0");
      }
      if (v instanceof String) {
        switch (((String) v).trim().toLowerCase(Locale.ROOT)) {
          case "true": case "yes": case "y": case "t": case "1":
            return true;
          case "false": case "no": case "n": case "f": case "0":
            return false;
          default:
            throw new IllegalArgumentException("'" + v + "' is not a boolean word");
        }
      }
      throw unsupported(v);
    });
  }

  /**
   * To {@code String}: text as is; decimals in plain notation ({@code 1E+3} becomes
   * {@code "1000"}); instants and dates in ISO-8601; anything else by {@code toString}.
   *
   * @return the converter
   */
  public static Converter<String> toText() {
    return named("text", v -> v instanceof BigDecimal ? bounded((BigDecimal) v).toPlainString() : v.toString());
  }

  /**
   * To {@code Instant}: instants; ISO-8601 text with an offset or {@code Z}
   * ({@code 2024-05-01T10:00:00+02:00}); dates as the start of that day in UTC; integral numbers
   * as milliseconds since the epoch.
   *
   * @return the converter
   */
  public static Converter<Instant> toInstant() {
    return named("instant", v -> {
      if (v instanceof Instant) {
        return (Instant) v;
      }
      if (v instanceof LocalDate) {
        return ((LocalDate) v).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      if (v instanceof Long || v instanceof Integer) {
        return Instant.ofEpochMilli(((Number) v).longValue());
      }
      if (v instanceof String) {
        String s = ((String) v).trim();
        try {
          return Instant.parse(s);
        } catch (DateTimeParseException e) {
          return OffsetDateTime.parse(s).toInstant();
        }
      }
      throw unsupported(v);
    });
  }

  /**
   * To {@code LocalDate}: dates; ISO-8601 text ({@code 2024-05-01}); instants as their UTC date.
   *
   * @return the converter
   */
  public static Converter<LocalDate> toLocalDate() {
    return named("date", v -> {
      if (v instanceof LocalDate) {
        return (LocalDate) v;
      }
      if (v instanceof Instant) {
        return LocalDate.ofInstant((Instant) v, ZoneOffset.UTC);
      }
      if (v instanceof String) {
        return LocalDate.parse(((String) v).trim());
      }
      throw unsupported(v);
    });
  }

  /** {@return text in lower case (root locale), for example to normalise e-mail addresses} */
  public static Converter<String> lowerCase() {
    return named("lower case", v -> text(v).toLowerCase(Locale.ROOT));
  }

  /** {@return text without leading and trailing white space; blank text becomes null} */
  public static Converter<String> trimmed() {
    return named("trimmed", v -> {
      String s = text(v).strip();
      return s.isEmpty() ? null : s;
    });
  }

  /**
   * {@return a converter with a name for messages}
   *
   * @param <T> the type of the converted value
   * @param name a short name for messages, such as {@code "decimal"}
   * @param converter the converter
   */
  public static <T> Converter<T> named(String name, Converter<T> converter) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(converter, "converter");
    return new Converter<>() {
      @Override
      public T convert(Object value) throws Exception {
        return converter.convert(value);
      }

      @Override
      public String describe() {
        return name;
      }
    };
  }

  /**
   * {@return a converter from a plain function, with a name for messages}
   *
   * @param <T> the type of the converted value
   * @param name a short name for messages, such as {@code "decimal"}
   * @param function converts a non-null value, throwing to refuse it
   */
  public static <T> Converter<T> from(String name, Function<Object, T> function) {
    Objects.requireNonNull(function, "function");
    return named(name, function::apply);
  }

  private static BigDecimal decimal(Object v) {
    if (v instanceof BigDecimal) {
      return bounded((BigDecimal) v);
    }
    if (v instanceof Long || v instanceof Integer) {
      return BigDecimal.valueOf(((Number) v).longValue());
    }
    if (v instanceof Double) {
      return BigDecimal.valueOf((Double) v);
    }
    if (v instanceof String) {
      return parseDecimal((String) v);
    }
    throw unsupported(v);
  }

  /** Decimal text, refused beyond the limits before any work that grows with its exponent. */
  static BigDecimal parseDecimal(String text) {
    String s = text.trim();
    // Digits, a point, a sign and an exponent: longer text cannot be within the limits.
    if (s.length() > ValueLimits.MAX_DECIMAL_PRECISION + 16) {
      throw new IllegalArgumentException("the text is " + s.length() + " characters long, more than a decimal"
          + " within the limit of " + ValueLimits.MAX_DECIMAL_PRECISION + " digits");
    }
    return bounded(new BigDecimal(s));
  }

  /** {@code d}, refused beyond the decimal limits. */
  static BigDecimal bounded(BigDecimal d) {
    String problem = ValueLimits.decimalProblem(d);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return d;
  }

  private static String text(Object v) {
    if (v instanceof String) {
      return (String) v;
    }
    throw unsupported(v);
  }

  private static double unsupportedDouble(Object v) {
    throw unsupported(v);
  }

  private static IllegalArgumentException unsupported(Object v) {
    return new IllegalArgumentException("cannot convert a " + v.getClass().getSimpleName());
  }
}
