package dev.sluice.map;

import dev.sluice.Record;
import java.util.List;
import java.util.Optional;

/**
 * Turns a source record into the record the destination expects, or rejects it with a reason.
 *
 * <p>A rejection concerns one record: the engine reports it (key and reason) and the run goes on.
 * An exception thrown by {@link #map(Record)} is treated as a rejection with the exception's
 * message, never as a failure of the run.
 *
 * <p><b>Threading.</b> A run calls {@code map} from one thread, but one mapper may serve several
 * syncs at once, so implementations should be stateless or thread-safe.
 *
 * <p>{@link Mapping} builds the common cases without code.
 */
@FunctionalInterface
public interface Mapper {

  /**
   * Maps one record.
   *
   * @param record a source record with a non-null key
   * @return the mapped record, with the same key, or a rejection; never null. Keys come from the
   *     source: a mapped record under another key is rejected, since changing keys here would
   *     let the engine mistake a rejected row for a deleted one
   */
  MapResult map(Record record);

  /**
   * Describes what this mapper does, for the sync fingerprint: when the description changes, the
   * next run re-sends every record, since hashes of the old output no longer tell what the
   * destination should hold. The default is the class name; override it (or change a version in
   * it) when the logic changes.
   *
   * @return a description, stable across runs while the mapping stays the same
   */
  default String describe() {
    return getClass().getName();
  }

  /**
   * {@return the names of the fields every mapped record has, when the mapper knows them before it sees a
   * record; destinations check them against their schema before anything is sent (see
   * {@link dev.sluice.RunContext#fields()})} The default is empty: not known in advance.
   */
  default Optional<List<String>> fields() {
    return Optional.empty();
  }

  /**
   * The names of the source fields this mapper reads, when it knows them before it sees a record.
   * When the source knows its fields too (SQL sources know their columns), a run whose source
   * lacks one fails at once, naming it and the nearest names, instead of rejecting every record.
   * Names match ignoring case, as {@link Mapping} does. The default is empty: not known.
   */
  default Optional<List<String>> sourceFields() {
    return Optional.empty();
  }

  /** {@return a mapper that passes every record on unchanged} */
  static Mapper identity() {
    return new Mapper() {
      @Override
      public MapResult map(Record record) {
        return MapResult.mapped(record);
      }

      @Override
      public String describe() {
        return "identity";
      }
    };
  }
}
