package dev.sluice.observe;

/**
 * The names and tags of the meters Sluice registers (see {@link SyncMetrics}). Names are lowercase
 * and dotted under {@code sluice.}; tags are few and of low cardinality.
 */
public final class MetricNames {

  /** Counter of records, tagged {@link #TAG_OUTCOME}: read, rejected, delivered, failed. */
  public static final String RECORDS = "sluice.records";
  /** Counter of diff results, tagged {@link #TAG_KIND}: added, updated, deleted, unchanged, skipped. */
  public static final String CHANGES = "sluice.changes";
  /** Counter of batches answered by the destination, tagged {@link #TAG_OPERATION}. */
  public static final String BATCHES = "sluice.batches";
  /** Timer of whole runs, tagged {@link #TAG_STATUS}. */
  public static final String RUN_DURATION = "sluice.run.duration";
  /** Gauge: when the sync last ended SUCCEEDED or PARTIAL, in seconds since the epoch (0 = never). */
  public static final String LAST_SUCCESS = "sluice.run.last.success";

  /** Timer of HTTP requests to a destination, tagged {@link #TAG_STATUS} (code or io_error) and method. */
  public static final String HTTP_REQUESTS = "sluice.http.requests";

  /**
   * Counter of delivery requests per run, tagged {@link #TAG_KIND}: {@code http} (HTTP requests
   * through JsonClient), {@code attempt} (write calls), {@code retry}, {@code rate_limited} (429s).
   */
  public static final String REQUESTS = "sluice.requests";
  /** Counter of batches split in halves to isolate rejected records. */
  public static final String BATCHES_SPLIT = "sluice.batches.split";
  /** Timer: time runs spent waiting for the rate limit (pacing and the waits destinations asked for). */
  public static final String RATE_LIMIT_WAIT = "sluice.rate.limit.wait";

  /** The sync's name. */
  public static final String TAG_SYNC = "sync";
  /** The destination's class, simple name. */
  public static final String TAG_DESTINATION = "destination";
  /** Outcome of a record. */
  public static final String TAG_OUTCOME = "outcome";
  /** Kind of a diff result. */
  public static final String TAG_KIND = "kind";
  /** How a run ended. */
  public static final String TAG_STATUS = "status";
  /** A batch's operation. */
  public static final String TAG_OPERATION = "operation";

  private MetricNames() {}
}
