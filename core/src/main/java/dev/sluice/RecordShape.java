package dev.sluice;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The ordered, distinct field names that many records share, such as the columns of a query or the
 * targets of a {@link dev.sluice.map.Mapping}.
 *
 * <p>Creating records through one shape saves each record its own copy of the names and lets the
 * engine reuse work per shape (for example the canonical field order used for hashing). Shapes are
 * immutable and thread-safe.
 *
 * <pre>{@code
 * RecordShape shape = RecordShape.of("email", "plan", "score");
 * Record r = shape.record("42", "ada@example.com", "pro", 97L);
 * }</pre>
 */
public final class RecordShape {

  private final String[] names;

  private RecordShape(String[] names) {
    this.names = names;
  }

  /**
   * {@return a shape with the given field names in this order}
   *
   * @param names the field names, in order
   * @throws IllegalArgumentException if a name is null, empty or repeated
   */
  public static RecordShape of(String... names) {
    Objects.requireNonNull(names, "names");
    String[] copy = names.clone();
    for (int i = 0; i < copy.length; i++) {
      String name = copy[i];
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("field name at position " + i + " is null or empty");
      }
      for (int j = 0; j < i; j++) {
        if (copy[j].equals(name)) {
          throw new IllegalArgumentException("field name '" + name + "' appears twice");
        }
      }
    }
    return new RecordShape(copy);
  }

  /**
   * {@return a shape with the given field names in this order}
   *
   * @param names the field names, in order
   */
  public static RecordShape of(List<String> names) {
    return of(names.toArray(new String[0]));
  }

  /** {@return the number of fields} */
  public int size() {
    return names.length;
  }

  /**
   * {@return the field name at {@code index}}
   *
   * @param index the position, from 0
   */
  public String name(int index) {
    return names[index];
  }

  /** {@return the field names, in order} */
  public List<String> names() {
    return List.of(names);
  }

  /**
   * {@return the position of {@code name}, or -1 when the shape has no such field}
   *
   * @param name the name
   */
  public int indexOf(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Creates a record of this shape. Values are taken in field order and normalised as described in
   * {@link Record}.
   *
   * @param key the record key; null is allowed here and makes the engine reject the record
   * @param values the values, in field order
   * @return the record
   * @throws IllegalArgumentException if the number of values differs from the number of fields, or
   *     a
   *     value is not JSON-compatible
   */
  public Record record(String key, Object... values) {
    if (values.length != names.length) {
      throw new IllegalArgumentException(
          "record '" + key + "' has " + values.length + " values for " + names.length + " fields "
              + Arrays.toString(names));
    }
    Object[] normalized = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      normalized[i] = Values.normalize(values[i], key, names[i]);
    }
    return new Record(key, this, normalized);
  }

  String[] namesArray() {
    return names;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordShape && Arrays.equals(names, ((RecordShape) o).names);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(names);
  }

  @Override
  public String toString() {
    return Arrays.toString(names);
  }
}
