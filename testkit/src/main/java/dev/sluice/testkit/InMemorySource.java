package dev.sluice.testkit;

import dev.sluice.Record;
import dev.sluice.diff.KeyOrder;
import dev.sluice.source.RecordStream;
import dev.sluice.source.Source;
import dev.sluice.source.SourceException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A table in memory to sync from in tests: put and remove rows between runs and watch the changes
 * flow. Each run reads a snapshot taken when it opens the source. Thread-safe.
 *
 * <pre>{@code
 * InMemorySource source = InMemorySource.create();
 * source.put(Record.of("1", Map.of("email", "ada@example.com")));
 * }</pre>
 *
 * <p>{@link #ordered()} keeps rows in key order and declares it, so the engine takes its
 * constant-memory merge path; {@link #create()} keeps insertion order and declares none.
 * {@link #failAfter(long, String)} makes runs fail mid-read, as a lost warehouse connection would.
 */
public final class InMemorySource implements Source {

  private final Map<String, Record> rows;
  private final boolean ordered;
  private long failAfter = -1;
  private String failMessage;
  private int opens;

  private InMemorySource(boolean ordered) {
    this.ordered = ordered;
    this.rows = ordered ? new TreeMap<>(KeyOrder.COMPARATOR) : new LinkedHashMap<>();
  }

  /** {@return a source that yields rows in insertion order and does not declare an order} */
  public static InMemorySource create() {
    return new InMemorySource(false);
  }

  /** {@return a source that yields rows in ascending key order and declares it} */
  public static InMemorySource ordered() {
    return new InMemorySource(true);
  }

  /**
   * Adds or replaces the row with the record's key (which must not be null).
   *
   * @param record the record
   * @return this source
   */
  public synchronized InMemorySource put(Record record) {
    if (record.key() == null) {
      throw new IllegalArgumentException("InMemorySource keys rows by record key; use Source.of(...) for keyless rows");
    }
    rows.put(record.key(), record);
    return this;
  }

  /**
   * Adds or replaces a row.
   *
   * @param key the record key
   * @param fields the field values by name, in the map's iteration order
   * @return this source
   */
  public InMemorySource put(String key, Map<String, ?> fields) {
    return put(Record.of(key, fields));
  }

  /**
   * Adds or replaces rows.
   *
   * @param records the records
   * @return this source
   */
  public synchronized InMemorySource putAll(Collection<Record> records) {
    records.forEach(this::put);
    return this;
  }

  /**
   * Removes the row with {@code key}, if present.
   *
   * @param key the record key
   * @return this source
   */
  public synchronized InMemorySource remove(String key) {
    rows.remove(key);
    return this;
  }

  /**
   * {@return the row with {@code key}, or null}
   *
   * @param key the record key
   */
  public synchronized Record get(String key) {
    return rows.get(key);
  }

  /** {@return the number of rows} */
  public synchronized int size() {
    return rows.size();
  }

  /**
   * Makes later runs fail after reading {@code records} rows, with a {@link SourceException}
   * carrying {@code message}; a negative count turns this off.
   *
   * @param records rows to read first; negative to turn this off
   * @param message the exception's message
   * @return this source
   */
  public synchronized InMemorySource failAfter(long records, String message) {
    this.failAfter = records;
    this.failMessage = message;
    return this;
  }

  /** {@return how many times a run opened this source} */
  public synchronized int opens() {
    return opens;
  }

  @Override
  public synchronized RecordStream open() {
    opens++;
    List<Record> snapshot = new ArrayList<>(rows.values());
    long limit = failAfter;
    String message = failMessage;
    Iterator<Record> it = snapshot.iterator();
    return RecordStream.of(new Iterator<>() {
      private long served;

      @Override
      public boolean hasNext() {
        if (limit >= 0 && served >= limit) {
          throw new SourceException(message);
        }
        return it.hasNext();
      }

      @Override
      public Record next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        served++;
        return it.next();
      }
    });
  }

  @Override
  public boolean orderedByKey() {
    return ordered;
  }

  @Override
  public synchronized OptionalLong sizeHint() {
    return OptionalLong.of(rows.size());
  }

  @Override
  public String describe() {
    return "in-memory table" + (ordered ? " (ordered)" : "");
  }
}
