package dev.sluice.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Record;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Operation;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RecordOutcome;
import dev.sluice.destination.RetryableDestinationException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch as Bulk API 2.0 ingest jobs, without a thread per job: a job is created,
 * its CSV uploaded and the job closed on the I/O threads; then one scheduler thread polls every
 * open job, waiting longer between polls as a job takes longer; when a job ends, its result files
 * are read on the I/O threads and matched to the records by the key column (the external ID, or
 * the Id for updates and deletes), since their order is not guaranteed.
 *
 * <p>A batch whose CSV would exceed the upload limit goes out as several jobs. Updates and deletes
 * first look the Ids up by external ID (SOQL). Records a failed or aborted job did not process stay
 * pending (a retryable failure), as do records a job never reported on; cancelling the stage
 * aborts its open jobs.
 */
final class BulkPath {

  /** How a null (or empty text) is written: it clears the field. An empty cell leaves it as it is. */
  static final String NULL = "#N/A";

  private static final Logger log = LoggerFactory.getLogger(BulkPath.class);
  private static final int MAX_POLL_FAILURES = 10;

  private final Api api;
  private final Target target;
  private final Retrier retrier;
  private final CollectionsPath lookups;
  private final Duration pollInitial;
  private final Duration pollMax;
  private final Duration maxJobWait;
  private final long maxUploadBytes;
  private final Clock clock;
  private final Set<String> openJobs = ConcurrentHashMap.newKeySet();

  BulkPath(Api api, Target target, Retrier retrier, CollectionsPath lookups, Duration pollInitial, Duration pollMax,
      Duration maxJobWait, long maxUploadBytes, Clock clock) {
    this.api = api;
    this.target = target;
    this.retrier = retrier;
    this.lookups = lookups;
    this.pollInitial = pollInitial;
    this.pollMax = pollMax;
    this.maxJobWait = maxJobWait;
    this.maxUploadBytes = maxUploadBytes;
    this.clock = clock;
  }

  /** Jobs created and not yet seen to end. */
  Set<String> openJobs() {
    return Set.copyOf(openJobs);
  }

  CompletableFuture<BatchResult> write(Batch batch) {
    List<RecordOutcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    Operation op = batch.operation();
    CompletableFuture<Map<String, List<String>>> ids = op == Operation.UPDATE || op == Operation.DELETE
        ? lookups.lookup(batch.keys()) : CompletableFuture.completedFuture(Map.of());
    List<Job> jobs = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<BatchResult> result = ids.thenCompose(found -> {
      List<Part> parts = parts(batch, found, outcomes);
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (Part part : parts) {
        Job job = new Job(part);
        jobs.add(job);
        running.add(CollectionsPath.collect(run(job), part.keys(), outcomes, parts.size() == 1));
      }
      return CompletableFuture.allOf(running.toArray(new CompletableFuture<?>[0]));
    }).thenApply(v -> {
      BatchResult.Builder b = BatchResult.builder(batch);
      synchronized (outcomes) {
        outcomes.forEach(b::set);
      }
      return b.build();
    });
    result.whenComplete((r, error) -> {
      if (result.isCancelled()) {
        synchronized (jobs) {
          jobs.forEach(job -> job.cancelled = true);
          jobs.forEach(this::abortQuietly);
        }
      }
    });
    return result;
  }

  // ---- CSV ------------------------------------------------------------------------------------

  /** The rows of one job's upload and the record key of each row's key cell. */
  private static final class Part {
    final String header;
    final StringBuilder rows = new StringBuilder();
    final Map<String, String> keyOf = new LinkedHashMap<>(); // key cell (external ID or Id) -> record key
    final Operation operation;
    long bytes;

    Part(String header, Operation operation) {
      this.header = header;
      this.operation = operation;
      this.bytes = header.getBytes(StandardCharsets.UTF_8).length;
    }

    byte[] csv() {
      return (header + rows).getBytes(StandardCharsets.UTF_8);
    }

    List<String> keys() {
      return new ArrayList<>(new LinkedHashSet<>(keyOf.values()));
    }
  }

  private String keyColumn(Operation op) {
    return op == Operation.UPDATE || op == Operation.DELETE ? "Id" : target.externalIdField;
  }

  private List<Part> parts(Batch batch, Map<String, List<String>> ids, List<RecordOutcome> outcomes) {
    Operation op = batch.operation();
    List<String> columns = new ArrayList<>();
    columns.add(keyColumn(op));
    List<Map<String, Object>> values = new ArrayList<>();
    List<Record> records = new ArrayList<>();
    for (Record r : batch.records()) {
      List<String> matches = ids.getOrDefault(r.key(), List.of());
      if (op == Operation.DELETE && matches.isEmpty()) {
        outcomes.add(RecordOutcome.succeeded(r.key())); // Salesforce holds none: already deleted
        continue;
      }
      if (op == Operation.UPDATE && matches.isEmpty()) {
        outcomes.add(Outcomes.special(r.key(), Outcomes.Kind.NOT_FOUND, "Salesforce holds no " + target.sobject
            + " with " + target.externalIdField + " = " + r.key() + "; an update does not create it"));
        continue;
      }
      if (op == Operation.UPDATE && matches.size() > 1) {
        outcomes.add(RecordOutcome.permanentFailure(r.key(), "DUPLICATE_EXTERNAL_ID: " + matches.size() + " "
            + target.sobject + " records have " + target.externalIdField + " = " + r.key() + ": " + matches));
        continue;
      }
      if (op == Operation.DELETE) {
        records.add(r);
        values.add(Map.of());
        continue;
      }
      try {
        Map<String, Object> v = target.values(r);
        v.keySet().forEach(name -> {
          if (!columns.contains(name)) {
            columns.add(name);
          }
        });
        records.add(r);
        values.add(v);
      } catch (IllegalArgumentException e) {
        outcomes.add(RecordOutcome.permanentFailure(r.key(), e.getMessage()));
      }
    }
    StringBuilder headerText = new StringBuilder();
    Csv.appendRow(headerText, columns);
    String header = headerText.toString();
    List<Part> parts = new ArrayList<>();
    Part part = new Part(header, op);
    for (int i = 0; i < records.size(); i++) {
      Record r = records.get(i);
      List<String> keyCells = op == Operation.UPDATE || op == Operation.DELETE ? ids.get(r.key()) : List.of(r.key());
      for (String keyCell : keyCells) {
        List<String> cells = new ArrayList<>(columns.size());
        cells.add(keyCell);
        for (int c = 1; c < columns.size(); c++) {
          Map<String, Object> v = values.get(i);
          cells.add(v.containsKey(columns.get(c)) ? cell(v.get(columns.get(c))) : "");
        }
        StringBuilder row = new StringBuilder();
        Csv.appendRow(row, cells);
        long size = row.toString().getBytes(StandardCharsets.UTF_8).length;
        if (part.bytes + size > maxUploadBytes && !part.keyOf.isEmpty()) {
          parts.add(part);
          part = new Part(header, op);
        }
        if (part.bytes + size > maxUploadBytes) {
          outcomes.add(RecordOutcome.permanentFailure(r.key(), "the record is " + size + " bytes as CSV, more than the "
              + maxUploadBytes + " bytes a Bulk upload may hold"));
          continue;
        }
        part.rows.append(row);
        part.bytes += size;
        part.keyOf.put(keyCell, r.key());
      }
    }
    if (!part.keyOf.isEmpty()) {
      parts.add(part);
    }
    return parts;
  }

  private static String cell(Object value) {
    if (value == null) {
      return NULL;
    }
    if (value instanceof BigDecimal) {
      return ((BigDecimal) value).toPlainString();
    }
    String text = value.toString();
    return text.isEmpty() ? NULL : text;
  }

  // ---- the job --------------------------------------------------------------------------------

  /** One ingest job and where it stands. */
  private final class Job {
    final Part part;
    final CompletableFuture<List<RecordOutcome>> done = new CompletableFuture<>();
    volatile String id;
    volatile boolean cancelled;
    Instant deadline;
    Duration nextPoll = pollInitial;
    int pollFailures;
    int readFailures;

    Job(Part part) {
      this.part = part;
    }
  }

  private CompletableFuture<List<RecordOutcome>> run(Job job) {
    Operation op = operationOf(job);
    Map<String, Object> create = new LinkedHashMap<>();
    create.put("object", target.sobject);
    create.put("operation", op == Operation.UPSERT ? "upsert" : op.name().toLowerCase(java.util.Locale.ROOT));
    if (op == Operation.UPSERT) {
      create.put("externalIdFieldName", target.externalIdField);
    }
    create.put("contentType", "CSV");
    create.put("columnDelimiter", "COMMA");
    create.put("lineEnding", "LF");
    // Create, upload, close, a poll and two result files.
    retrier.run("creating a Bulk " + op + " job for " + target.sobject, () -> api.json("POST", "jobs/ingest", create, 6)).thenCompose(info -> {
      job.id = info.path("id").asText();
      openJobs.add(job.id);
      log.debug("Bulk job {} created for {} {} records", job.id, job.part.keyOf.size(), target.sobject);
      if (job.cancelled) {
        abortQuietly(job);
        throw new java.util.concurrent.CancellationException("cancelled");
      }
      return retrier.run("uploading to Bulk job " + job.id, () -> {
        api.putCsv("jobs/ingest/" + job.id + "/batches", job.part.csv());
        return true;
      });
    }).thenCompose(uploaded -> retrier.run("closing Bulk job " + job.id,
        () -> api.json("PATCH", "jobs/ingest/" + job.id, Map.of("state", "UploadComplete"))))
        .whenComplete((closed, error) -> {
          if (error != null) {
            if (job.id != null) {
              abortQuietly(job);
            }
            job.done.completeExceptionally(CollectionsPath.cause(error));
            return;
          }
          job.deadline = clock.instant().plus(maxJobWait);
          schedulePoll(job);
        });
    return job.done;
  }

  private Operation operationOf(Job job) {
    return job.part.operation;
  }

  private void schedulePoll(Job job) {
    Duration wait = job.nextPoll;
    job.nextPoll = min(pollMax, job.nextPoll.multipliedBy(2));
    retrier.later(wait, () -> poll(job));
  }

  /** Runs on the scheduler thread: one GET, then either another poll later or the results. */
  private void poll(Job job) {
    if (job.cancelled || job.done.isDone()) {
      return;
    }
    JsonNode info;
    try {
      info = api.json("GET", "jobs/ingest/" + job.id, null);
      job.pollFailures = 0;
    } catch (PermanentDestinationException e) {
      if (e.stopsRun()) {
        job.done.completeExceptionally(e);
        return;
      }
      job.done.completeExceptionally(e);
      return;
    } catch (RuntimeException e) {
      if (++job.pollFailures >= MAX_POLL_FAILURES) {
        job.done.completeExceptionally(new RetryableDestinationException("polling Bulk job " + job.id + " failed "
            + job.pollFailures + " times in a row: " + e.getMessage(), e));
        return;
      }
      schedulePoll(job);
      return;
    }
    String state = info.path("state").asText();
    switch (state) {
      case "JobComplete":
      case "Failed":
      case "Aborted":
        openJobs.remove(job.id);
        retrier.execute(job.done, () -> readResults(job, info));
        return;
      default:
        if (clock.instant().isAfter(job.deadline)) {
          abortQuietly(job);
          job.done.completeExceptionally(new RetryableDestinationException("Bulk job " + job.id + " did not finish"
              + " within " + maxJobWait + " (state " + state + "); it was aborted and its records stay pending"));
          return;
        }
        schedulePoll(job);
    }
  }

  private void readResults(Job job, JsonNode info) {
    try {
      String state = info.path("state").asText();
      Operation op = operationOf(job);
      String keyColumn = keyColumn(op);
      Map<String, RecordOutcome> byKey = new HashMap<>();
      read(job, "successfulResults", keyColumn, row -> Outcomes.of(row.key, op, null, null, target.externalIdField),
          byKey);
      if (!state.equals("JobComplete") || info.path("numberRecordsFailed").asLong(1) > 0) {
        read(job, "failedResults", keyColumn, row -> {
          String error = row.get("sf__Error");
          int colon = error.indexOf(':');
          String code = colon > 0 ? error.substring(0, colon) : "UNKNOWN_EXCEPTION";
          String message = colon > 0 ? error.substring(colon + 1) : error;
          if (message.endsWith(" --")) {
            message = message.substring(0, message.length() - 3);
          }
          return Outcomes.of(row.key, op, code, message, target.externalIdField);
        }, byKey);
      }
      if (!state.equals("JobComplete")) {
        String why = "not processed: Bulk job " + job.id + " ended " + state
            + (info.hasNonNull("errorMessage") ? " (" + info.path("errorMessage").asText() + ")" : "");
        read(job, "unprocessedrecords", keyColumn, row -> RecordOutcome.retryableFailure(row.key, why), byKey);
        for (String key : job.part.keys()) {
          byKey.putIfAbsent(key, RecordOutcome.retryableFailure(key, why));
        }
        log.warn("Bulk job {} for {} ended {}: {}", job.id, target.sobject, state, info.path("errorMessage").asText(""));
      }
      job.done.complete(new ArrayList<>(byKey.values()));
    } catch (RetryableDestinationException e) {
      if (++job.readFailures >= MAX_POLL_FAILURES) {
        job.done.completeExceptionally(e);
        return;
      }
      log.debug("reading the results of Bulk job {} failed ({}); trying again", job.id, e.getMessage());
      retrier.later(pollInitial.multipliedBy(job.readFailures), () -> retrier.execute(job.done, () -> readResults(job, info)));
    } catch (RuntimeException e) {
      job.done.completeExceptionally(e);
    }
  }

  /** One row of a result file, by column name. */
  private static final class Row {
    final Map<String, String> cells;
    final String key;

    Row(Map<String, String> cells, String key) {
      this.cells = cells;
      this.key = key;
    }

    String get(String column) {
      return cells.getOrDefault(column, "");
    }
  }

  private void read(Job job, String file, String keyColumn, java.util.function.Function<Row, RecordOutcome> outcome,
      Map<String, RecordOutcome> byKey) {
    String text = api.text("jobs/ingest/" + job.id + "/" + file + "/");
    List<List<String>> rows = Csv.parse(text);
    if (rows.isEmpty()) {
      return;
    }
    List<String> header = rows.get(0);
    int k = header.indexOf(keyColumn);
    if (k < 0) {
      throw new RetryableDestinationException("the " + file + " of Bulk job " + job.id + " has no " + keyColumn
          + " column: " + header);
    }
    for (List<String> cells : rows.subList(1, rows.size())) {
      if (cells.size() <= k) {
        continue;
      }
      String key = job.part.keyOf.get(cells.get(k));
      if (key == null) {
        continue; // a row of no record of this job
      }
      Map<String, String> named = new HashMap<>();
      for (int c = 0; c < Math.min(header.size(), cells.size()); c++) {
        named.put(header.get(c), cells.get(c));
      }
      RecordOutcome o = outcome.apply(new Row(named, key));
      RecordOutcome before = byKey.get(key);
      // A key written as several rows (updates of duplicate Ids) succeeds only if every row did.
      if (before == null || before.succeeded()) {
        byKey.put(key, o);
      }
    }
  }

  private void abortQuietly(Job job) {
    String id = job.id;
    if (id == null || !openJobs.remove(id)) {
      return;
    }
    retrier.execute(new CompletableFuture<Void>(), () -> {
      try {
        api.json("PATCH", "jobs/ingest/" + id, Map.of("state", "Aborted"));
        log.info("Bulk job {} aborted", id);
      } catch (RuntimeException e) {
        log.warn("aborting Bulk job {} failed: {}", id, e.getMessage());
      }
    });
  }

  /** Aborts every open job: the destination is closing. */
  void abortAll() {
    for (String id : openJobs()) {
      try {
        api.json("PATCH", "jobs/ingest/" + id, Map.of("state", "Aborted"));
        openJobs.remove(id);
      } catch (RuntimeException e) {
        log.warn("aborting Bulk job {} failed: {}", id, e.getMessage());
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
