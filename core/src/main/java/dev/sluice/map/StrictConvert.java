package dev.sluice.map;

import dev.sluice.ValueLimits;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Strict conversions of a record's value to the type a destination's typed field takes, for
 * connectors writing records. Where {@link Convert} is lenient for mappings ({@code "yes"} is
 * true, any instant has a day), these refuse whatever a destination could only store by guessing:
 * a date-time that is not midnight UTC for a date, a word other than true or false for a boolean.
 *
 * <p>Each method takes a non-null value of a type a {@link dev.sluice.Record} holds, or its text
 * form, and throws {@link IllegalArgumentException} with a message that says what is wrong with
 * the value, such as {@code "'lots' is not a number"}. The message does not name the record or
 * the field: the connector prefixes them (for example {@code "field 'score' (HubSpot number
 * property): "}) so that the rejected record's reason says which value to fix. Decimal text is
 * held to the {@linkplain ValueLimits decimal limits} before it is expanded, so that
 * {@code "1e1000000"} costs no more than {@code "1"}.
 */
public final class StrictConvert {

  private StrictConvert() {}

  /**
   * {@return {@code value} as an exact decimal} Takes decimals, whole numbers, finite doubles
   * (through their shortest decimal text, so that {@code 0.1} stays {@code 0.1}) and decimal text
   * (trimmed, such as {@code " 19.90 "}). NaN and infinities are refused, as is a decimal beyond
   * the {@linkplain ValueLimits decimal limits}.
   *
   * @param value a non-null value
   * @throws IllegalArgumentException saying why the value is not such a number
   */
  public static BigDecimal decimal(Object value) {
    Objects.requireNonNull(value, "value");
    if (value instanceof BigDecimal) {
      return Convert.bounded((BigDecimal) value);
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException(value + " is not a finite number");
      }
      return BigDecimal.valueOf(d);
    }
    if (value instanceof Number) {
      return Convert.bounded(new BigDecimal(value.toString()));
    }
    if (value instanceof String) {
      try {
        return Convert.parseDecimal((String) value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + value + "' is not a number");
      }
    }
    throw new IllegalArgumentException(describe(value) + " is not a number");
  }

  /**
   * {@return {@code value} as a boolean} Takes booleans and the text {@code true} or
   * {@code false} (any case, trimmed); nothing else, not even {@code "yes"} or {@code 1}.
   *
   * @param value a non-null value
   * @throws IllegalArgumentException saying that the value is not a boolean
   */
  public static boolean bool(Object value) {
    Objects.requireNonNull(value, "value");
    if (value instanceof Boolean) {
      return (Boolean) value;
    }
    if (value instanceof String) {
      String s = ((String) value).trim().toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("false")) {
        return Boolean.parseBoolean(s);
      }
    }
    throw new IllegalArgumentException(describe(value) + " is not a boolean (true or false)");
  }

  /**
   * {@return {@code value} as a day} Takes dates, instants at midnight UTC and ISO-8601 date text
   * ({@code 2024-05-01}, trimmed). An instant at another time is refused rather than cut to its
   * day, since the day it falls on depends on a time zone the mapping should choose.
   *
   * @param value a non-null value
   * @throws IllegalArgumentException saying why the value is not a day
   */
  public static LocalDate date(Object value) {
    Objects.requireNonNull(value, "value");
    if (value instanceof LocalDate) {
      return (LocalDate) value;
    }
    if (value instanceof Instant) {
      Instant instant = (Instant) value;
      LocalDate day = LocalDate.ofInstant(instant, ZoneOffset.UTC);
      if (!day.atStartOfDay(ZoneOffset.UTC).toInstant().equals(instant)) {
        throw new IllegalArgumentException(instant + " is not midnight UTC; a date field holds a day:"
            + " convert the value to a date in the mapping");
      }
      return day;
    }
    if (value instanceof String) {
      try {
        return LocalDate.parse(((String) value).trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + value + "' is not a date (YYYY-MM-DD)");
      }
    }
    throw new IllegalArgumentException(describe(value) + " is not a date");
  }

  /**
   * {@return {@code value} as an instant} Takes instants; dates, as the start of their day in
   * UTC; whole numbers ({@code Long}, {@code Integer}) as milliseconds since the epoch; ISO-8601
   * text with an offset ({@code 2026-03-04T05:06:07Z}) and without one, read as UTC
   * ({@code 2026-03-04T05:06:07}).
   *
   * @param value a non-null value
   * @throws IllegalArgumentException saying why the value is not a date-time
   */
  public static Instant instant(Object value) {
    Objects.requireNonNull(value, "value");
    if (value instanceof Instant) {
      return (Instant) value;
    }
    if (value instanceof LocalDate) {
      return ((LocalDate) value).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    if (value instanceof Long || value instanceof Integer) {
      return Instant.ofEpochMilli(((Number) value).longValue());
    }
    if (value instanceof String) {
      String s = ((String) value).trim();
      try {
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e) {
        try {
          return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException again) {
          throw new IllegalArgumentException("'" + value + "' is not a date-time (ISO-8601, such as"
              + " 2026-03-04T05:06:07Z)");
        }
      }
    }
    throw new IllegalArgumentException(describe(value) + " is not a date-time");
  }

  /**
   * {@return {@code value} as text for a text field} Lists and maps as JSON text, written by
   * {@code json} (such as {@code JsonClient::toJson}, so that they read as the request bodies
   * do); decimals in plain notation ({@code 1E+3} becomes {@code "1000"}); anything else by
   * {@code toString}.
   *
   * @param value a non-null value
   * @param json writes a list or map as JSON text, throwing {@link IllegalArgumentException} when
   *     it cannot
   * @throws IllegalArgumentException when a list or map cannot be written as JSON text, or a
   *     decimal is beyond the {@linkplain ValueLimits decimal limits}
   */
  public static String text(Object value, Function<Object, String> json) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(json, "json");
    if (value instanceof Map || value instanceof Collection) {
      try {
        return json.apply(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("cannot be written as JSON text: " + e.getMessage(), e);
      }
    }
    return value instanceof BigDecimal ? Convert.bounded((BigDecimal) value).toPlainString() : value.toString();
  }

  private static String describe(Object value) {
    return value.getClass().getSimpleName() + " " + value;
  }
}
