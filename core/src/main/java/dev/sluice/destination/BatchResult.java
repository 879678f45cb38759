package dev.sluice.destination;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of every record of one {@link Batch}, aligned with the batch's records. Immutable.
 *
 * <p>Build one with {@link #allSucceeded(Batch)} or {@link #builder(Batch)}. A record the
 * destination says nothing about counts as a retryable failure: the engine never assumes a write
 * it was not told about.
 */
public final class BatchResult {

  static final String NO_OUTCOME = "the destination reported no outcome for this record";

  private final Batch batch;
  private final RecordOutcome[] outcomes; // null when every record succeeded
  private final int failed;

  private BatchResult(Batch batch, RecordOutcome[] outcomes, int failed) {
    this.batch = batch;
    this.outcomes = outcomes;
    this.failed = failed;
  }

  /**
   * Every record of {@code batch} was written.
   *
   * @param batch the batch
   * @return the result
   */
  public static BatchResult allSucceeded(Batch batch) {
    return new BatchResult(Objects.requireNonNull(batch, "batch"), null, 0);
  }

  /**
   * Every record of {@code batch} failed the same way.
   *
   * @param batch the batch
   * @param reason why, in words for the report
   * @param retryable whether a later attempt may succeed
   * @return the result
   */
  public static BatchResult allFailed(Batch batch, String reason, boolean retryable) {
    Builder b = builder(batch);
    for (String key : batch.keys()) {
      b.failed(key, reason, retryable);
    }
    return b.build();
  }

  /**
   * Starts a result for {@code batch}, to be filled in per record.
   *
   * @param batch the batch
   * @return a builder to configure it with
   */
  public static Builder builder(Batch batch) {
    return new Builder(Objects.requireNonNull(batch, "batch"));
  }

  /** {@return the batch this result is for} */
  public Batch batch() {
    return batch;
  }

  /**
   * {@return the outcome of the record at {@code index} in the batch}
   *
   * @param index the position, from 0
   */
  public RecordOutcome outcome(int index) {
    if (outcomes == null) {
      Objects.checkIndex(index, batch.size());
      return RecordOutcome.succeeded(batch.records().get(index).key());
    }
    return outcomes[index];
  }

  /**
   * {@return whether the record at {@code index} succeeded; cheaper than {@link #outcome(int)}}
   *
   * @param index the position, from 0
   */
  public boolean succeeded(int index) {
    return outcomes == null ? index >= 0 && index < batch.size() : outcomes[index].succeeded();
  }

  /** {@return all outcomes, in batch order} */
  public List<RecordOutcome> outcomes() {
    List<RecordOutcome> list = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      list.add(outcome(i));
    }
    return Collections.unmodifiableList(list);
  }

  /** {@return the number of records that failed} */
  public int failedCount() {
    return failed;
  }

  /** {@return the number of records that succeeded} */
  public int succeededCount() {
    if (outcomes == null) {
      return batch.size();
    }
    int n = 0;
    for (RecordOutcome outcome : outcomes) {
      if (outcome.succeeded()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "BatchResult{" + batch.id() + ": " + succeededCount() + " succeeded, " + failed + " failed}";
  }

  /** Fills in a {@link BatchResult} record by record. Not thread-safe. */
  public static final class Builder {
    private final Batch batch;
    private final Map<String, Integer> index;
    private final RecordOutcome[] outcomes;

    private Builder(Batch batch) {
      this.batch = batch;
      this.outcomes = new RecordOutcome[batch.size()];
      this.index = new HashMap<>(batch.size() * 2);
      List<String> keys = batch.keys();
      for (int i = 0; i < keys.size(); i++) {
        index.put(keys.get(i), i);
      }
    }

    /**
     * The record with {@code key} was written.
     *
     * @param key the record key
     * @return this builder
     */
    public Builder succeeded(String key) {
      return set(RecordOutcome.succeeded(key));
    }

    /**
     * The record with {@code key} failed.
     *
     * @param key the record key
     * @param reason why, in words for the report
     * @param retryable whether a later attempt may succeed
     * @return this builder
     */
    public Builder failed(String key, String reason, boolean retryable) {
      return set(retryable
          ? RecordOutcome.retryableFailure(key, reason)
          : RecordOutcome.permanentFailure(key, reason));
    }

    /**
     * Sets the outcome of the record with the outcome's key; a second outcome for the same key
     * replaces the first.
     *
     * @param outcome the outcome
     * @return this builder
     * @throws IllegalArgumentException if the batch has no record with that key
     */
    public Builder set(RecordOutcome outcome) {
      Integer i = index.get(outcome.key());
      if (i == null) {
        throw new IllegalArgumentException(
            "batch " + batch.id() + " has no record with key '" + outcome.key() + "'");
      }
      if (outcome.status() == RecordOutcome.Status.NOT_FOUND && batch.operation() != Operation.UPDATE
          || outcome.status() == RecordOutcome.Status.ALREADY_EXISTS && batch.operation() != Operation.INSERT) {
        throw new IllegalArgumentException("batch " + batch.id() + " is a " + batch.operation() + " batch; "
            + outcome.status() + " is an outcome of " + (outcome.status() == RecordOutcome.Status.NOT_FOUND
                ? "UPDATE" : "INSERT") + " batches only (record '" + outcome.key() + "')");
      }
      outcomes[i] = outcome;
      return this;
    }

    /**
     * Every record not yet given an outcome succeeded.
     *
     * @return this builder
     */
    public Builder restSucceeded() {
      for (int i = 0; i < outcomes.length; i++) {
        if (outcomes[i] == null) {
          outcomes[i] = RecordOutcome.succeeded(batch.records().get(i).key());
        }
      }
      return this;
    }

    /**
     * Builds the result; records without an outcome become retryable failures.
     *
     * @return the result; records without an outcome become retryable failures
     */
    public BatchResult build() {
      RecordOutcome[] copy = outcomes.clone();
      int failed = 0;
      for (int i = 0; i < copy.length; i++) {
        if (copy[i] == null) {
          copy[i] = RecordOutcome.retryableFailure(batch.records().get(i).key(), NO_OUTCOME);
        }
        if (copy[i].failed()) {
          failed++;
        }
      }
      return new BatchResult(batch, copy, failed);
    }
  }
}
