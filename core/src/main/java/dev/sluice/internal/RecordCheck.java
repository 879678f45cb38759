package dev.sluice.internal;

import dev.sluice.Record;
import dev.sluice.RecordShape;
import dev.sluice.ValueLimits;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Checks a mapped record against {@link ValueLimits} before it is hashed or sent, so that a value
 * that would arrive altered (a lone surrogate, NaN) or cost unbounded time (a decimal of a million
 * digits) rejects its record instead of passing or sinking a run. Not thread-safe: one instance
 * per thread.
 */
final class RecordCheck {

  private final boolean nonFiniteNumbers;
  private final boolean valuesCheckedByHash;
  private RecordShape checkedShape;
  private String shapeProblem;

  /**
   * @param nonFiniteNumbers whether the destination takes NaN and infinities
   * @param valuesCheckedByHash whether the records are hashed by {@link CheckedHash}, which checks
   *     their values on the way: then {@link #problem} checks only the field names, and the values
   *     cost no second pass
   */
  RecordCheck(boolean nonFiniteNumbers, boolean valuesCheckedByHash) {
    this.nonFiniteNumbers = nonFiniteNumbers;
    this.valuesCheckedByHash = valuesCheckedByHash;
  }

  /** Why the record's key cannot be used, with the key shown escaped; null when it can. */
  static String keyProblem(String key) {
    String problem = ValueLimits.keyProblem(key);
    return problem == null ? null : "key '" + ValueLimits.escape(key) + "': " + problem;
  }

  /**
   * Why the mapped record cannot be sent, naming the field; null when it can (as far as this check
   * goes: with {@code valuesCheckedByHash}, the values are checked when hashed).
   */
  String problem(Record record) {
    RecordShape shape = record.shape();
    if (shape != checkedShape) {
      shapeProblem = null;
      for (String name : shape.names()) {
        String p = ValueLimits.textProblem(name);
        if (p != null) {
          shapeProblem = "field name '" + ValueLimits.escape(name) + "': " + p;
          break;
        }
      }
      checkedShape = shape;
    }
    if (shapeProblem != null || valuesCheckedByHash) {
      return shapeProblem;
    }
    return valuesProblem(record);
  }

  /** Why one of the record's values cannot be sent, naming the field; null when none. */
  String valuesProblem(Record record) {
    RecordShape shape = record.shape();
    for (int i = 0; i < record.size(); i++) {
      String p = value(record.get(i));
      if (p != null) {
        return p.startsWith("\u0000") ? "field '" + shape.name(i) + p.substring(1)
            : "field '" + shape.name(i) + "': " + p;
      }
    }
    return null;
  }

  /**
   * The problem of one value, or null. A problem inside a list or map comes back as NUL, the
   * path below the field, a quote and the text, so that the caller can prefix the field's name.
   */
  private String value(Object v) {
    if (v == null || v instanceof Long || v instanceof Integer || v instanceof Boolean) {
      return null;
    }
    if (v instanceof String) {
      return ValueLimits.textProblem((String) v);
    }
    if (v instanceof Double) {
      return nonFiniteNumbers ? null : ValueLimits.doubleProblem((Double) v);
    }
    if (v instanceof BigDecimal) {
      return ValueLimits.decimalProblem((BigDecimal) v);
    }
    if (v instanceof List) {
      List<?> list = (List<?>) v;
      for (int i = 0; i < list.size(); i++) {
        String p = value(list.get(i));
        if (p != null) {
          return nested("[" + i + "]", p);
        }
      }
      return null;
    }
    if (v instanceof Map) {
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        String name = (String) e.getKey();
        String p = ValueLimits.textProblem(name);
        if (p != null) {
          return nested("." + ValueLimits.escape(name), "the map key: " + p);
        }
        p = value(e.getValue());
        if (p != null) {
          return nested("." + name, p);
        }
      }
      return null;
    }
    return null;
  }

  private static String nested(String step, String problem) {
    return problem.startsWith("\u0000") ? "\u0000" + step + problem.substring(1) : "\u0000" + step + "': " + problem;
  }
}
