package dev.sluice.diff;

import dev.sluice.Record;
import java.util.Objects;

/**
 * A difference between the source and the state of a sync, for one key. Immutable.
 *
 * <ul>
 *   <li>{@link Kind#NEW}: the key is not in the state; {@link #record()} is the new record.
 *   <li>{@link Kind#CHANGED}: the key is in the state with another hash; {@link #record()} is the
 *       new record.
 *   <li>{@link Kind#REMOVED}: the key is in the state but no longer in the source;
 *       {@link #record()} holds only the key and {@link #hash()} is the hash the state had.
 * </ul>
 *
 * <p>The kinds are named apart from {@link dev.sluice.SyncMode} and
 * {@link dev.sluice.destination.Operation}: the mode decides which operation each kind becomes
 * (see {@link dev.sluice.SyncMode} for the table).
 */
public final class Change {

  /** The kind of difference. */
  public enum Kind {
    /** A key the state does not have. */
    NEW,
    /** A key whose record changed since the destination last confirmed it. */
    CHANGED,
    /** A key that left the source. */
    REMOVED
  }

  private final Kind kind;
  private final Record record;
  private final long hash;

  private Change(Kind kind, Record record, long hash) {
    this.kind = kind;
    this.record = record;
    this.hash = hash;
  }

  /**
   * {@return the change for a key the state does not have}
   *
   * @param record the record
   * @param hash the record's content hash
   */
  public static Change newRecord(Record record, long hash) {
    return new Change(Kind.NEW, requireKeyed(record), hash);
  }

  /**
   * {@return the change for a key whose record changed}
   *
   * @param record the record
   * @param hash the record's content hash
   */
  public static Change changedRecord(Record record, long hash) {
    return new Change(Kind.CHANGED, requireKeyed(record), hash);
  }

  /**
   * {@return the change for a key that left the source; {@code previousHash} is its hash in the state}
   *
   * @param key the record key
   * @param previousHash its hash in the state
   */
  public static Change removedRecord(String key, long previousHash) {
    return new Change(Kind.REMOVED, Record.keyOnly(Objects.requireNonNull(key, "key")), previousHash);
  }

  private static Record requireKeyed(Record record) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(record.key(), "record key");
    return record;
  }

  /** {@return the kind of change} */
  public Kind kind() {
    return kind;
  }

  /** {@return the key} */
  public String key() {
    return record.key();
  }

  /** {@return the new record; for a removed key, a record with the key and no fields} */
  public Record record() {
    return record;
  }

  /** {@return the new content hash; for a removed key, the hash the state had} */
  public long hash() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Change)) {
      return false;
    }
    Change c = (Change) o;
    return kind == c.kind && hash == c.hash && record.equals(c.record);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, record, hash);
  }

  @Override
  public String toString() {
    return kind + " " + (kind == Kind.REMOVED ? key() : record.toString());
  }
}
