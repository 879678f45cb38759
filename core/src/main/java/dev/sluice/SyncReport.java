package dev.sluice;

import dev.sluice.delivery.RequestFigures;
import dev.sluice.diff.Change;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one run of a {@link Sync} did. Immutable.
 *
 * <p>Counts: {@code read} records came from the source; {@code rejected} of them could not be
 * mapped (or had no key); {@code mapped} could. Of the mapped records {@code unchanged} matched the
 * state; the rest were {@code new} (a key the state did not have) or {@code changed};
 * {@code removed} keys left the source (only
 * counted in {@link SyncMode#MIRROR} mode, and only after a complete read). Of those changes,
 * {@code skipped} were not sent because the mode excludes them, {@code delivered} were confirmed by
 * the destination, and {@code failed} were not. A dry run sends nothing, so its delivered and
 * failed counts are zero.
 *
 * <p>{@link #rejectedRecords()} and {@link #failedRecords()} list at most
 * {@value #MAX_LISTED_RECORDS} records each; the counts are always complete.
 */
public final class SyncReport {

  /** The most records listed per error list; counts are never capped. */
  public static final int MAX_LISTED_RECORDS = 1_000;

  /** How a run ended. */
  public enum Status {
    /** Every record was delivered or unchanged, and none was rejected. */
    SUCCEEDED,
    /** The run completed, but some records were rejected or failed; they are retried next run. */
    PARTIAL,
    /**
     * The run could not complete (source or state error, duplicate key), or every change it sent
     * failed. What was confirmed before is kept; no deletes were sent unless the read completed.
     */
    FAILED,
    /** The run was stopped (the destination refused all further work, or it was cancelled). */
    ABORTED
  }

  /** What made a run fail or stop, for code that reacts to it (see {@link #failureKind()}). */
  public enum FailureKind {
    /** The source could not be opened or read to its end. */
    SOURCE,
    /** The mapping cannot work with this source (say, it names a column the query lacks). */
    MAPPING,
    /** Two records had the same key. */
    DUPLICATE_KEY,
    /** A source declared ordered by key produced a key out of order. */
    KEY_ORDER,
    /** The state store failed, or this run lost its lease on the sync to another run. */
    STATE,
    /** The destination refused all further work, or failed every change it was sent. */
    DESTINATION,
    /** Every record the source produced was rejected. */
    REJECTED,
    /** The run was stopped from outside (interrupted or cancelled). */
    STOPPED,
    /** A bug or resource exhaustion: an unexpected exception or error ({@link #failureCause()}). */
    INTERNAL
  }

  private final String syncName;
  private final String runId;
  private final SyncMode mode;
  private final boolean dryRun;
  private final Status status;
  private final String failure;
  private final Instant startedAt;
  private final Duration duration;
  private final long read;
  private final long mapped;
  private final long rejected;
  private final long added;
  private final long updated;
  private final long deleted;
  private final long unchanged;
  private final long skipped;
  private final long delivered;
  private final long failed;
  private final long notFound;
  private final long alreadyExisted;
  private final List<RecordError> rejectedRecords;
  private final List<RecordError> failedRecords;
  private final List<Change> sampleChanges;
  private final boolean fingerprintChanged;
  private final boolean destinationChanged;
  private final boolean sourceChanged;
  private final FailureKind failureKind;
  private final Throwable failureCause;
  private final List<RecordError> notFoundRecords;
  private final long quarantined;
  private final List<RecordError> quarantinedRecords;
  private final RequestFigures requests;
  private final Shard shard;
  private final long otherShards;
  private final boolean freshState;

  private SyncReport(Builder b) {
    this.shard = b.shard;
    this.otherShards = b.otherShards;
    this.freshState = b.freshState;
    this.destinationChanged = b.destinationChanged;
    this.sourceChanged = b.sourceChanged;
    this.failureKind = b.failureKind;
    this.failureCause = b.failureCause;
    this.notFoundRecords = List.copyOf(b.notFoundRecords);
    this.quarantined = b.quarantined;
    this.quarantinedRecords = List.copyOf(b.quarantinedRecords);
    this.syncName = b.syncName;
    this.runId = b.runId;
    this.mode = b.mode;
    this.dryRun = b.dryRun;
    this.status = Objects.requireNonNull(b.status, "status");
    this.failure = b.failure;
    this.startedAt = Objects.requireNonNull(b.startedAt, "startedAt");
    this.duration = Objects.requireNonNull(b.duration, "duration");
    this.read = b.read;
    this.mapped = b.mapped;
    this.rejected = b.rejected;
    this.added = b.added;
    this.updated = b.updated;
    this.deleted = b.deleted;
    this.unchanged = b.unchanged;
    this.skipped = b.skipped;
    this.delivered = b.delivered;
    this.failed = b.failed;
    this.notFound = b.notFound;
    this.alreadyExisted = b.alreadyExisted;
    this.rejectedRecords = List.copyOf(b.rejectedRecords);
    this.failedRecords = List.copyOf(b.failedRecords);
    this.sampleChanges = List.copyOf(b.sampleChanges);
    this.fingerprintChanged = b.fingerprintChanged;
    this.requests = b.requests;
  }

  /**
   * Starts a report; the engine fills it in. Public so that tests of listeners and report
   * consumers can make one.
   *
   * @param syncName the name of the sync
   * @param runId the run's id
   * @param mode the sync mode
   * @return a builder to configure it with
   */
  public static Builder builder(String syncName, String runId, SyncMode mode) {
    return new Builder(syncName, runId, mode);
  }

  /** {@return the name of the sync; for a shard, {@code name/shard-i-of-n} (see {@link Sync#name()})} */
  public String syncName() {
    return syncName;
  }

  /** {@return the id of this run} */
  public String runId() {
    return runId;
  }

  /** {@return the mode the sync ran in} */
  public SyncMode mode() {
    return mode;
  }

  /** {@return whether this was a dry run (nothing sent, state unchanged)} */
  public boolean dryRun() {
    return dryRun;
  }

  /** {@return how the run ended} */
  public Status status() {
    return status;
  }

  /** {@return why the run failed or was aborted; empty when it completed} */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /** {@return what kind of failure ended a FAILED or ABORTED run; empty when it completed} */
  public Optional<FailureKind> failureKind() {
    return Optional.ofNullable(failureKind);
  }

  /**
   * {@return the exception behind the failure, when there was one (a source's {@code SourceException}, a
   * {@code StateStoreException}, an error); empty otherwise} Its message is what {@link #failure()}
   * shows, with secrets masked there — log the cause with care.
   */
  public Optional<Throwable> failureCause() {
    return Optional.ofNullable(failureCause);
  }

  /** {@return when the run started} */
  public Instant startedAt() {
    return startedAt;
  }

  /** {@return how long the run took} */
  public Duration duration() {
    return duration;
  }

  /**
   * Records read from the source.
   *
   * @return the records read from the source
   */
  public long read() {
    return read;
  }

  /**
   * Records the mapper accepted.
   *
   * @return the records the mapper accepted
   */
  public long mapped() {
    return mapped;
  }

  /**
   * Records rejected (no key, or the mapping refused them).
   *
   * @return the records rejected
   */
  public long rejected() {
    return rejected;
  }

  /** {@return mapped records with a key the state did not have ({@link Change.Kind#NEW})} */
  public long newRecords() {
    return added;
  }

  /** {@return mapped records whose content changed ({@link Change.Kind#CHANGED})} */
  public long changedRecords() {
    return updated;
  }

  /** {@return keys that left the source (mirror mode, complete reads only; {@link Change.Kind#REMOVED})} */
  public long removedRecords() {
    return deleted;
  }

  /** {@return mapped records identical to the state} */
  public long unchanged() {
    return unchanged;
  }

  /** {@return changes the mode does not send} */
  public long skipped() {
    return skipped;
  }

  /** {@return changes the destination confirmed} */
  public long delivered() {
    return delivered;
  }

  /**
   * {@return changes the destination did not confirm; they stay pending and are sent again next run}
   */
  public long failed() {
    return failed;
  }

  /**
   * {@return updates the destination answered with "not found" ({@link SyncMode#UPDATE} never creates):
   * not failures; they are tried again next run}
   */
  public long notFound() {
    return notFound;
  }

  /**
   * {@return inserts the destination answered with "already exists" ({@link SyncMode#INSERT} never
   * updates): not failures; the keys are recorded and not sent again until their data changes}
   */
  public long alreadyExisted() {
    return alreadyExisted;
  }

  /** {@return rejected records with reasons (the first {@value #MAX_LISTED_RECORDS})} */
  public List<RecordError> rejectedRecords() {
    return rejectedRecords;
  }

  /** {@return failed records with reasons (the first {@value #MAX_LISTED_RECORDS})} */
  public List<RecordError> failedRecords() {
    return failedRecords;
  }

  /**
   * {@return the updates the destination answered "not found" (the first {@value #MAX_LISTED_RECORDS}),
   * with what it said: not failures; they are tried again next run}
   */
  public List<RecordError> notFoundRecords() {
    return notFoundRecords;
  }

  /**
   * Records held back because they failed permanently the configured number of runs in a row
   * ({@link Sync.Builder#quarantineAfter(int)}) and their data has not changed since: not sent,
   * not failures of this run.
   *
   * @return how many records were quarantined
   */
  public long quarantined() {
    return quarantined;
  }

  /**
   * The quarantined records (the first {@value #MAX_LISTED_RECORDS}), each with why.
   *
   * @return the quarantined records
   */
  public List<RecordError> quarantinedRecords() {
    return quarantinedRecords;
  }

  /**
   * Whether the state was last written for another destination (its {@code identity()} differs):
   * the run started afresh, as if the state were empty, derived no deletes from it, and replaced
   * it with what this run confirmed}
   *
   * @return whether the state was written for another destination
   */
  public boolean destinationChanged() {
    return destinationChanged;
  }

  /**
   * {@return whether the state was last written by a sync reading another source (its {@code describe()}
   * differs), such as an edited query} Mirror semantics apply as usual: keys the new source lacks
   * are deleted.
   */
  public boolean sourceChanged() {
    return sourceChanged;
  }

  /**
   * {@return whether the mapping or destination settings changed since the last committed run, so this
   * run treated every record as changed and sent it again}
   */
  public boolean fingerprintChanged() {
    return fingerprintChanged;
  }

  /**
   * What delivery cost: HTTP requests, write attempts, retries, rate-limit answers, time spent
   * waiting for the rate limit, batches split.
   *
   * @return the figures
   */
  public RequestFigures requests() {
    return requests;
  }

  /**
   * {@return the part of the keys the run delivered, for a sync split into shards ({@link
   * Sync#shard(int, int)}); empty for a sync that delivers every key}
   */
  public Optional<Shard> shard() {
    return Optional.ofNullable(shard);
  }

  /**
   * {@return for a shard, the records read that belong to other shards: dropped as they were read,
   * before mapping, and counted nowhere else in this report}
   */
  public long otherShards() {
    return otherShards;
  }

  /**
   * {@return whether the run found no committed state to compare with, so every record it read was
   * new to it and no delete was derived: a first run; for a shard, the first run at its shard count
   * (a new count starts new states, see {@link Shard})}
   */
  public boolean freshState() {
    return freshState;
  }

  /** {@return for a dry run, the first changes it would send; empty otherwise} */
  public List<Change> sampleChanges() {
    return sampleChanges;
  }

  /** {@return one line for logs: status and counts} */
  public String summary() {
    StringBuilder sb = new StringBuilder()
        .append(syncName).append(' ').append(dryRun ? "dry run " : "run ").append(runId)
        .append(": ").append(status)
        .append(" in ").append(duration.toMillis()).append(" ms")
        .append(" | read ").append(read)
        .append(", rejected ").append(rejected)
        .append(" | new ").append(added)
        .append(", changed ").append(updated)
        .append(", removed ").append(deleted)
        .append(", unchanged ").append(unchanged)
        .append(", skipped ").append(skipped)
        .append(" | delivered ").append(delivered)
        .append(", failed ").append(failed);
    if (notFound > 0) {
      sb.append(", not found ").append(notFound);
    }
    if (alreadyExisted > 0) {
      sb.append(", already existed ").append(alreadyExisted);
    }
    if (quarantined > 0) {
      sb.append(", quarantined ").append(quarantined);
    }
    if (requests.attempts() > 0 || requests.requests() > 0) {
      sb.append(" | ").append(requests);
    }
    if (shard != null) {
      sb.append(" | other shards' records ").append(otherShards);
      if (freshState) {
        sb.append(" | no state at this shard count yet: started afresh, every record of the shard sent, none deleted");
      }
    }
    if (fingerprintChanged) {
      sb.append(" | the mapping or destination settings changed: every record was sent again");
    }
    if (destinationChanged) {
      sb.append(" | the state was written for another destination: started afresh, no deletes derived from it");
    }
    if (sourceChanged) {
      sb.append(" | the source changed since the state was written");
    }
    if (failure != null) {
      sb.append(" | ").append(failure);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "SyncReport{" + summary() + '}';
  }

  /** Fills in a {@link SyncReport}. Not thread-safe. */
  public static final class Builder {
    private final String syncName;
    private final String runId;
    private final SyncMode mode;
    private boolean dryRun;
    private Status status;
    private String failure;
    private Instant startedAt;
    private Duration duration;
    private long read;
    private long mapped;
    private long rejected;
    private long added;
    private long updated;
    private long deleted;
    private long unchanged;
    private long skipped;
    private long delivered;
    private long failed;
    private long notFound;
    private long alreadyExisted;
    private List<RecordError> rejectedRecords = List.of();
    private List<RecordError> failedRecords = List.of();
    private List<Change> sampleChanges = List.of();
    private boolean fingerprintChanged;
    private boolean destinationChanged;
    private boolean sourceChanged;
    private FailureKind failureKind;
    private Throwable failureCause;
    private List<RecordError> notFoundRecords = List.of();
    private long quarantined;
    private List<RecordError> quarantinedRecords = List.of();
    private RequestFigures requests = RequestFigures.NONE;
    private Shard shard;
    private long otherShards;
    private boolean freshState;

    private Builder(String syncName, String runId, SyncMode mode) {
      this.syncName = Objects.requireNonNull(syncName, "syncName");
      this.runId = Objects.requireNonNull(runId, "runId");
      this.mode = Objects.requireNonNull(mode, "mode");
    }

    /**
     * Marks a dry run.
     *
     * @param dryRun whether it is a dry run
     * @return this builder
     */
    public Builder dryRun(boolean dryRun) {
      this.dryRun = dryRun;
      return this;
    }

    /**
     * How the run ended, and why when it did not complete (null otherwise).
     *
     * @param status how the run ended
     * @param failure why the run did not complete, or null when it did
     * @return this builder
     */
    public Builder status(Status status, String failure) {
      this.status = status;
      this.failure = failure;
      return this;
    }

    /**
     * When the run started and how long it took.
     *
     * @param startedAt when the run started
     * @param duration how long
     * @return this builder
     */
    public Builder timing(Instant startedAt, Duration duration) {
      this.startedAt = startedAt;
      this.duration = duration;
      return this;
    }

    /**
     * Source and mapping counts.
     *
     * @param read records read
     * @param mapped records the mapper accepted
     * @param rejected records rejected
     * @return this builder
     */
    public Builder readCounts(long read, long mapped, long rejected) {
      this.read = read;
      this.mapped = mapped;
      this.rejected = rejected;
      return this;
    }

    /**
     * Diff counts.
     *
     * @param newRecords mapped records with a key the state did not have
     * @param changedRecords mapped records whose content changed
     * @param removedRecords keys that left the source
     * @param unchanged records identical to the state
     * @param skipped changes the mode does not send
     * @return this builder
     */
    public Builder changeCounts(long newRecords, long changedRecords, long removedRecords, long unchanged,
        long skipped) {
      this.added = newRecords;
      this.updated = changedRecords;
      this.deleted = removedRecords;
      this.unchanged = unchanged;
      this.skipped = skipped;
      return this;
    }

    /**
     * Delivery counts.
     *
     * @param delivered changes the destination confirmed
     * @param failed changes the destination did not confirm
     * @return this builder
     */
    public Builder deliveryCounts(long delivered, long failed) {
      this.delivered = delivered;
      this.failed = failed;
      return this;
    }

    /**
     * Updates answered "not found" and inserts answered "already exists".
     *
     * @param notFound updates answered "not found"
     * @param alreadyExisted inserts answered "already exists"
     * @return this builder
     */
    public Builder outcomeCounts(long notFound, long alreadyExisted) {
      this.notFound = notFound;
      this.alreadyExisted = alreadyExisted;
      return this;
    }

    /**
     * The listed rejected and failed records.
     *
     * @param rejectedRecords the listed rejected records
     * @param failedRecords the listed failed records
     * @return this builder
     */
    public Builder errors(List<RecordError> rejectedRecords, List<RecordError> failedRecords) {
      this.rejectedRecords = rejectedRecords;
      this.failedRecords = failedRecords;
      return this;
    }

    /**
     * The changes a dry run would send (a sample).
     *
     * @param sampleChanges the sample
     * @return this builder
     */
    public Builder sampleChanges(List<Change> sampleChanges) {
      this.sampleChanges = sampleChanges;
      return this;
    }

    /**
     * Marks a run that re-sent everything because the sync's fingerprint changed.
     *
     * @param changed whether the fingerprint changed
     * @return this builder
     */
    public Builder fingerprintChanged(boolean changed) {
      this.fingerprintChanged = changed;
      return this;
    }

    /**
     * What kind of failure ended the run, and the exception behind it (either may be null).
     *
     * @param kind the kind of failure, or null
     * @param cause the underlying failure
     * @return this builder
     */
    public Builder failureCause(FailureKind kind, Throwable cause) {
      this.failureKind = kind;
      this.failureCause = cause;
      return this;
    }

    /**
     * The listed updates answered "not found".
     *
     * @param records the listed updates answered "not found"
     * @return this builder
     */
    public Builder notFoundRecords(List<RecordError> records) {
      this.notFoundRecords = records;
      return this;
    }

    /**
     * Records held back as quarantined.
     *
     * @param count how many
     * @param records the listed ones
     * @return this builder
     */
    public Builder quarantined(long count, List<RecordError> records) {
      this.quarantined = count;
      this.quarantinedRecords = records;
      return this;
    }

    /**
     * Whether the state was written for another destination, or by another source.
     *
     * @param destinationChanged whether the state was written for another destination
     * @param sourceChanged whether the state was written by another source
     * @return this builder
     */
    public Builder stateOrigin(boolean destinationChanged, boolean sourceChanged) {
      this.destinationChanged = destinationChanged;
      this.sourceChanged = sourceChanged;
      return this;
    }

    /**
     * What delivery cost in requests.
     *
     * @param requests the figures
     * @return this builder
     */
    public Builder requests(RequestFigures requests) {
      this.requests = Objects.requireNonNull(requests, "requests");
      return this;
    }

    /**
     * The shard the run delivered (null for every key), the records of other shards it dropped,
     * and whether it found no committed state.
     *
     * @param shard the shard, or null
     * @param otherShards records read that belong to other shards
     * @param freshState whether the run found no committed state
     * @return this builder
     */
    public Builder shard(Shard shard, long otherShards, boolean freshState) {
      this.shard = shard;
      this.otherShards = otherShards;
      this.freshState = freshState;
      return this;
    }

    /**
     * Builds the report.
     *
     * @return the report
     */
    public SyncReport build() {
      return new SyncReport(this);
    }
  }
}
