package dev.sluice.source;

import dev.sluice.Record;
import java.util.Iterator;
import java.util.Objects;

/**
 * The records of one run of a {@link Source}, read once, front to back, from one thread.
 * {@link #close()} releases cursors and connections; it is called exactly once, also when the
 * run stops early, and must not throw for an already exhausted stream.
 */
public interface RecordStream extends Iterator<Record>, AutoCloseable {

  /**
   * The fields every record of this stream has, when known before the first record (a query's
   * columns); the default is empty. The engine checks the mapping's {@link
   * dev.sluice.map.Mapper#sourceFields() source fields} against them before reading.
   */
  default java.util.Optional<java.util.List<String>> fieldNames() {
    return java.util.Optional.empty();
  }

  /** Releases what the stream holds. The default does nothing. */
  @Override
  default void close() {}

  /**
   * {@return a stream over an iterator that holds nothing to release}
   *
   * @param records the records
   */
  static RecordStream of(Iterator<Record> records) {
    Objects.requireNonNull(records, "records");
    return new RecordStream() {
      @Override
      public boolean hasNext() {
        return records.hasNext();
      }

      @Override
      public Record next() {
        return records.next();
      }
    };
  }
}
