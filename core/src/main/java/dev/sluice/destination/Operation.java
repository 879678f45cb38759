package dev.sluice.destination;

/** A write operation a destination may support; every record in a {@link Batch} shares one. */
public enum Operation {
  /** Create the record, or replace the fields it carries when the key exists. Idempotent. */
  UPSERT,
  /** Change the record with this key, which is expected to exist. */
  UPDATE,
  /** Create a record for a key the destination does not have yet. */
  INSERT,
  /** Remove the record with this key. Records in a delete batch carry only their key. */
  DELETE
}
