package dev.sluice.diff;

import dev.sluice.state.SyncState;

import dev.sluice.Record;
import dev.sluice.internal.HashingDiffer;
import dev.sluice.source.RecordStream;
import dev.sluice.source.Source;
import java.util.function.Consumer;

/**
 * Compares one run's mapped records with the previous state of the sync and finds what changed.
 * Unchanged records are counted by the caller, not emitted.
 *
 * <p><b>Lifecycle.</b> {@link #begin} once per run; then {@link Comparison#open} to open the run's
 * records; then, from one thread, {@link Comparison#compare}
 * for each mapped record and {@link Comparison#skip} for each key that is in the source but could
 * not be mapped; then {@link Comparison#finish} only if the source was read to its end without
 * error, to learn the deletes.
 *
 * <p><b>Keys</b> must be unique per run: a repeated key throws {@link DuplicateKeyException}. When
 * the records were declared ordered, a key out of order throws {@link KeyOrderException}. Either
 * ends the run without deletes.
 */
public interface Differ {

  /**
   * Starts one run's comparison.
   *
   * @param previous the state as the last committed run left it
   * @param orderedByKey whether records arrive in strictly ascending key order
   * @param findDeletes whether {@link Comparison#finish} must report keys that left the source
   * @param resendAll whether every record counts as changed (the sync's fingerprint changed, so
   *     the previous hashes no longer describe what the destination should hold)
   * @return the comparison, used by one thread
   */
  Comparison begin(SyncState previous, boolean orderedByKey, boolean findDeletes, boolean resendAll);

  /**
   * {@return the content hash of a mapped record, as {@link Comparison#compare} expects it} Must be
   * thread-safe: the engine hashes records ahead, on the thread that reads the source. The default
   * is {@link RecordHash#of(Record)}.
   *
   * @param record the record
   */
  default long hash(Record record) {
    return RecordHash.of(record);
  }

  /**
   * {@return the default differ: 64-bit content hashes ({@link RecordHash}) compared key by key}
   */
  static Differ hashing() {
    return HashingDiffer::new;
  }

  /** One run's comparison. Not thread-safe. */
  interface Comparison {

    /**
     * Opens the records this run compares. The default reads the whole source. A differ that
     * computes the changes where the data lives (the warehouse-side differ) returns only the
     * records that changed, and hands its deletes over in {@link #finish}. Called once, after
     * {@link Differ#begin} and before the first {@link #compare}; the engine closes the stream.
     *
     * @param source the source
     * @return the stream of records to compare; the caller closes it
     */
    default RecordStream open(Source source) {
      return source.open();
    }

    /**
     * Opens the records this run compares when the sync is one {@link dev.sluice.Shard shard} of
     * several, in place of {@link #open(Source)}. The default opens them as {@link #open(Source)}
     * does; the engine then drops the records of other shards as they are read. A differ that
     * computes the changes where the data lives can return only the shard's records instead, by
     * computing {@link dev.sluice.Shard#keyHash(String)} of the key in its query, so that other
     * shards' rows never leave the database. Deletes need no filter: the previous state of a shard
     * holds only that shard's keys.
     *
     * @param source the source
     * @param shard the part of the keys the run delivers
     * @return the stream of records to compare; the caller closes it, and drops records of other shards
     */
    default RecordStream open(Source source, dev.sluice.Shard shard) {
      return open(source);
    }

    /**
     * Compares one mapped record with the previous state.
     *
     * @param hash the record's hash, from {@link Differ#hash(Record)}
     * @param record the record
     * @return the change, or null when the record is unchanged
     */
    Change compare(Record record, long hash);

    /**
     * Notes a key that the source holds but that produced no record (it was rejected).
     *
     * @param key the record key
     */
    void skip(String key);

    /**
     * After a complete read: hands over each delete (when deletes were asked for).
     *
     * @param deletes receives each delete
     */
    void finish(Consumer<Change> deletes);

    /**
     * {@return how many records of the source this comparison found unchanged without handing
     * them to the engine} A differ that compares in the source (the warehouse engine's, which only
     * lets changed rows out) counts them here, so that the report's unchanged count is the
     * source's, and a run whose every record handed over was rejected is not taken for one whose
     * every record was. Asked after {@link #finish}; 0 by default (every record was handed over).
     */
    default long unchangedNotRead() {
      return 0;
    }
  }
}
