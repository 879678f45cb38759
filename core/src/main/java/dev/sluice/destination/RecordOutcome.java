package dev.sluice.destination;

import java.util.Objects;

/**
 * What happened to one record of a batch ({@link #status()}):
 *
 * <ul>
 *   <li>{@link Status#SUCCEEDED}: written; the state advances to the record's hash.
 *   <li>{@link Status#FAILED}: not written, for a reason that is either retryable (a timeout, a
 *       lock) or permanent (the record itself is wrong). Either way the state is not advanced, so
 *       the next run sends it again; retrying a permanent failure within the run is pointless.
 *   <li>{@link Status#NOT_FOUND}: an {@link Operation#UPDATE} of a record the destination does not
 *       hold. Update never creates, so this is the mode working as meant, not a failure: the state
 *       is not advanced and the record is tried again next run (it may exist by then).
 *   <li>{@link Status#ALREADY_EXISTS}: an {@link Operation#INSERT} of a record the destination
 *       already holds. Insert never updates, so this is not a failure either: the key is recorded
 *       in the state and not sent again until its data changes.
 * </ul>
 *
 * <p>Immutable.
 */
public final class RecordOutcome {

  /** The kinds of outcome. */
  public enum Status {
    /** The record was written. */
    SUCCEEDED,
    /** The record was not written; see {@link RecordOutcome#retryable()}. */
    FAILED,
    /** An update found no record with the key; nothing was written. */
    NOT_FOUND,
    /** An insert found a record with the key already there; nothing was written. */
    ALREADY_EXISTS
  }

  private final String key;
  private final Status status;
  private final String reason;
  private final boolean retryable;

  private RecordOutcome(String key, Status status, String reason, boolean retryable) {
    this.key = Objects.requireNonNull(key, "key");
    this.status = status;
    this.reason = reason;
    this.retryable = retryable;
  }

  /**
   * The record with {@code key} was written.
   *
   * @param key the record key
   * @return the outcome
   */
  public static RecordOutcome succeeded(String key) {
    return new RecordOutcome(key, Status.SUCCEEDED, null, false);
  }

  /**
   * The record failed for a reason that may pass (a timeout, a lock, a rate limit).
   *
   * @param key the record key
   * @param reason why, in words for the report
   * @return the outcome
   */
  public static RecordOutcome retryableFailure(String key, String reason) {
    return new RecordOutcome(key, Status.FAILED, reasonOrDefault(reason), true);
  }

  /**
   * The record failed for a reason in the record itself (a validation error).
   *
   * @param key the record key
   * @param reason why, in words for the report
   * @return the outcome
   */
  public static RecordOutcome permanentFailure(String key, String reason) {
    return new RecordOutcome(key, Status.FAILED, reasonOrDefault(reason), false);
  }

  /**
   * {@return an update of {@code key} found no such record in the destination ({@code reason}: what the
   * destination said, may be null)} Only for {@link Operation#UPDATE} batches.
   *
   * @param key the record key
   * @param reason why, in words for the report
   */
  public static RecordOutcome notFound(String key, String reason) {
    return new RecordOutcome(key, Status.NOT_FOUND,
        reason == null || reason.isBlank() ? "the destination holds no record with this key" : reason, false);
  }

  /**
   * {@return an insert of {@code key} found the record already in the destination ({@code reason}: what
   * the destination said, may be null)} Only for {@link Operation#INSERT} batches.
   *
   * @param key the record key
   * @param reason why, in words for the report
   */
  public static RecordOutcome alreadyExists(String key, String reason) {
    return new RecordOutcome(key, Status.ALREADY_EXISTS,
        reason == null || reason.isBlank() ? "the destination already holds a record with this key" : reason, false);
  }


  private static String reasonOrDefault(String reason) {
    return reason == null || reason.isBlank() ? "the destination gave no reason" : reason;
  }

  /** {@return the record key} */
  public String key() {
    return key;
  }

  /** {@return what happened to the record} */
  public Status status() {
    return status;
  }

  /** {@return whether the record was written} */
  public boolean succeeded() {
    return status == Status.SUCCEEDED;
  }

  /**
   * {@return whether the record failed ({@link Status#FAILED}); not-found and already-exists are not failures}
   */
  public boolean failed() {
    return status == Status.FAILED;
  }

  /**
   * {@return why the record failed, or what the destination said for not-found or already-exists; null when it succeeded}
   */
  public String reason() {
    return reason;
  }

  /** {@return whether a failure may pass on a later attempt; false when the record succeeded} */
  public boolean retryable() {
    return retryable;
  }

  @Override
  public String toString() {
    switch (status) {
      case SUCCEEDED:
        return "RecordOutcome{" + key + ": succeeded}";
      case FAILED:
        return "RecordOutcome{" + key + ": " + (retryable ? "retryable" : "permanent") + " failure: " + reason + '}';
      default:
        return "RecordOutcome{" + key + ": " + status.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + ": " + reason + '}';
    }
  }
}
