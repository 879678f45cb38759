package dev.sluice.map;

import dev.sluice.Record;
import java.util.Objects;

/** The result of mapping one record: the mapped record, or a rejection with its reason. */
public final class MapResult {

  private final Record record;
  private final String reason;

  private MapResult(Record record, String reason) {
    this.record = record;
    this.reason = reason;
  }

  /**
   * {@return the record mapped successfully}
   *
   * @param record the record
   */
  public static MapResult mapped(Record record) {
    return new MapResult(Objects.requireNonNull(record, "record"), null);
  }

  /**
   * {@return the record cannot be delivered, for the given reason (say which field and why)}
   *
   * @param reason why, in words for the report
   */
  public static MapResult rejected(String reason) {
    Objects.requireNonNull(reason, "reason");
    return new MapResult(null, reason);
  }

  /** {@return whether the record was rejected} */
  public boolean isRejected() {
    return record == null;
  }

  /** {@return the mapped record; null when rejected} */
  public Record record() {
    return record;
  }

  /** {@return why the record was rejected; null when it was mapped} */
  public String reason() {
    return reason;
  }

  @Override
  public String toString() {
    return record != null ? "MapResult{mapped " + record + '}' : "MapResult{rejected: " + reason + '}';
  }
}
