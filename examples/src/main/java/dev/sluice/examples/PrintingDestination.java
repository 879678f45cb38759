package dev.sluice.examples;

import dev.sluice.Record;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A destination for the quickstart: holds records by key, as a business tool would, and prints the
 * records of small batches (large ones it only counts, since their order varies with concurrency).
 * Batches of up to 500 records; upsert and delete.
 */
final class PrintingDestination implements Destination {

  private static final int PRINTED_BATCH_SIZE = 5;

  private final PrintStream out;
  private final Map<String, Record> held = new TreeMap<>();
  private final List<String> lines = new ArrayList<>();
  private int batches;
  private int records;

  PrintingDestination(PrintStream out) {
    this.out = out;
  }

  @Override
  public Capabilities capabilities() {
    return Capabilities.builder()
        .operations(Operation.UPSERT, Operation.DELETE)
        .maxRecordsPerBatch(500)
        .idempotentWrites(true)
        .build();
  }

  @Override
  public synchronized BatchResult write(Batch batch) {
    List<Record> received = batch.records();
    batches++;
    records += received.size();
    if (received.size() <= PRINTED_BATCH_SIZE) {
      for (Record r : received) {
        lines.add("  -> " + batch.operation() + " " + r.key() + (batch.operation() == Operation.DELETE ? "" : " " + r.fields()));
      }
    }
    for (Record r : received) {
      if (batch.operation() == Operation.DELETE) {
        held.remove(r.key());
      } else {
        held.put(r.key(), r);
      }
    }
    return BatchResult.allSucceeded(batch);
  }

  synchronized int size() {
    return held.size();
  }

  /**
   * Prints what arrived since the last call: the records of small batches (sorted, since
   * concurrent batches arrive in any order), then the counts.
   */
  synchronized void printReceived() {
    Collections.sort(lines);
    lines.forEach(out::println);
    out.println("  destination received " + batches + (batches == 1 ? " batch, " : " batches, ") + records + " records");
    lines.clear();
    batches = 0;
    records = 0;
  }
}
