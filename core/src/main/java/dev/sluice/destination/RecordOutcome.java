package dev.sluice.destination;

import java.util.Objects;

/**
 * What happened to one record of a batch: it succeeded, or it failed with a reason that is either
 * retryable (the next run sends it again) or permanent (the record itself is wrong; it is still
 * re-sent on the next run, since its state was not advanced, but retrying within a run is
 * pointless). Immutable.
 */
public final class RecordOutcome {


  private final String key;
  private final boolean succeeded;
  private final String reason;
  private final boolean retryable;

  private RecordOutcome(String key, boolean succeeded, String reason, boolean retryable) {
    this.key = key;
    this.succeeded = succeeded;
    this.reason = reason;
    this.retryable = retryable;
  }

  /** The record with {@code key} was written. */
  public static RecordOutcome succeeded(String key) {
    return new RecordOutcome(Objects.requireNonNull(key, "key"), true, null, false);
  }

  /** The record failed for a reason that may pass (a timeout, a lock, a rate limit). */
  public static RecordOutcome retryableFailure(String key, String reason) {
    return new RecordOutcome(Objects.requireNonNull(key, "key"), false, reasonOrDefault(reason), true);
  }

  /** The record failed for a reason in the record itself (a validation error). */
  public static RecordOutcome permanentFailure(String key, String reason) {
    return new RecordOutcome(Objects.requireNonNull(key, "key"), false, reasonOrDefault(reason), false);
  }


  private static String reasonOrDefault(String reason) {
    return reason == null || reason.isBlank() ? "the destination gave no reason" : reason;
  }

  /** The record key. */
  public String key() {
    return key;
  }

  /** Whether the record was written. */
  public boolean succeeded() {
    return succeeded;
  }

  /** Why the record failed; null when it succeeded. */
  public String reason() {
    return reason;
  }

  /** Whether a failure may pass on a later attempt; false when the record succeeded. */
  public boolean retryable() {
    return retryable;
  }

  @Override
  public String toString() {
    return succeeded
        ? "RecordOutcome{" + key + ": succeeded}"
        : "RecordOutcome{" + key + ": " + (retryable ? "retryable" : "permanent") + " failure: " + reason + '}';
  }
}
