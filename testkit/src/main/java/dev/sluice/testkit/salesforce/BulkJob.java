package dev.sluice.testkit.salesforce;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One Bulk API 2.0 ingest job of the fake, and its result files once processed. */
final class BulkJob {

  private static final ObjectMapper JSON = new ObjectMapper();

  final String id;
  final String object;
  final String operation;
  final String externalIdFieldName;
  final String lineEnding;
  final String columnDelimiter;
  final String apiVersion;
  final Instant createdAt;
  String state = "Open";
  String csv;
  Instant closedAt;
  Integer failAfter;
  String failMessage;
  String errorMessage;
  int processed;
  int failed;
  List<List<String>> successRows;
  List<List<String>> failedRows;
  List<List<String>> unprocessedRows;

  BulkJob(String id, String object, String operation, String externalIdFieldName, String lineEnding,
      String columnDelimiter, String apiVersion, Instant createdAt) {
    this.id = id;
    this.object = object;
    this.operation = operation;
    this.externalIdFieldName = externalIdFieldName;
    this.lineEnding = lineEnding;
    this.columnDelimiter = columnDelimiter;
    this.apiVersion = apiVersion;
    this.createdAt = createdAt;
  }

  /** The delimiter character of a {@code columnDelimiter} name, or 0 for an unknown name. */
  static char delimiter(String name) {
    switch (name) {
      case "COMMA":
        return ',';
      case "TAB":
        return '\t';
      case "SEMICOLON":
        return ';';
      case "PIPE":
        return '|';
      case "CARET":
        return '^';
      case "BACKQUOTE":
        return '`';
      default:
        return 0;
    }
  }

  boolean isFinal() {
    return state.equals("JobComplete") || state.equals("Failed") || state.equals("Aborted");
  }

  /** Starts the result files for rows with {@code header}. */
  void start(List<String> header) {
    successRows = new ArrayList<>();
    failedRows = new ArrayList<>();
    unprocessedRows = new ArrayList<>();
    List<String> success = new ArrayList<>(List.of("sf__Id", "sf__Created"));
    success.addAll(header);
    List<String> failure = new ArrayList<>(List.of("sf__Id", "sf__Error"));
    failure.addAll(header);
    successRows.add(success);
    failedRows.add(failure);
    unprocessedRows.add(new ArrayList<>(header));
  }

  void succeeded(String recordId, boolean created, List<String> row) {
    List<String> line = new ArrayList<>(List.of(recordId, Boolean.toString(created)));
    line.addAll(row);
    successRows.add(line);
    processed++;
  }

  void failed(String error, List<String> row) {
    List<String> line = new ArrayList<>(List.of("", error));
    line.addAll(row);
    failedRows.add(line);
    processed++;
    failed++;
  }

  /** The job fails; with {@code rows}, none of them processed (they are all unprocessed). */
  void fail(String message, List<List<String>> rows) {
    if (successRows == null) {
      start(rows == null || rows.isEmpty() ? List.of() : rows.get(0));
      if (rows != null && rows.size() > 1) {
        unprocessedRows.addAll(rows.subList(1, rows.size()));
      }
    }
    state = "Failed";
    errorMessage = message;
  }

  void abort() {
    state = "Aborted";
    start(List.of());
    if (csv != null) {
      // Nothing was processed: the whole upload comes back as unprocessed records.
      unprocessedRows = new ArrayList<>();
      unprocessedRows.addAll(Csv.parse(csv, delimiter(columnDelimiter), lineEnding.equals("LF") ? "\n" : "\r\n"));
    }
  }

  ObjectNode info() {
    ObjectNode n = JSON.createObjectNode()
        .put("id", id)
        .put("operation", operation)
        .put("object", object)
        .put("createdById", "005FAKE0000000001")
        .put("createdDate", Values.DATETIME.format(createdAt))
        .put("systemModstamp", Values.DATETIME.format(createdAt))
        .put("state", state)
        .put("concurrencyMode", "Parallel")
        .put("contentType", "CSV")
        .put("apiVersion", Double.parseDouble(apiVersion.substring(1)))
        .put("jobType", "V2Ingest")
        .put("contentUrl", "services/data/" + apiVersion + "/jobs/ingest/" + id + "/batches")
        .put("lineEnding", lineEnding)
        .put("columnDelimiter", columnDelimiter)
        .put("numberRecordsProcessed", processed)
        .put("numberRecordsFailed", failed)
        .put("retries", 0)
        .put("totalProcessingTime", 0);
    if (externalIdFieldName != null) {
      n.put("externalIdFieldName", externalIdFieldName);
    }
    if (errorMessage != null) {
      n.put("errorMessage", errorMessage);
    }
    return n;
  }
}
