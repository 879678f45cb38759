package dev.sluice.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Record;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Operation;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RecordOutcome;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch through sObject Collections, at most 200 records per request, the requests of a
 * batch in parallel on the I/O threads: upserts by external ID
 * ({@code PATCH composite/sobjects/{obj}/{field}}), inserts ({@code POST composite/sobjects}, with
 * the external ID set), updates and deletes of the Ids a SOQL query finds for the keys
 * ({@code PATCH composite/sobjects}, {@code DELETE composite/sobjects?ids=}). {@code allOrNone} is
 * false: results follow request order, one per record. A request refused as a whole (400) is split
 * in halves until the bad record is alone, as the engine does for synchronous destinations.
 */
final class CollectionsPath {

  /** Records per Collections request. */
  static final int MAX_RECORDS = 200;
  /** Characters of a SOQL query in a URL: the URI and headers must stay under 16,384 bytes. */
  static final int MAX_QUERY_CHARS = 12_000;

  private static final Logger log = LoggerFactory.getLogger(CollectionsPath.class);

  private final Api api;
  private final Target target;
  private final Retrier retrier;

  CollectionsPath(Api api, Target target, Retrier retrier) {
    this.api = api;
    this.target = target;
    this.retrier = retrier;
  }

  CompletableFuture<BatchResult> write(Batch batch) {
    List<RecordOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> done;
    switch (batch.operation()) {
      case UPSERT:
      case INSERT:
        done = send(batch, convert(batch.records(), outcomes), Map.of(), outcomes);
        break;
      case UPDATE:
        done = lookup(batch.keys()).thenCompose(ids -> {
          List<Record> found = new ArrayList<>();
          for (Record r : batch.records()) {
            List<String> matches = ids.getOrDefault(r.key(), List.of());
            if (matches.isEmpty()) {
              outcomes.add(Outcomes.special(r.key(), Outcomes.Kind.NOT_FOUND, "Salesforce holds no " + target.sobject
                  + " with " + target.externalIdField + " = " + r.key() + "; an update does not create it"));
            } else if (matches.size() > 1) {
              outcomes.add(RecordOutcome.permanentFailure(r.key(), "DUPLICATE_EXTERNAL_ID: " + matches.size() + " "
                  + target.sobject + " records have " + target.externalIdField + " = " + r.key() + ": " + matches));
            } else {
              found.add(r);
            }
          }
          return send(batch, convert(found, outcomes), ids, outcomes);
        });
        break;
      default:
        done = lookup(batch.keys()).thenCompose(ids -> delete(batch, ids, outcomes));
        break;
    }
    return done.thenApply(ignored -> {
      BatchResult.Builder result = BatchResult.builder(batch);
      synchronized (outcomes) {
        outcomes.forEach(result::set);
      }
      return result.build();
    });
  }

  private List<Converted> convert(List<Record> records, List<RecordOutcome> outcomes) {
    List<Converted> converted = new ArrayList<>(records.size());
    for (Record r : records) {
      try {
        converted.add(new Converted(r.key(), target.values(r)));
      } catch (IllegalArgumentException e) {
        outcomes.add(RecordOutcome.permanentFailure(r.key(), e.getMessage()));
      }
    }
    return converted;
  }

  private static final class Converted {
    final String key;
    final Map<String, Object> values;

    Converted(String key, Map<String, Object> values) {
      this.key = key;
      this.values = values;
    }
  }

  private CompletableFuture<Void> send(Batch batch, List<Converted> records, Map<String, List<String>> ids,
      List<RecordOutcome> outcomes) {
    List<CompletableFuture<Void>> requests = new ArrayList<>();
    for (int from = 0; from < records.size(); from += MAX_RECORDS) {
      List<Converted> chunk = records.subList(from, Math.min(records.size(), from + MAX_RECORDS));
      List<String> keys = new ArrayList<>();
      chunk.forEach(c -> keys.add(c.key));
      requests.add(collect(retrier.run(batch.operation() + " of " + chunk.size() + " " + target.sobject + " records",
          () -> sendSplitting(batch.operation(), chunk, ids, true)), keys, outcomes, records.size() <= MAX_RECORDS));
    }
    return CompletableFuture.allOf(requests.toArray(new CompletableFuture<?>[0]));
  }

  /**
   * Adds a request's outcomes; a request that failed for good fails its own records, so the
   * batch's other requests still count. A failure that stops the run, or of a batch's
   * {@code sole} request, fails the batch.
   */
  static CompletableFuture<Void> collect(CompletableFuture<List<RecordOutcome>> request, List<String> keys,
      List<RecordOutcome> outcomes, boolean sole) {
    return request.handle((result, error) -> {
      if (error == null) {
        outcomes.addAll(result);
        return null;
      }
      Throwable cause = cause(error);
      if (sole || cause instanceof PermanentDestinationException && ((PermanentDestinationException) cause).stopsRun()
          || !(cause instanceof RuntimeException)) {
        // The batch's only request failed: that is the batch failing as a whole.
        throw error instanceof CompletionException ? (CompletionException) error : new CompletionException(cause);
      }
      boolean retryable = !(cause instanceof PermanentDestinationException);
      for (String key : keys) {
        outcomes.add(retryable ? RecordOutcome.retryableFailure(key, cause.getMessage())
            : RecordOutcome.permanentFailure(key, cause.getMessage()));
      }
      return null;
    });
  }

  /** One request; a whole-request 400 splits it until the record Salesforce refuses is alone. */
  private List<RecordOutcome> sendSplitting(Operation op, List<Converted> chunk, Map<String, List<String>> ids,
      boolean whole) {
    try {
      return sendOnce(op, chunk, ids);
    } catch (PermanentDestinationException e) {
      if (e.stopsRun() || whole && chunk.size() == 1) {
        throw e;
      }
      if (chunk.size() == 1) {
        return List.of(RecordOutcome.permanentFailure(chunk.get(0).key, e.getMessage()));
      }
      log.debug("Salesforce refused {} {} records as a whole ({}); splitting to find the bad ones", chunk.size(),
          target.sobject, e.getMessage());
      int middle = (chunk.size() + 1) / 2;
      List<RecordOutcome> all = new ArrayList<>(sendSplitting(op, chunk.subList(0, middle), ids, false));
      all.addAll(sendSplitting(op, chunk.subList(middle, chunk.size()), ids, false));
      return all;
    }
  }

  private List<RecordOutcome> sendOnce(Operation op, List<Converted> chunk, Map<String, List<String>> ids) {
    List<Map<String, Object>> records = new ArrayList<>(chunk.size());
    for (Converted c : chunk) {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("attributes", Map.of("type", target.sobject));
      if (op == Operation.UPDATE) {
        record.put("Id", ids.get(c.key).get(0));
      } else {
        record.put(target.externalIdField, c.key);
      }
      record.putAll(c.values);
      records.add(record);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("allOrNone", false);
    body.put("records", records);
    JsonNode results;
    if (op == Operation.UPSERT) {
      results = api.json("PATCH", "composite/sobjects/" + target.sobject + "/" + target.externalIdField, body, 1);
    } else if (op == Operation.INSERT) {
      results = api.json("POST", "composite/sobjects", body, 1);
    } else {
      results = api.json("PATCH", "composite/sobjects", body, 1);
    }
    List<RecordOutcome> outcomes = new ArrayList<>(chunk.size());
    for (int i = 0; i < chunk.size(); i++) {
      JsonNode r = results.path(i);
      if (r.isMissingNode()) {
        break; // no result: the record stays without an outcome, so it counts as a retryable failure
      }
      outcomes.add(outcome(chunk.get(i).key, op, r));
    }
    return outcomes;
  }

  private RecordOutcome outcome(String key, Operation op, JsonNode result) {
    if (result.path("success").asBoolean(false)) {
      return Outcomes.of(key, op, null, null, target.externalIdField);
    }
    JsonNode error = result.path("errors").path(0);
    StringBuilder message = new StringBuilder(error.path("message").asText("(no message)"));
    List<String> fields = new ArrayList<>();
    error.path("fields").forEach(f -> fields.add(f.asText()));
    if (!fields.isEmpty()) {
      message.append(" (fields: ").append(String.join(", ", fields)).append(')');
    }
    return Outcomes.of(key, op, error.path("statusCode").asText("UNKNOWN_EXCEPTION"), message.toString(),
        target.externalIdField);
  }

  /**
   * The Salesforce Ids of the records whose external ID is one of {@code keys}, by key, from SOQL
   * {@code IN} queries short enough for a URL, each followed through {@code nextRecordsUrl}.
   */
  CompletableFuture<Map<String, List<String>>> lookup(List<String> keys) {
    Map<String, List<String>> ids = new HashMap<>();
    List<CompletableFuture<Void>> queries = new ArrayList<>();
    for (String soql : queries(keys)) {
      queries.add(retrier.run("looking up " + target.sobject + " Ids", () -> api.query(soql, 1)).thenAccept(rows -> {
        synchronized (ids) {
          for (JsonNode row : rows) {
            ids.computeIfAbsent(row.path(target.externalIdField).asText(), k -> new ArrayList<>())
                .add(row.path("Id").asText());
          }
        }
      }));
    }
    return CompletableFuture.allOf(queries.toArray(new CompletableFuture<?>[0])).thenApply(v -> ids);
  }

  private List<String> queries(List<String> keys) {
    String head = "SELECT Id, " + target.externalIdField + " FROM " + target.sobject + " WHERE "
        + target.externalIdField + " IN (";
    List<String> queries = new ArrayList<>();
    StringBuilder in = new StringBuilder();
    int length = 0;
    for (String key : keys) {
      String literal = Api.literal(key);
      int encoded = URLEncoder.encode(literal, StandardCharsets.UTF_8).length() + 3;
      if (in.length() > 0 && length + encoded > MAX_QUERY_CHARS) {
        queries.add(head + in + ")");
        in.setLength(0);
        length = 0;
      }
      in.append(in.length() == 0 ? "" : ", ").append(literal);
      length += encoded;
    }
    if (in.length() > 0) {
      queries.add(head + in + ")");
    }
    return queries;
  }

  private CompletableFuture<Void> delete(Batch batch, Map<String, List<String>> ids, List<RecordOutcome> outcomes) {
    Map<String, String> keyOf = new LinkedHashMap<>();
    for (String key : batch.keys()) {
      List<String> matches = ids.getOrDefault(key, List.of());
      if (matches.isEmpty()) {
        outcomes.add(RecordOutcome.succeeded(key)); // Salesforce holds none: already deleted
      }
      matches.forEach(id -> keyOf.put(id, key));
    }
    List<String> all = new ArrayList<>(keyOf.keySet());
    List<RecordOutcome> deleted = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<Void>> requests = new ArrayList<>();
    for (int from = 0; from < all.size(); from += MAX_RECORDS) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + MAX_RECORDS));
      List<String> keys = new ArrayList<>();
      chunk.forEach(id -> keys.add(keyOf.get(id)));
      requests.add(collect(retrier.run("deleting " + chunk.size() + " " + target.sobject + " records", () -> {
        JsonNode results = api.json("DELETE", "composite/sobjects?allOrNone=false&ids=" + String.join(",", chunk), null,
            1);
        List<RecordOutcome> list = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
          list.add(outcome(keyOf.get(chunk.get(i)), Operation.DELETE, results.path(i)));
        }
        return list;
      }), keys, deleted, all.size() <= MAX_RECORDS));
    }
    return CompletableFuture.allOf(requests.toArray(new CompletableFuture<?>[0]))
        .thenRun(() -> {
          // A key with several records is deleted only when every one of them is.
          Map<String, RecordOutcome> byKey = new HashMap<>();
          synchronized (deleted) {
            for (RecordOutcome o : deleted) {
              if (byKey.get(o.key()) == null || byKey.get(o.key()).succeeded()) {
                byKey.put(o.key(), o);
              }
            }
          }
          outcomes.addAll(byKey.values());
        });
  }

  /** The cause of a failed stage, unwrapped. */
  static Throwable cause(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
