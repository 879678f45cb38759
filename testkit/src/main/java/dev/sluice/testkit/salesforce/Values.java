package dev.sluice.testkit.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/** How the fake reads a field's value from JSON or CSV and checks it, as Salesforce does. */
final class Values {

  /** Salesforce's datetime format in answers: {@code 2026-03-04T05:06:07.000+0000}. */
  static final DateTimeFormatter DATETIME = new DateTimeFormatterBuilder()
      .appendPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").toFormatter(Locale.ROOT).withZone(ZoneOffset.UTC);

  private Values() {}

  /** A value that cannot be read as the field's type: the whole request (JSON) or the row (CSV) fails. */
  static final class FormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FormatException(String message) {
      super(message);
    }
  }

  /** A value of the right type that the field refuses: fails the record. */
  static final class RecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String statusCode;
    final List<String> fields;

    RecordException(String statusCode, String message, List<String> fields) {
      super(message);
      this.statusCode = statusCode;
      this.fields = List.copyOf(fields);
    }
  }

  /** The value of a JSON node for {@code f}. */
  static Object fromJson(SObjectField f, JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    switch (f.type) {
      case "double":
      case "int":
      case "currency":
      case "percent":
        if (node.isNumber()) {
          return number(f, node.decimalValue());
        }
        if (node.isTextual()) {
          return number(f, parseNumber(f, node.asText()));
        }
        throw new FormatException("Cannot deserialize instance of " + f.type + " from " + kind(node) + " value "
            + node + " or request may be missing a required field");
      case "boolean":
        if (node.isBoolean()) {
          return node.booleanValue();
        }
        if (node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"))) {
          return Boolean.valueOf(node.asText());
        }
        throw new FormatException("Cannot deserialize instance of boolean from " + kind(node) + " value " + node);
      default:
        if (!node.isValueNode()) {
          throw new FormatException("Cannot deserialize instance of " + f.type + " from " + kind(node) + " value");
        }
        return fromText(f, node.asText());
    }
  }

  /** The value of CSV text for {@code f} ({@code #N/A} is null; the caller skips empty cells). */
  static Object fromCsv(SObjectField f, String text) {
    if (text.equals("#N/A")) {
      return null;
    }
    switch (f.type) {
      case "double":
      case "int":
      case "currency":
      case "percent":
        return number(f, parseNumber(f, text));
      case "boolean":
        String b = text.trim().toLowerCase(Locale.ROOT);
        if (b.equals("true") || b.equals("1")) {
          return true;
        }
        if (b.equals("false") || b.equals("0")) {
          return false;
        }
        throw new FormatException(f.name + ": value not of required type: " + text);
      default:
        return fromText(f, text);
    }
  }

  private static Object fromText(SObjectField f, String text) {
    switch (f.type) {
      case "date":
        try {
          return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
          throw new FormatException("Cannot deserialize instance of date from VALUE_STRING value " + text
              + " or request may be missing a required field");
        }
      case "datetime":
        return instant(text);
      default:
        String s = text;
        if (s.isEmpty()) {
          return null; // Salesforce stores an empty text as null
        }
        if (s.length() > f.length && f.length > 0) {
          throw new RecordException("STRING_TOO_LONG", label(f) + ": data value too large: " + excerpt(s)
              + " (max length=" + f.length + ")", List.of(f.name));
        }
        if (f.type.equals("email") && !s.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
          throw new RecordException("INVALID_EMAIL_ADDRESS", label(f) + ": invalid email address: " + s, List.of(f.name));
        }
        if (f.type.equals("picklist") && f.restrictedPicklist && !f.picklistValues.contains(s)) {
          throw new RecordException("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", label(f)
              + ": bad value for restricted picklist field: " + s, List.of(f.name));
        }
        return s;
    }
  }

  private static Instant instant(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text, DATETIME).toInstant();
      } catch (DateTimeParseException again) {
        throw new FormatException("Cannot deserialize instance of datetime from VALUE_STRING value " + text
            + " or request may be missing a required field");
      }
    }
  }

  private static BigDecimal parseNumber(SObjectField f, String text) {
    try {
      return new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      throw new FormatException("Cannot deserialize instance of " + f.type + " from VALUE_STRING value " + text);
    }
  }

  private static BigDecimal number(SObjectField f, BigDecimal value) {
    BigDecimal scaled = value.setScale(f.scale, RoundingMode.HALF_UP);
    int integerDigits = scaled.precision() - scaled.scale();
    if (integerDigits > f.precision - f.scale) {
      throw new RecordException("NUMBER_OUTSIDE_VALID_RANGE", label(f) + ": value outside of valid range on numeric"
          + " field: " + value.toPlainString(), List.of(f.name));
    }
    return scaled;
  }

  /** The value as it appears in JSON answers. */
  static Object toJson(Object value) {
    if (value instanceof Instant) {
      return DATETIME.format((Instant) value);
    }
    if (value instanceof LocalDate) {
      return value.toString();
    }
    return value;
  }

  /** The value as it appears in result CSV files. */
  static String toCsv(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof BigDecimal) {
      return ((BigDecimal) value).toPlainString();
    }
    return String.valueOf(toJson(value));
  }

  private static String label(SObjectField f) {
    return f.name.replace("__c", "").replace('_', ' ');
  }

  private static String excerpt(String s) {
    return s.length() <= 20 ? s : s.substring(0, 20) + "...";
  }

  private static String kind(JsonNode node) {
    return node.isTextual() ? "VALUE_STRING" : node.isNumber() ? "VALUE_NUMBER" : node.isBoolean() ? "VALUE_BOOLEAN"
        : node.isArray() ? "START_ARRAY" : "START_OBJECT";
  }
}
