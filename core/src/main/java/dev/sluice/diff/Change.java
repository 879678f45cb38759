package dev.sluice.diff;

import dev.sluice.Record;
import java.util.Objects;

/**
 * A difference between the source and the state of a sync, for one key. Immutable.
 *
 * <ul>
 *   <li>{@link Kind#ADD}: the key is not in the state; {@link #record()} is the new record.
 *   <li>{@link Kind#UPDATE}: the key is in the state with another hash; {@link #record()} is the
 *       new record.
 *   <li>{@link Kind#DELETE}: the key is in the state but no longer in the source; {@link #record()}
 *       holds only the key and {@link #hash()} is the hash the state had.
 * </ul>
 */
public final class Change {

  /** The kind of difference. */
  public enum Kind {
    /** A key the state does not have. */
    ADD,
    /** A key whose record changed. */
    UPDATE,
    /** A key that left the source. */
    DELETE
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
   * {@return a new key}
   *
   * @param record the record
   * @param hash the record's content hash
   */
  public static Change add(Record record, long hash) {
    return new Change(Kind.ADD, requireKeyed(record), hash);
  }

  /**
   * {@return a changed record}
   *
   * @param record the record
   * @param hash the record's content hash
   */
  public static Change update(Record record, long hash) {
    return new Change(Kind.UPDATE, requireKeyed(record), hash);
  }

  /**
   * {@return a key that left the source; {@code previousHash} is its hash in the state}
   *
   * @param key the record key
   * @param previousHash its hash in the state
   */
  public static Change delete(String key, long previousHash) {
    return new Change(Kind.DELETE, Record.keyOnly(Objects.requireNonNull(key, "key")), previousHash);
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

  /** {@return the new record; for a delete, a record with the key and no fields} */
  public Record record() {
    return record;
  }

  /** {@return the new content hash; for a delete, the hash the state had} */
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
    return kind + " " + (kind == Kind.DELETE ? key() : record.toString());
  }
}
