package dev.sluice.destination;

import dev.sluice.Record;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;

/**
 * Records to write with one operation in one call. Immutable.
 *
 * <p>Keys are unique within a batch. For {@link Operation#DELETE} the records carry only their
 * key. {@link #id()} is stable for the life of the batch: a destination that re-sends it (or a
 * retry of the whole call) should present the same id to APIs that deduplicate, such as
 * idempotency keys or webhook message ids.
 */
public final class Batch {

  private final String syncName;
  private final String runId;
  private final long sequence;
  private final Operation operation;
  private final List<Record> records;

  /**
   * Creates a batch.
   *
   * @param syncName the name of the sync that sends it
   * @param runId the id of the run that sends it
   * @param sequence the batch number within the run, from 1
   * @param operation the operation for every record
   * @param records the records, with distinct keys; copied
   */
  public Batch(String syncName, String runId, long sequence, Operation operation, List<Record> records) {
    this.syncName = Objects.requireNonNull(syncName, "syncName");
    this.runId = Objects.requireNonNull(runId, "runId");
    this.sequence = sequence;
    this.operation = Objects.requireNonNull(operation, "operation");
    this.records = List.copyOf(records);
  }

  /** The name of the sync that sends the batch. */
  public String syncName() {
    return syncName;
  }

  /** The id of the run that sends the batch. */
  public String runId() {
    return runId;
  }

  /** The batch number within its run, from 1. */
  public long sequence() {
    return sequence;
  }

  /** A stable id for this batch: the run id and the sequence number. */
  public String id() {
    return runId + "-" + sequence;
  }

  /** The operation for every record in the batch. */
  public Operation operation() {
    return operation;
  }

  /** The records, in the order they were planned. */
  public List<Record> records() {
    return records;
  }

  /** The keys of the records, in the same order. */
  public List<String> keys() {
    return new AbstractList<>() {
      @Override
      public String get(int index) {
        return records.get(index).key();
      }

      @Override
      public int size() {
        return records.size();
      }
    };
  }

  /** Number of records. */
  public int size() {
    return records.size();
  }

  @Override
  public String toString() {
    return "Batch{id=" + id() + ", operation=" + operation + ", records=" + records.size() + '}';
  }
}
