package dev.sluice.source;

import dev.sluice.Record;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Where a sync reads its records: a warehouse query, a file, a collection in memory.
 *
 * <p><b>Lifecycle.</b> The engine calls {@link #open()} once per run and reads the returned
 * stream to its end (or until the run stops), then closes it. A source may be opened again for
 * the next run; each run must see the data as it is then.
 *
 * <p><b>Threading.</b> One run reads its stream from one thread. Different syncs may open the
 * same source at once.
 *
 * <p><b>Failures.</b> An exception from {@code open} or from the stream fails the run: the engine
 * stops, sends nothing that depends on having read everything (no deletes), and reports the
 * message. Throw {@link SourceException} with a message that names what failed.
 */
public interface Source {

  /**
   * Opens a fresh stream of records for one run.
   *
   * @return the stream; the caller closes it
   */
  RecordStream open();

  /**
   * {@return whether {@link #open()} yields records in strictly ascending key order (by
   * {@link dev.sluice.diff.KeyOrder}: Unicode code points, as a binary collation sorts)} Declaring order lets the engine compare with the previous
   * state in one pass with constant memory; the engine checks the order as it reads, and a
   * source that breaks its promise fails the run rather than producing wrong changes.
   * Default: false.
   */
  default boolean orderedByKey() {
    return false;
  }

  /** {@return how many records a run will probably read, when known (for progress and ETA)} */
  default OptionalLong sizeHint() {
    return OptionalLong.empty();
  }

  /** {@return a short description for logs and reports, without secrets} */
  default String describe() {
    return getClass().getSimpleName();
  }

  /**
   * {@return a source over a collection that is read again on each run (so later changes to a mutable
   * collection show in later runs)} Not ordered.
   *
   * @param records the records
   */
  static Source of(Iterable<Record> records) {
    Objects.requireNonNull(records, "records");
    return new Source() {
      @Override
      public RecordStream open() {
        return RecordStream.of(records.iterator());
      }

      @Override
      public OptionalLong sizeHint() {
        return records instanceof java.util.Collection
            ? OptionalLong.of(((java.util.Collection<?>) records).size())
            : OptionalLong.empty();
      }

      @Override
      public String describe() {
        return "records in memory";
      }
    };
  }

  /**
   * {@return a source over the given records} Not ordered.
   *
   * @param records the records
   */
  static Source of(Record... records) {
    return of(List.of(records));
  }

  /**
   * {@return a source that asks {@code streams} for a new stream on each run; the stream is closed when the
   * run ends}
   *
   * @param streams the streams
   */
  static Source fromStream(Supplier<? extends Stream<Record>> streams) {
    Objects.requireNonNull(streams, "streams");
    return () -> {
      Stream<Record> stream = streams.get();
      Iterator<Record> it = stream.iterator();
      return new RecordStream() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Record next() {
          return it.next();
        }

        @Override
        public void close() {
          stream.close();
        }
      };
    };
  }
}
