package dev.sluice;

import java.math.BigDecimal;

/**
 * The limits every key and value that a sync sends must keep, so that each record costs bounded
 * time and memory and reaches every state store and destination unchanged. A run rejects a record
 * beyond them, naming its key and field; nothing else of the run is affected.
 *
 * <ul>
 *   <li><b>Keys</b>: valid Unicode text (no lone UTF-16 surrogate), no NUL character, at most
 *       {@value #MAX_KEY_BYTES} bytes in UTF-8 — what every state store can hold exactly.
 *   <li><b>Text</b> (values, map keys): valid Unicode; a lone surrogate cannot be written as UTF-8
 *       and would arrive altered.
 *   <li><b>Decimals</b>: at most {@value #MAX_DECIMAL_PRECISION} significant digits, and a scale
 *       (digits after the point; negative for powers of ten) between -{@value #MAX_DECIMAL_SCALE}
 *       and {@value #MAX_DECIMAL_SCALE}, so that the plain notation of any decimal has at most
 *       about 2,000 digits. {@code 1e1000000} is refused, not expanded.
 *   <li><b>Doubles</b>: finite. JSON has no NaN or infinity, so they are refused unless the
 *       destination declares it takes them ({@link
 *       dev.sluice.destination.Capabilities#nonFiniteNumbers()}).
 *   <li><b>Nesting</b>: lists and maps at most {@value #MAX_NESTING_DEPTH} levels deep; a record
 *       nested deeper cannot be made ({@link Record#of} refuses it, naming the field), and a
 *       source value nested deeper rejects its record.
 * </ul>
 */
public final class ValueLimits {

  /** The most bytes a key may have in UTF-8. */
  public static final int MAX_KEY_BYTES = 2_000;
  /** The most significant digits of a decimal. */
  public static final int MAX_DECIMAL_PRECISION = 1_000;
  /** The largest absolute scale of a decimal. */
  public static final int MAX_DECIMAL_SCALE = 1_000;
  /** The deepest nesting of lists and maps in a value (a list of scalars is level 1). */
  public static final int MAX_NESTING_DEPTH = 100;

  private ValueLimits() {}

  /**
   * {@return why {@code key} cannot be a record key, or null when it can}
   *
   * @param key a non-null key
   */
  public static String keyProblem(String key) {
    int bytes = 0;
    int n = key.length();
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (c == 0) {
        return "the key contains a NUL character at index " + i + "; no state store can keep it";
      }
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(key.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        return "the key is not valid Unicode: " + loneSurrogate(c, i);
      } else {
        bytes += 3;
      }
    }
    if (bytes > MAX_KEY_BYTES) {
      return "the key is " + bytes + " bytes in UTF-8, more than the limit of " + MAX_KEY_BYTES
          + " (shorten it, or hash it in the source)";
    }
    return null;
  }

  /**
   * {@return why {@code text} is not valid Unicode (it holds a lone surrogate), or null when it is}
   *
   * @param text the text
   */
  public static String textProblem(String text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return "the text is not valid Unicode: " + loneSurrogate(c, i);
        }
      }
    }
    return null;
  }

  /**
   * {@return why {@code value} is beyond the decimal limits, or null when it is within them}
   *
   * @param value the value
   */
  public static String decimalProblem(BigDecimal value) {
    int scale = value.scale();
    if (scale > MAX_DECIMAL_SCALE || scale < -MAX_DECIMAL_SCALE) {
      return "the decimal has a scale of " + scale + " (" + shortForm(value) + "); the limit is "
          + MAX_DECIMAL_SCALE + " either way";
    }
    // More bits than 1,000 digits need is refused before precision() counts the digits.
    if (value.unscaledValue().bitLength() > 3_330) {
      return "the decimal has more than " + MAX_DECIMAL_PRECISION + " significant digits; that is the limit";
    }
    int precision = value.precision();
    if (precision > MAX_DECIMAL_PRECISION) {
      return "the decimal has " + precision + " significant digits; the limit is " + MAX_DECIMAL_PRECISION;
    }
    return null;
  }

  /**
   * {@return why {@code value} is not a finite number, or null when it is}
   *
   * @param value the value
   */
  public static String doubleProblem(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return value + " is not a finite number, and JSON has none such (map it to null or text)";
    }
    return null;
  }

  /**
   * {@return {@code text} for a message: control characters and lone surrogates written as Java escapes
   * (a backslash, {@code u} and four hex digits) (so that the message itself stays valid text), and cut after 200 characters}
   *
   * @param text the text
   */
  public static String escape(String text) {
    StringBuilder sb = new StringBuilder(Math.min(text.length(), 200) + 8);
    int shown = Math.min(text.length(), 200);
    for (int i = 0; i < shown; i++) {
      char c = text.charAt(i);
      boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
      if (pair) {
        sb.append(c).append(text.charAt(++i));
      } else if (c < 0x20 || c == 0x7F || Character.isSurrogate(c)) {
        sb.append(String.format("\\u%04X", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (shown < text.length()) {
      sb.append("... (").append(text.length()).append(" characters)");
    }
    return sb.toString();
  }

  private static String loneSurrogate(char c, int index) {
    return String.format("a lone surrogate \\u%04X at index %d", (int) c, index);
  }

  private static String shortForm(BigDecimal value) {
    // unscaledValue() of a bounded-precision decimal is cheap; its toString is scientific, never expanded.
    return value.precision() <= 20 ? value.toString() : "a " + value.precision() + "-digit number";
  }
}
