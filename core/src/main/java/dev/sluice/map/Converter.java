package dev.sluice.map;

/**
 * Converts one field value to another type. {@link Convert} has the common ones.
 *
 * <p>A converter receives non-null values only (a null field stays null without calling it). Any
 * exception it throws rejects the record, with a reason that names the field, the value's type
 * and the converter.
 *
 * @param <T> the result type; must be one of the value types {@link dev.sluice.Record} accepts
 */
@FunctionalInterface
public interface Converter<T> {

  /**
   * Converts a non-null value.
   *
   * @param value the value, never null
   * @return the converted value
   * @throws Exception when the value cannot be converted: its message becomes the reason the record
   *     is rejected
   */
  T convert(Object value) throws Exception;

  /** {@return a short name for messages, such as "decimal"} */
  default String describe() {
    return "custom conversion";
  }
}
