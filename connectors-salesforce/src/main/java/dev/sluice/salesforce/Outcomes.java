package dev.sluice.salesforce;

import dev.sluice.destination.Operation;
import dev.sluice.destination.RecordOutcome;
import java.util.Set;

/**
 * The one mapping from what Salesforce said about a record to its {@link RecordOutcome}, shared
 * by the Collections and Bulk paths.
 */
final class Outcomes {

  /** Per-record codes that may pass on a later attempt. */
  static final Set<String> RETRYABLE = Set.of("UNABLE_TO_LOCK_ROW", "REQUEST_LIMIT_EXCEEDED", "SERVER_UNAVAILABLE",
      "ALL_OR_NONE_OPERATION_ROLLED_BACK", "UNKNOWN_EXCEPTION", "TXN_SECURITY_METERING_ERROR");

  /** What {@link #notFound} and {@link #alreadyExists} say. */
  enum Kind {
    /** An update or delete of a key Salesforce does not hold. */
    NOT_FOUND,
    /** An insert of a key Salesforce already holds. */
    ALREADY_EXISTS
  }

  private Outcomes() {}

  /**
   * The outcome of the record {@code key} of an {@code operation}: succeeded when
   * {@code statusCode} is null, else failed with Salesforce's code and message.
   */
  static RecordOutcome of(String key, Operation operation, String statusCode, String message, String externalIdField) {
    if (statusCode == null) {
      return RecordOutcome.succeeded(key);
    }
    String reason = statusCode + ": " + message;
    if (operation == Operation.INSERT && statusCode.equals("DUPLICATE_VALUE") && message.contains(externalIdField)) {
      return special(key, Kind.ALREADY_EXISTS, "Salesforce already holds a record with " + externalIdField + " = "
          + key + " (" + reason + ")");
    }
    if (operation == Operation.DELETE && statusCode.equals("ENTITY_IS_DELETED")) {
      return RecordOutcome.succeeded(key); // already gone: what a delete wants
    }
    return RETRYABLE.contains(statusCode) ? RecordOutcome.retryableFailure(key, reason)
        : RecordOutcome.permanentFailure(key, reason);
  }

  /** An outcome that is not a failure of the destination: the key is missing, or already there. */
  static RecordOutcome special(String key, Kind kind, String reason) {
    return kind == Kind.NOT_FOUND ? RecordOutcome.notFound(key, reason) : RecordOutcome.alreadyExists(key, reason);
  }
}
