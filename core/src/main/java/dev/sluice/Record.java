package dev.sluice;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * One row on its way from a source to a destination: a string key that identifies it in both
 * systems, and ordered fields with JSON-compatible values.
 *
 * <p>Values are {@code null}, {@link String}, {@link Integer}, {@link Long},
 * {@link java.math.BigDecimal}, {@link Double}, {@link Boolean}, {@link java.time.Instant},
 * {@link java.time.LocalDate}, or a {@link java.util.List} / {@link java.util.Map} (string keys) of
 * such values. Common neighbours are converted on the way in: {@code Short} and {@code Byte} to
 * {@code Integer}, {@code Float} to {@code Double} (through its decimal text), {@code BigInteger}
 * to {@code BigDecimal}, {@code OffsetDateTime}, {@code ZonedDateTime} and {@code java.util.Date}
 * to {@code Instant}, {@code java.sql.Date} to {@code LocalDate}, and {@code Character},
 * {@code UUID} and enums to {@code String}. Anything else is refused with an
 * {@link IllegalArgumentException} naming the key and the field.
 *
 * <p>Typed accessors ({@link #getText}, {@link #getLong}, {@link #getDecimal}, {@link #getInstant},
 * {@link #getDate}, {@link #getBoolean}, {@link #getList}, {@link #getMap}) read a field without a
 * cast, for {@code compute} lambdas: {@code r -> r.getDecimal("price").multiply(r.getDecimal("qty"))}.
 * They return null for a null value and throw an {@link IllegalArgumentException} naming the key and
 * the field for a field the record lacks or a value of another type — in a mapping, that rejects the
 * record with the message as its reason.
 *
 * <p>Records are immutable: lists and maps are copied when the record is made. The key may be
 * null here so that a source can hand over a row without one; the engine rejects such a record
 * and reports it. Two records are equal when their keys, field names (in order) and values are
 * equal.
 */
public final class Record {

  private static final RecordShape EMPTY = RecordShape.of();

  private final String key;
  private final RecordShape shape;
  private final Object[] values;
  private final String unreadable;

  Record(String key, RecordShape shape, Object[] values) {
    this(key, shape, values, null);
  }

  private Record(String key, RecordShape shape, Object[] values, String unreadable) {
    this.key = key;
    this.shape = shape;
    this.values = values;
    this.unreadable = unreadable;
  }

  /**
   * {@return a record with the fields of {@code fields}, in its iteration order (use a
   * {@link LinkedHashMap} to control the order)}
   *
   * @param key the record key
   * @param fields the field values by name, in the map's iteration order
   * @throws IllegalArgumentException if a field name is null or empty, or a value is not
   *     JSON-compatible
   */
  public static Record of(String key, Map<String, ?> fields) {
    Objects.requireNonNull(fields, "fields");
    String[] names = new String[fields.size()];
    Object[] values = new Object[fields.size()];
    int i = 0;
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      names[i] = e.getKey();
      values[i] = e.getValue();
      i++;
    }
    return RecordShape.of(names).record(key, values);
  }

  /**
   * {@return a record with a key and no fields, as used for deletes}
   *
   * @param key the record key
   */
  public static Record keyOnly(String key) {
    return new Record(key, EMPTY, new Object[0]);
  }

  /**
   * {@return a row a source could identify but not read: a value of it is beyond what a record holds (JSON
   * nested too deep, a value the database cannot hand over)} The engine rejects it with
   * {@code reason} and its key, and the run goes on; the key counts as present, so it is never
   * taken for a deleted one.
   *
   * @param key the row's key
   * @param reason what could not be read, naming the column
   */
  public static Record unreadable(String key, String reason) {
    return new Record(Objects.requireNonNull(key, "key"), EMPTY, new Object[0],
        Objects.requireNonNull(reason, "reason"));
  }

  /**
   * {@return why the source could not read this record's values ({@link #unreadable(String, String)}), or
   * null for an ordinary record}
   */
  public String unreadableReason() {
    return unreadable;
  }

  /**
   * Starts a record with the given key; fields keep the order in which they are set.
   *
   * @param key the record key
   * @return a builder to configure it with
   */
  public static Builder builder(String key) {
    return new Builder(key);
  }

  /** {@return the key, or null when the source gave none} */
  public String key() {
    return key;
  }

  /** {@return the field names of this record, in order} */
  public RecordShape shape() {
    return shape;
  }

  /** {@return the number of fields} */
  public int size() {
    return values.length;
  }

  /**
   * {@return whether the record has a field of that name (its value may still be null)}
   *
   * @param field the field name
   */
  public boolean has(String field) {
    return shape.indexOf(field) >= 0;
  }

  /**
   * {@return the value of {@code field}, or null when the field is null or absent}
   *
   * @param field the field name
   */
  public Object get(String field) {
    int i = shape.indexOf(field);
    return i < 0 ? null : values[i];
  }

  /**
   * {@return the value at {@code index} in field order}
   *
   * @param index the position, from 0
   */
  public Object get(int index) {
    return values[index];
  }

  /** {@return the fields as an unmodifiable map in field order; a view, not a copy} */
  public Map<String, Object> fields() {
    return new FieldMap();
  }

  /**
   * {@return the text in {@code field}, or null when the value is null}
   *
   * @param field the field name
   * @throws IllegalArgumentException if the record has no such field, or its value is not text;
   *     the message names the key, the field and the value's type
   */
  public String getText(String field) {
    Object value = value(field);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw mismatch(field, value, "text", "Convert.toText()");
  }

  /**
   * {@return the whole number in {@code field}, or null when the value is null} Integers widen,
   * and a {@code BigDecimal} is taken when it has no fraction and fits.
   *
   * @param field the field name
   * @throws IllegalArgumentException if the record has no such field, or its value is not a whole
   *     number that fits a {@code long}; the message names the key, the field and the value's type
   */
  public Long getLong(String field) {
    Object value = value(field);
    if (value == null || value instanceof Long) {
      return (Long) value;
    }
    if (value instanceof Integer) {
      return ((Integer) value).longValue();
    }
    if (value instanceof BigDecimal) {
      try {
        return ((BigDecimal) value).longValueExact();
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(where(field) + "the decimal has a fraction or does not fit a long;"
            + " round it in the mapping (Convert.toDecimal(0), then Convert.toLong()) or read it with getDecimal");
      }
    }
    throw mismatch(field, value, "a whole number", "Convert.toLong()");
  }

  /**
   * {@return the decimal in {@code field}, or null when the value is null} Whole numbers are taken
   * exactly; a {@code Double} is refused, since its binary value is not the decimal it shows.
   *
   * @param field the field name
   * @throws IllegalArgumentException if the record has no such field, or its value is not a decimal
   *     or a whole number; the message names the key, the field and the value's type
   */
  public BigDecimal getDecimal(String field) {
    Object value = value(field);
    if (value == null || value instanceof BigDecimal) {
      return (BigDecimal) value;
    }
    if (value instanceof Long || value instanceof Integer) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    throw mismatch(field, value, "a decimal", "Convert.toDecimal()");
  }

  /**
   * {@return the instant in {@code field}, or null when the value is null}
   *
   * @param field the field name
   * @throws IllegalArgumentException if the record has no such field, or its value is not an
   *     {@code Instant}; the message names the key, the field and the value's type
   */
  public Instant getInstant(String field) {
    Object value = value(field);
    if (value == null || value instanceof Instant) {
      return (Instant) value;
    }
    throw mismatch(field, value, "an instant", "Convert.toInstant()");
  }

  /**
   * {@return the date in {@code field}, or null when the value is null}
   *
   * @param field the field name
   * @throws IllegalArgumentException if the record has no such field, or its value is not a
   *     {@code LocalDate}; the message names the key, the field and the value's type
   */
  public LocalDate getDate(String field) {
    Object value = value(field);
    if (value == null || value instanceof LocalDate) {
      return (LocalDate) value;
    }
    throw mismatch(field, value, "a date", "Convert.toLocalDate()");
  }

  /**
   * {@return the boolean in {@code field}, or null when the value is null}
   *
   * @param field the field name
   * @throws IllegalArgumentException if the record has no such field, or its value is not a
   *     {@code Boolean}; the message names the key, the field and the value's type
   */
  public Boolean getBoolean(String field) {
    Object value = value(field);
    if (value == null || value instanceof Boolean) {
      return (Boolean) value;
    }
    throw mismatch(field, value, "a boolean", "Convert.toBoolean()");
  }

  /**
   * {@return the list in {@code field}, unmodifiable, or null when the value is null}
   *
   * @param field the field name
   * @throws IllegalArgumentException if the record has no such field, or its value is not a list;
   *     the message names the key, the field and the value's type
   */
  @SuppressWarnings("unchecked")
  public List<Object> getList(String field) {
    Object value = value(field);
    if (value == null || value instanceof List) {
      return (List<Object>) value;
    }
    throw mismatch(field, value, "a list", null);
  }

  /**
   * {@return the map in {@code field}, unmodifiable and in its order, or null when the value is
   * null}
   *
   * @param field the field name
   * @throws IllegalArgumentException if the record has no such field, or its value is not a map;
   *     the message names the key, the field and the value's type
   */
  @SuppressWarnings("unchecked")
  public Map<String, Object> getMap(String field) {
    Object value = value(field);
    if (value == null || value instanceof Map) {
      return (Map<String, Object>) value;
    }
    throw mismatch(field, value, "a map", null);
  }

  private Object value(String field) {
    int i = shape.indexOf(field);
    if (i < 0) {
      throw new IllegalArgumentException(where(field) + "no such field; the record has "
          + (values.length == 0 ? "no fields" : String.join(", ", shape.names())));
    }
    return values[i];
  }

  private IllegalArgumentException mismatch(String field, Object value, String wanted, String converter) {
    return new IllegalArgumentException(where(field) + "the value is " + typeName(value) + ", not " + wanted
        + (converter == null ? "" : "; convert it in the mapping with " + converter + ", or read it with get(field)"));
  }

  private String where(String field) {
    return "record '" + key + "', field '" + field + "': ";
  }

  private static String typeName(Object value) {
    if (value instanceof String) {
      return "text";
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value instanceof Map) {
      return "a map";
    }
    String name = value.getClass().getSimpleName();
    return ("AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
  }

  /**
   * {@return a copy of this record under another key}
   *
   * @param newKey the new key
   */
  public Record withKey(String newKey) {
    return new Record(newKey, shape, values, unreadable);
  }

  /** Builds a record field by field. Not thread-safe. */
  public static final class Builder {
    private final String key;
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private Builder(String key) {
      this.key = key;
    }

    /**
     * Sets a field; setting the same name again replaces its value and keeps its position.
     *
     * @param field the field name
     * @param value the value
     * @return this builder
     */
    public Builder set(String field, Object value) {
      if (field == null || field.isEmpty()) {
        throw new IllegalArgumentException("record '" + key + "': field name is null or empty");
      }
      fields.put(field, value);
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the record
     */
    public Record build() {
      return Record.of(key, fields);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Record)) {
      return false;
    }
    Record other = (Record) o;
    return Objects.equals(key, other.key)
        && Arrays.equals(shape.namesArray(), other.shape.namesArray())
        && Arrays.equals(values, other.values)
        && Objects.equals(unreadable, other.unreadable);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hashCode(key) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Record{key=").append(key);
    if (unreadable != null) {
      sb.append(", unreadable: ").append(unreadable);
    }
    for (int i = 0; i < values.length; i++) {
      sb.append(", ").append(shape.name(i)).append('=').append(values[i]);
    }
    return sb.append('}').toString();
  }

  private final class FieldMap extends AbstractMap<String, Object> {
    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, Object>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < values.length;
            }

            @Override
            public Entry<String, Object> next() {
              if (next >= values.length) {
                throw new NoSuchElementException();
              }
              int i = next++;
              return new SimpleImmutableEntry<>(shape.name(i), values[i]);
            }
          };
        }

        @Override
        public int size() {
          return values.length;
        }
      };
    }

    @Override
    public Object get(Object name) {
      return name instanceof String ? Record.this.get((String) name) : null;
    }

    @Override
    public boolean containsKey(Object name) {
      return name instanceof String && has((String) name);
    }
  }
}
