package dev.sluice.examples.service;

import dev.sluice.Record;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Stands in for the business tool: holds customers by key and confirms every write. */
final class InProcessCrm implements Destination {

  private final Map<String, Record> customers = new ConcurrentHashMap<>();

  @Override
  public Capabilities capabilities() {
    return Capabilities.builder().operations(Operation.UPSERT, Operation.DELETE).maxRecordsPerBatch(500)
        .idempotentWrites(true).build();
  }

  @Override
  public BatchResult write(Batch batch) {
    for (Record r : batch.records()) {
      if (batch.operation() == Operation.DELETE) {
        customers.remove(r.key());
      } else {
        customers.put(r.key(), r);
      }
    }
    return BatchResult.allSucceeded(batch);
  }

  int size() {
    return customers.size();
  }

  Record get(String key) {
    return customers.get(key);
  }
}
