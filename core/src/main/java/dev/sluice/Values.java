package dev.sluice;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Brings field values into the JSON-compatible set that {@link Record} documents. */
final class Values {

  private Values() {}

  static Object normalize(Object value, String key, String field) {
    return normalize(value, key, field, 0);
  }

  private static Object normalize(Object value, String key, String field, int depth) {
    if (value == null) {
      return null;
    }
    Class<?> type = value.getClass();
    // The common types first, so that most values cost one comparison.
    if (type == String.class || type == Long.class || type == Integer.class
        || type == BigDecimal.class || type == Boolean.class || type == Double.class
        || type == Instant.class || type == LocalDate.class) {
      return value;
    }
    if (value instanceof Short || value instanceof Byte) {
      return ((Number) value).intValue();
    }
    if (value instanceof Float) {
      // Through the decimal text, so that 0.1f stays 0.1 rather than 0.10000000149011612.
      return Double.parseDouble(value.toString());
    }
    if (value instanceof BigInteger) {
      return new BigDecimal((BigInteger) value);
    }
    if (value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof OffsetDateTime) {
      return ((OffsetDateTime) value).toInstant();
    }
    if (value instanceof ZonedDateTime) {
      return ((ZonedDateTime) value).toInstant();
    }
    if (value instanceof java.sql.Date) {
      return ((java.sql.Date) value).toLocalDate();
    }
    if (value instanceof java.util.Date && !(value instanceof java.sql.Time)) {
      return ((java.util.Date) value).toInstant(); // a java.sql.Time has no instant: unsupported below
    }
    if (value instanceof Character || value instanceof UUID || value instanceof Enum) {
      return value instanceof Enum ? ((Enum<?>) value).name() : value.toString();
    }
    if ((value instanceof List || value instanceof Map) && depth == ValueLimits.MAX_NESTING_DEPTH) {
      // Checked before descending: a self-containing map would otherwise recurse until the stack ends.
      throw new IllegalArgumentException("record '" + key + "', field '" + field + "': nested deeper than "
          + ValueLimits.MAX_NESTING_DEPTH + " levels of lists and maps (the limit)");
    }
    if (value instanceof List) {
      List<?> list = (List<?>) value;
      List<Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(normalize(list.get(i), key, field + "[" + i + "]", depth + 1));
      }
      return Collections.unmodifiableList(copy);
    }
    if (value instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) value;
      Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new IllegalArgumentException(
              "record '" + key + "', field '" + field + "': map keys must be strings, found "
                  + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
        }
        String name = (String) e.getKey();
        copy.put(name, normalize(e.getValue(), key, field + "." + name, depth + 1));
      }
      return Collections.unmodifiableMap(copy);
    }
    throw new IllegalArgumentException(
        "record '" + key + "', field '" + field + "': unsupported value type " + type.getName()
            + "; use String, Long, Integer, BigDecimal, Double, Boolean, Instant, LocalDate, List,"
            + " Map or null (convert it in the mapping)");
  }
}
