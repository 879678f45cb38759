package dev.sluice.testkit;

import dev.sluice.Record;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RecordOutcome;
import dev.sluice.destination.RecordSize;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A destination that holds what it was sent, by key, like a real system of record would, and keeps
 * every batch it received. Tests assert on {@link #contents()} (what the destination holds) and
 * {@link #batches()} (what was sent). Thread-safe.
 *
 * <p>Semantics: {@code UPSERT} stores the record; {@code UPDATE} stores it if the key exists and
 * answers {@link RecordOutcome#notFound} otherwise; {@code INSERT} stores it if the key is new and
 * answers {@link RecordOutcome#alreadyExists} otherwise; {@code DELETE} removes the key (a missing key succeeds). A batch over the
 * declared record or byte limit is refused with a {@link PermanentDestinationException}, as a real
 * API would refuse it, so tests notice when the engine breaks a limit.
 *
 * <p>{@link #failKey(String, boolean, String)} makes chosen keys fail (retryable or permanent)
 * until {@link #clearFailures()}.
 */
public final class RecordingDestination implements Destination {

  private final Capabilities capabilities;
  private final Map<String, Record> contents = new TreeMap<>();
  private final List<Batch> batches = new ArrayList<>();
  private final Map<String, Failure> failures = new HashMap<>();

  private RecordingDestination(Capabilities capabilities) {
    this.capabilities = capabilities;
  }

  /** {@return a destination with all four operations, 100 records per batch, no byte limit} */
  public static RecordingDestination create() {
    return builder().build();
  }

  /**
   * Configures a destination.
   *
   * @return a builder to configure it with
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public synchronized BatchResult write(Batch batch) {
    batches.add(batch);
    if (batch.size() > capabilities.maxRecordsPerBatch()) {
      throw new PermanentDestinationException("batch " + batch.id() + " has " + batch.size()
          + " records, more than the limit of " + capabilities.maxRecordsPerBatch());
    }
    long bytes = batch.records().stream().mapToLong(RecordSize::jsonBytes).sum();
    if (bytes > capabilities.maxBytesPerBatch()) {
      throw new PermanentDestinationException("batch " + batch.id() + " has " + bytes
          + " bytes, more than the limit of " + capabilities.maxBytesPerBatch());
    }
    if (!capabilities.supports(batch.operation())) {
      throw new PermanentDestinationException("operation " + batch.operation() + " is not supported");
    }
    BatchResult.Builder result = BatchResult.builder(batch);
    for (Record record : batch.records()) {
      String key = record.key();
      Failure failure = failures.get(key);
      if (failure != null) {
        result.failed(key, failure.reason, failure.retryable);
        continue;
      }
      switch (batch.operation()) {
        case UPSERT:
          contents.put(key, record);
          result.succeeded(key);
          break;
        case UPDATE:
          if (contents.containsKey(key)) {
            contents.put(key, record);
            result.succeeded(key);
          } else {
            result.set(RecordOutcome.notFound(key, "no record with key '" + key + "' to update"));
          }
          break;
        case INSERT:
          if (contents.containsKey(key)) {
            result.set(RecordOutcome.alreadyExists(key, "a record with key '" + key + "' already exists"));
          } else {
            contents.put(key, record);
            result.succeeded(key);
          }
          break;
        case DELETE:
          contents.remove(key);
          result.succeeded(key);
          break;
        default:
          throw new IllegalStateException("unknown operation " + batch.operation());
      }
    }
    return result.build();
  }

  /**
   * Makes writes of {@code key} fail with {@code reason} until {@link #clearFailures()}.
   *
   * @param key the record key
   * @param retryable whether a later attempt may succeed
   * @param reason why, in words for the report
   * @return this destination
   */
  public synchronized RecordingDestination failKey(String key, boolean retryable, String reason) {
    failures.put(Objects.requireNonNull(key, "key"), new Failure(retryable, reason));
    return this;
  }

  /**
   * Lets every key succeed again.
   *
   * @return this destination
   */
  public synchronized RecordingDestination clearFailures() {
    failures.clear();
    return this;
  }

  /**
   * Puts a record straight into the destination, as if someone had created it there.
   *
   * @param record the record
   * @return this destination
   */
  public synchronized RecordingDestination seed(Record record) {
    contents.put(record.key(), record);
    return this;
  }

  /** {@return a copy of what the destination holds, by key in key order} */
  public synchronized Map<String, Record> contents() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(contents));
  }

  /**
   * {@return the record held under {@code key}, or null}
   *
   * @param key the record key
   */
  public synchronized Record get(String key) {
    return contents.get(key);
  }

  /** {@return the number of records held} */
  public synchronized int size() {
    return contents.size();
  }

  /** {@return every batch received, in arrival order (including refused ones)} */
  public synchronized List<Batch> batches() {
    return List.copyOf(batches);
  }

  /**
   * {@return the keys received with {@code operation}, over all batches, in arrival order}
   *
   * @param operation the operation
   */
  public synchronized List<String> keysSent(Operation operation) {
    List<String> keys = new ArrayList<>();
    for (Batch b : batches) {
      if (b.operation() == operation) {
        keys.addAll(b.keys());
      }
    }
    return keys;
  }

  /**
   * Forgets the received batches (not the contents).
   *
   * @return this destination
   */
  public synchronized RecordingDestination clearBatches() {
    batches.clear();
    return this;
  }

  private static final class Failure {
    final boolean retryable;
    final String reason;

    Failure(boolean retryable, String reason) {
      this.retryable = retryable;
      this.reason = reason;
    }
  }

  /** Configures a {@link RecordingDestination}. */
  public static final class Builder {
    private final Capabilities.Builder caps = Capabilities.builder().maxRecordsPerBatch(100).idempotentWrites(true);
    private boolean opsSet;

    private Builder() {}

    /**
     * The supported operations; default all four.
     *
     * @param ops the operations
     * @return this builder
     */
    public Builder operations(Operation... ops) {
      caps.operations(ops);
      opsSet = true;
      return this;
    }

    /**
     * Records per batch; default 100.
     *
     * @param max the maximum, at least 1
     * @return this builder
     */
    public Builder maxRecordsPerBatch(int max) {
      caps.maxRecordsPerBatch(max);
      return this;
    }

    /**
     * Bytes per batch, as {@link RecordSize#jsonBytes} counts them; default unlimited.
     *
     * @param max the maximum, at least 1
     * @return this builder
     */
    public Builder maxBytesPerBatch(long max) {
      caps.maxBytesPerBatch(max);
      return this;
    }

    /**
     * Builds the destination.
     *
     * @return the destination
     */
    public RecordingDestination build() {
      if (!opsSet) {
        caps.operations(Operation.values());
      }
      return new RecordingDestination(caps.build());
    }
  }
}
