package com.example.crm;

import dev.sluice.Record;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A destination as a user writes one (README, "Writing a destination"): contacts held by key, as a
 * small CRM would, refusing a contact whose email has no {@code @}.
 */
public final class CrmDestination implements Destination {

  private final Map<String, Map<String, Object>> contacts = new ConcurrentHashMap<>();

  @Override
  public Capabilities capabilities() {
    return Capabilities.builder()
        .operations(Operation.UPSERT, Operation.DELETE)
        .maxRecordsPerBatch(50)
        .idempotentWrites(true)
        .build();
  }

  @Override
  public BatchResult write(Batch batch) {
    BatchResult.Builder result = BatchResult.builder(batch);
    for (Record record : batch.records()) {
      if (batch.operation() == Operation.DELETE) {
        contacts.remove(record.key());
        result.succeeded(record.key());
      } else if (!String.valueOf(record.get("email")).contains("@")) {
        result.failed(record.key(), "email '" + record.get("email") + "' has no @", false);
      } else {
        contacts.put(record.key(), Collections.unmodifiableMap(new LinkedHashMap<>(record.fields())));
        result.succeeded(record.key());
      }
    }
    return result.build();
  }

  /** {@return the contacts held, by key in key order} */
  public Map<String, Map<String, Object>> contacts() {
    return new TreeMap<>(contacts);
  }
}
