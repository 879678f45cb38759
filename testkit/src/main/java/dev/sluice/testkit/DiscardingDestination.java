package dev.sluice.testkit;

import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A destination that confirms every record and keeps nothing but counts: for benchmarks and
 * memory tests, where a destination's own costs would hide the engine's. Thread-safe.
 */
public final class DiscardingDestination implements Destination {

  private final Capabilities capabilities;
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();

  /**
   * Accepts all operations, up to {@code maxRecordsPerBatch} records per batch.
   *
   * @param maxRecordsPerBatch records per batch, at least 1
   */
  public DiscardingDestination(int maxRecordsPerBatch) {
    this.capabilities = Capabilities.builder()
        .operations(Operation.values())
        .maxRecordsPerBatch(maxRecordsPerBatch)
        .idempotentWrites(true)
        .build();
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public BatchResult write(Batch batch) {
    batches.incrementAndGet();
    records.addAndGet(batch.size());
    return BatchResult.allSucceeded(batch);
  }

  /**
   * Records confirmed so far.
   *
   * @return the records confirmed so far
   */
  public long records() {
    return records.get();
  }

  /** {@return batches received so far} */
  public long batches() {
    return batches.get();
  }
}
