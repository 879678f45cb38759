package dev.sluice.destination;

import dev.sluice.Record;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * How the engine measures records against {@link Capabilities#maxBytesPerBatch()}: the length of
 * the record's key as a JSON string plus its fields as a compact UTF-8 JSON object (instants and
 * dates as ISO-8601 strings), counted without building the text. A destination whose wire format
 * differs should leave room for the difference in its limit.
 */
public final class RecordSize {

  private RecordSize() {}

  /**
   * {@return the JSON size in bytes of {@code record}: its key and its fields}
   *
   * @param record the record
   */
  public static long jsonBytes(Record record) {
    long size = text(record.key()) + 2; // key, braces of the fields object
    for (int i = 0; i < record.size(); i++) {
      size += text(record.shape().name(i)) + 1 + value(record.get(i)) + (i > 0 ? 1 : 0);
    }
    return size;
  }

  private static long value(Object v) {
    if (v == null) {
      return 4;
    }
    if (v instanceof String) {
      return text((String) v);
    }
    if (v instanceof BigDecimal) {
      return ((BigDecimal) v).toString().length();
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString().length();
    }
    if (v instanceof List) {
      long size = 2;
      List<?> list = (List<?>) v;
      for (int i = 0; i < list.size(); i++) {
        size += value(list.get(i)) + (i > 0 ? 1 : 0);
      }
      return size;
    }
    if (v instanceof Map) {
      long size = 2;
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        size += text((String) e.getKey()) + 1 + value(e.getValue()) + (first ? 0 : 1);
        first = false;
      }
      return size;
    }
    return v.toString().length() + 2; // instants and dates as ISO-8601 strings
  }

  /** A JSON string literal: quotes, escapes and UTF-8. */
  private static long text(String s) {
    if (s == null) {
      return 4;
    }
    long size = 2;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        size += 2;
      } else if (c < 0x20) {
        size += 6;
      } else if (c < 0x80) {
        size += 1;
      } else if (c < 0x800) {
        size += 2;
      } else if (Character.isHighSurrogate(c)) {
        size += 4;
        i++;
      } else {
        size += 3;
      }
    }
    return size;
  }
}
