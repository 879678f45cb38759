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
  private final String part;

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
    this.part = "";
  }

  private Batch(Batch whole, List<Record> records, String part) {
    this.syncName = whole.syncName;
    this.runId = whole.runId;
    this.sequence = whole.sequence;
    this.operation = whole.operation;
    this.records = records;
    this.part = part;
  }

  /**
   * {@return the two halves of this batch (the first has the extra record when the size is odd), with ids
   * {@code ID.1} and {@code ID.2}: how the engine isolates a bad record in a rejected batch}
   *
   * @throws IllegalStateException for a batch of fewer than two records
   */
  public List<Batch> halves() {
    if (records.size() < 2) {
      throw new IllegalStateException("batch " + id() + " has " + records.size() + " record(s) and cannot be split");
    }
    int middle = (records.size() + 1) / 2;
    return List.of(new Batch(this, records.subList(0, middle), part + ".1"),
        new Batch(this, records.subList(middle, records.size()), part + ".2"));
  }

  /** {@return the name of the sync that sends the batch} */
  public String syncName() {
    return syncName;
  }

  /** {@return the id of the run that sends the batch} */
  public String runId() {
    return runId;
  }

  /** {@return the batch number within its run, from 1} */
  public long sequence() {
    return sequence;
  }

  /**
   * {@return a stable id for this batch: the run id and the sequence number (and the part of a split batch)}
   */
  public String id() {
    return runId + "-" + sequence + part;
  }

  /** {@return the operation for every record in the batch} */
  public Operation operation() {
    return operation;
  }

  /** {@return the records, in the order they were planned} */
  public List<Record> records() {
    return records;
  }

  /** {@return the keys of the records, in the same order} */
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

  /** {@return the number of records} */
  public int size() {
    return records.size();
  }

  @Override
  public String toString() {
    return "Batch{id=" + id() + ", operation=" + operation + ", records=" + records.size() + '}';
  }
}
