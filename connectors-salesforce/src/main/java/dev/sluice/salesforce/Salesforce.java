package dev.sluice.salesforce;

import dev.sluice.RunContext;
import dev.sluice.SyncMode;
import dev.sluice.destination.AsyncDestination;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Operation;
import dev.sluice.http.JsonClient;
import dev.sluice.map.Mapping;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records to a Salesforce sObject — {@code Contact}, {@code Lead}, {@code Account}, or a
 * custom object such as {@code Subscription__c} — keyed by an external-ID field: the record key is
 * that field's value.
 *
 * <pre>{@code
 * Salesforce contacts = Salesforce.builder("Contact")
 *     .externalIdField("Customer_Id__c")
 *     .auth(SalesforceAuth.jwtBearer(consumerKey, "integration@acme.com", privateKeyPem))
 *     .build();
 * Sync.from(source).map(mapping).to(contacts).batchSize(Salesforce.BULK_JOB_RECORDS).build().run();
 * }</pre>
 *
 * <p><b>Two paths, chosen per batch.</b> A batch of fewer than {@link Builder#bulkThreshold(int)}
 * records (default {@value #DEFAULT_BULK_THRESHOLD}, Salesforce's own advice) goes through sObject
 * Collections: requests of 200 records, answered at once. A larger batch becomes a Bulk API 2.0
 * ingest job (create, upload CSV, close, poll, read the result files): a few API calls for up to
 * {@value #BULK_JOB_RECORDS} records, but seconds to minutes of latency. The engine does not tell a
 * destination how many changes a run holds, so the batch stands for it: give the sync
 * {@code .batchSize(Salesforce.BULK_JOB_RECORDS)} and a run of 300 changes is one Collections
 * batch, a run of 200,000 twenty Bulk jobs. {@link Builder#path(Path)} fixes one path.
 *
 * <p><b>Modes.</b> Upserts by external ID; inserts create (a key Salesforce already holds is
 * reported {@code alreadyExists}); updates and the deletes of a mirror sync first look the
 * Salesforce Ids up by external ID with SOQL {@code IN} queries, then update or delete by Id (an
 * update of a key Salesforce does not hold is reported {@code notFound}; a delete of one succeeds).
 *
 * <p><b>Schema.</b> When a run opens the object is described and the mapped fields checked: a
 * field that does not exist (nearest names suggested), one the mode cannot write, an external-ID
 * field that is not {@code externalId}/{@code idLookup}, a required field an insert leaves out —
 * each fails the run before anything is sent ({@link SalesforceSchemaException}). Values are
 * converted to each field's type; one that does not fit fails its record with the field and the
 * reason.
 *
 * <p><b>Limits.</b> Every answer's {@code Sforce-Limit-Info: api-usage=N/M} is followed; new work
 * stops (the run ends ABORTED, unsent records pending) when less than the
 * {@link Builder#apiReserve(double) reserve} of the daily allocation is left. A concurrent-request
 * {@code 403 REQUEST_LIMIT_EXCEEDED} waits and retries; a daily one stops the run. 5xx, timeouts
 * and {@code UNABLE_TO_LOCK_ROW} are retryable; validation errors ({@code DUPLICATE_VALUE},
 * {@code REQUIRED_FIELD_MISSING}, {@code INVALID_FIELD}, {@code STRING_TOO_LONG}, picklist errors)
 * fail their record permanently.
 *
 * <p><b>Threads.</b> {@link #submit(Batch)} returns at once. Requests run on
 * {@link Builder#maxConcurrentRequests(int)} I/O threads; one scheduler thread polls every open
 * Bulk job and times retries, so no thread waits for a job. The engine's delivery policy does not
 * wrap an asynchronous destination: retries happen here ({@link Builder#retries}). Close the
 * destination when done; open Bulk jobs are then aborted.
 */
public final class Salesforce implements AsyncDestination {

  /** The REST API version, unless configured. */
  public static final String DEFAULT_API_VERSION = "62.0";
  /** Records from which a batch goes to Bulk API 2.0 rather than Collections, unless configured. */
  public static final int DEFAULT_BULK_THRESHOLD = 2_000;
  /** The most records per batch (and so per Bulk job): what to give the sync's {@code batchSize}. */
  public static final int BULK_JOB_RECORDS = 10_000;
  /** Bytes of CSV per Bulk upload: 150 MB once base64-encoded, as Salesforce counts. */
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 100L * 1024 * 1024;
  /** The share of the daily API allocation left to the org's other integrations, unless configured. */
  public static final double DEFAULT_API_RESERVE = 0.10;

  /** Which API a batch goes through. */
  public enum Path {
    /** Collections for batches below the bulk threshold, Bulk API 2.0 from it. */
    AUTOMATIC,
    /** Always sObject Collections (200 records per request). */
    COLLECTIONS,
    /** Always Bulk API 2.0 jobs. */
    BULK
  }

  private static final Logger log = LoggerFactory.getLogger(Salesforce.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Builder config;
  private final Session session;
  private final ApiLimits limits;
  private final Capabilities capabilities;
  private final ExecutorService io;
  private final ScheduledExecutorService scheduler;
  private final Retrier retrier;
  private volatile Api api;
  private volatile Target target;
  private volatile CollectionsPath collections;
  private volatile BulkPath bulk;
  private volatile boolean schemaLoaded;

  private Salesforce(Builder b) {
    this.config = b;
    this.session = new Session(b.auth, b.clock, b.timeout);
    this.limits = new ApiLimits(b.apiReserve, 0, b.concurrencyWait);
    this.capabilities = Capabilities.builder()
        .operations(Operation.UPSERT, Operation.UPDATE, Operation.INSERT, Operation.DELETE)
        .maxRecordsPerBatch(b.bulkJobRecords)
        .idempotentWrites(true)
        .build();
    int instance = INSTANCES.incrementAndGet();
    this.io = Executors.newFixedThreadPool(b.maxConcurrentRequests, threads("sluice-salesforce-" + instance + "-io"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(threads("sluice-salesforce-" + instance + "-poller"));
    this.retrier = new Retrier(io, scheduler, b.maxAttempts, b.initialBackoff, b.maxBackoff);
  }

  private static ThreadFactory threads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Starts a destination for {@code sobject}: {@code Contact}, {@code Lead}, {@code My_Object__c}, …
   *
   * @param sobject the sObject API name
   * @return a builder
   */
  public static Builder builder(String sobject) {
    return new Builder(sobject);
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public void open(RunContext context) {
    ready();
    limits.newRun();
    if (!config.checkSchema) {
      return;
    }
    SalesforceSchema schema = loadSchema();
    List<String> fields = context.fields().orElse(List.of());
    List<String> problems = schema.problems(fields, config.externalIdField, context.mode());
    if (!problems.isEmpty()) {
      throw new SalesforceSchemaException(config.sobject, problems);
    }
    if (context.mode() != SyncMode.INSERT && context.mode() != SyncMode.UPDATE && !fields.isEmpty()) {
      List<String> required = schema.unmappedRequired(fields, config.externalIdField);
      if (!required.isEmpty()) {
        log.warn("required {} fields {} are not mapped: records Salesforce does not hold yet will fail with"
            + " REQUIRED_FIELD_MISSING", config.sobject, required);
      }
    }
    target.schema(schema);
    schemaLoaded = true;
  }

  /**
   * Describes the object and matches source column names to its writable fields, ignoring case,
   * separators and the {@code __c} suffix (by API name, then by label): {@code lead_score} →
   * {@code Lead_Score__c}. Columns without a match are left out.
   *
   * @param columns the source column names
   * @return column → field, in column order
   */
  public Map<String, String> matchFields(Collection<String> columns) {
    ready();
    return loadSchema().match(columns, config.externalIdField);
  }

  /**
   * A mapping that renames each source column to the field its name matches (see
   * {@link #matchFields(Collection)}); columns without a match are not sent, and are logged.
   *
   * @param columns the source column names
   * @return the mapping
   */
  public Mapping autoMapping(Collection<String> columns) {
    Map<String, String> matched = matchFields(columns);
    Mapping.Builder mapping = Mapping.builder();
    matched.forEach(mapping::rename);
    List<String> unmatched = new ArrayList<>(columns);
    unmatched.removeAll(matched.keySet());
    if (!unmatched.isEmpty()) {
      log.info("columns with no {} field of a similar name, not mapped: {}", config.sobject, unmatched);
    }
    return mapping.build();
  }

  @Override
  public CompletionStage<BatchResult> submit(Batch batch) {
    try {
      ready();
      if (config.checkSchema && !schemaLoaded) {
        // Written to without open(): values are still converted by the object's field types.
        target.schema(loadSchema());
        schemaLoaded = true;
      }
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return usesBulk(batch) ? bulk.write(batch) : collections.write(batch);
  }

  /** Whether {@code batch} goes through Bulk API 2.0 (else sObject Collections). */
  boolean usesBulk(Batch batch) {
    switch (config.path) {
      case BULK:
        return true;
      case COLLECTIONS:
        return false;
      default:
        return batch.size() >= config.bulkThreshold;
    }
  }

  private SalesforceSchema loadSchema() {
    try {
      return retrier.run("describing " + config.sobject, () -> SalesforceSchema.parse(config.sobject,
          api.json("GET", "sobjects/" + config.sobject + "/describe", null))).join();
    } catch (CompletionException e) {
      Throwable cause = CollectionsPath.cause(e);
      if (cause instanceof dev.sluice.destination.PermanentDestinationException
          && cause.getMessage().contains("NOT_FOUND")) {
        throw dev.sluice.destination.PermanentDestinationException.stopsRun("Salesforce has no sObject '"
            + config.sobject + "' that this user can see (" + cause.getMessage() + "); check the API name (custom"
            + " objects end in __c) and the user's object permissions");
      }
      throw cause instanceof RuntimeException ? (RuntimeException) cause : e;
    }
  }

  /** Signs in (once) and builds the API client for the org's instance URL. */
  private void ready() {
    if (api != null) {
      return;
    }
    synchronized (this) {
      if (api != null) {
        return;
      }
      String base = config.instanceUrl != null ? config.instanceUrl : session.instanceUrl();
      JsonClient.Builder http = JsonClient.builder(base)
          .auth(session)
          .responseTimeout(config.timeout)
          .maxConnections(config.maxConcurrentRequests + 1)
          .userAgent("sluice-salesforce")
          .clock(config.clock)
          .responseListener(limits::observe);
      config.auth.secrets().forEach(http::secret);
      if (config.meterRegistry != null) {
        http.metrics(config.meterRegistry, "salesforce");
      }
      Api created = new Api(http.build(), limits, "v" + config.apiVersion);
      Target t = new Target(config.sobject, config.externalIdField, created::toJson);
      this.target = t;
      this.collections = new CollectionsPath(created, t, retrier);
      this.bulk = new BulkPath(created, t, retrier, collections, config.pollInitial, config.pollMax, config.maxJobWait,
          config.maxUploadBytes, config.clock);
      this.api = created;
    }
  }

  /**
   * API calls this destination made (answers received from the REST API; token requests not counted).
   *
   * @return the number of calls
   */
  public long apiCalls() {
    return limits.calls();
  }

  /**
   * The org's API usage as the last answer reported it ({@code used/allowed}), or "" before the first.
   *
   * @return the usage, or ""
   */
  public String apiUsage() {
    return limits.usage();
  }

  /**
   * Access tokens fetched so far.
   *
   * @return the number of access tokens fetched
   */
  public int signIns() {
    return session.tokens();
  }

  @Override
  public String describe() {
    return "salesforce " + config.sobject + " externalIdField " + config.externalIdField;
  }

  /**
   * The org (its instance URL when configured, else the login host and user the sign-in names) and
   * the sObject: which Salesforce records the state describes.
   *
   * @return the identity
   */
  @Override
  public String identity() {
    return "salesforce " + (config.instanceUrl != null ? config.instanceUrl : config.auth.org()) + " " + config.sobject;
  }

  @Override
  public void close() {
    BulkPath b = bulk;
    if (b != null) {
      b.abortAll();
    }
    retrier.close();
    scheduler.shutdownNow();
    io.shutdown();
    try {
      // Let requests under way (an abort, a result file) finish rather than cut their sockets.
      if (!io.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
        io.shutdownNow();
      }
    } catch (InterruptedException e) {
      io.shutdownNow();
      Thread.currentThread().interrupt();
    }
    Api a = api;
    if (a != null) {
      a.close();
    }
    session.close();
  }

  @Override
  public String toString() {
    return "Salesforce{" + config.sobject + " by " + config.externalIdField + ", path " + config.path + '}';
  }

  /** Configures a {@link Salesforce} destination; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private final String sobject;
    private String externalIdField;
    private SalesforceAuth auth;
    private String instanceUrl;
    private String apiVersion = DEFAULT_API_VERSION;
    private Path path = Path.AUTOMATIC;
    private int bulkThreshold = DEFAULT_BULK_THRESHOLD;
    private int bulkJobRecords = BULK_JOB_RECORDS;
    private long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
    private Duration pollInitial = Duration.ofMillis(250);
    private Duration pollMax = Duration.ofSeconds(30);
    private Duration maxJobWait = Duration.ofHours(2);
    private double apiReserve = DEFAULT_API_RESERVE;
    private Duration concurrencyWait = Duration.ofSeconds(5);
    private int maxConcurrentRequests = 4;
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration timeout = Duration.ofSeconds(120);
    private boolean checkSchema = true;
    private Clock clock = Clock.systemUTC();
    private io.micrometer.core.instrument.MeterRegistry meterRegistry;

    private Builder(String sobject) {
      Objects.requireNonNull(sobject, "sobject");
      if (!sobject.matches("[A-Za-z][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("'" + sobject + "' is not an sObject API name (such as Contact, Lead,"
            + " Account or My_Object__c)");
      }
      this.sobject = sobject;
    }

    /**
     * The external-ID field whose value is each record's key, such as {@code Customer_Id__c}. Required.
     *
     * @param field the field API name
     * @return this builder
     */
    public Builder externalIdField(String field) {
      Objects.requireNonNull(field, "field");
      if (!field.matches("[A-Za-z][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("externalIdField '" + field + "' is not a field API name");
      }
      this.externalIdField = field;
      return this;
    }

    /**
     * How to sign in. Required.
     *
     * @param auth the sign-in flow
     * @return this builder
     */
    public Builder auth(SalesforceAuth auth) {
      this.auth = Objects.requireNonNull(auth, "auth");
      return this;
    }

    /**
     * The org's instance URL; default the {@code instance_url} of the token answer.
     *
     * @param url the URL
     * @return this builder
     */
    public Builder instanceUrl(String url) {
      Objects.requireNonNull(url, "url");
      if (!url.startsWith("https://") && !url.startsWith("http://")) {
        throw new IllegalArgumentException("instanceUrl must start with https://, was '" + url + "'");
      }
      this.instanceUrl = url;
      return this;
    }

    /**
     * The REST API version, such as {@code 62.0} (46.0 or later: Collections upsert needs it).
     *
     * @param version the API version
     * @return this builder
     */
    public Builder apiVersion(String version) {
      Objects.requireNonNull(version, "version");
      String v = version.startsWith("v") ? version.substring(1) : version;
      if (!v.matches("\\d+\\.\\d") || Double.parseDouble(v) < 46.0) {
        throw new IllegalArgumentException("apiVersion must be 46.0 or later (such as " + DEFAULT_API_VERSION
            + "), was '" + version + "'");
      }
      this.apiVersion = v;
      return this;
    }

    /**
     * Which API batches go through; default {@link Path#AUTOMATIC}.
     *
     * @param path the path
     * @return this builder
     */
    public Builder path(Path path) {
      this.path = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Records from which a batch goes to Bulk API 2.0 in {@link Path#AUTOMATIC}; default {@value #DEFAULT_BULK_THRESHOLD}.
     *
     * @param records the number of records
     * @return this builder
     */
    public Builder bulkThreshold(int records) {
      if (records < 1) {
        throw new IllegalArgumentException("bulkThreshold must be at least 1, was " + records);
      }
      this.bulkThreshold = records;
      return this;
    }

    /**
     * The most records per batch, and so per Bulk job; default {@value #BULK_JOB_RECORDS}.
     *
     * @param records the number of records
     * @return this builder
     */
    public Builder bulkJobRecords(int records) {
      if (records < 1 || records > 150_000_000) {
        throw new IllegalArgumentException("bulkJobRecords must be between 1 and 150,000,000, was " + records);
      }
      this.bulkJobRecords = records;
      return this;
    }

    /**
     * The most bytes of CSV per Bulk upload (a larger batch becomes several jobs); default 100 MB.
     *
     * @param bytes the number of bytes
     * @return this builder
     */
    public Builder maxUploadBytes(long bytes) {
      if (bytes < 1 || bytes > DEFAULT_MAX_UPLOAD_BYTES) {
        throw new IllegalArgumentException("maxUploadBytes must be between 1 and " + DEFAULT_MAX_UPLOAD_BYTES
            + " (150 MB base64), was " + bytes);
      }
      this.maxUploadBytes = bytes;
      return this;
    }

    /**
     * The first wait before polling a closed Bulk job, and the longest; each wait is twice the last
     * (0.25, 0.5, 1, 2, 4 … 30 s by default), so a quick job is seen soon and a job of minutes costs
     * about ten polls.
     *
     * @param first the first wait
     * @param longest the longest wait
     * @return this builder
     */
    public Builder pollInterval(Duration first, Duration longest) {
      this.pollInitial = positive(first, "first poll interval");
      this.pollMax = positive(longest, "longest poll interval");
      if (longest.compareTo(first) < 0) {
        throw new IllegalArgumentException("the longest poll interval " + longest + " is shorter than the first " + first);
      }
      return this;
    }

    /**
     * How long a Bulk job may run before it is aborted and its records left pending; default 2 hours.
     *
     * @param wait how long
     * @return this builder
     */
    public Builder maxJobWait(Duration wait) {
      this.maxJobWait = positive(wait, "maxJobWait");
      return this;
    }

    /**
     * The share of the org's daily API allocation to leave to its other integrations, from 0 to
     * 0.9; default {@value #DEFAULT_API_RESERVE}. When less is left, the run stops (ABORTED) with its
     * unsent records pending.
     *
     * @param fraction the share, from 0 to 0.9
     * @return this builder
     */
    public Builder apiReserve(double fraction) {
      if (fraction < 0 || fraction > 0.9 || Double.isNaN(fraction)) {
        throw new IllegalArgumentException("apiReserve must be between 0 and 0.9, was " + fraction);
      }
      this.apiReserve = fraction;
      return this;
    }

    /**
     * How long to wait after a concurrent-request 403 before trying again; default 5 s.
     *
     * @param wait how long
     * @return this builder
     */
    public Builder concurrencyWait(Duration wait) {
      this.concurrencyWait = positive(wait, "concurrencyWait");
      return this;
    }

    /**
     * Requests in flight at once (the I/O threads); default 4. Salesforce allows 25 long-running ones per org.
     *
     * @param requests the number of requests
     * @return this builder
     */
    public Builder maxConcurrentRequests(int requests) {
      if (requests < 1 || requests > 25) {
        throw new IllegalArgumentException("maxConcurrentRequests must be between 1 and 25, was " + requests);
      }
      this.maxConcurrentRequests = requests;
      return this;
    }

    /**
     * Attempts per request on a retryable failure (5xx, timeout), waiting from {@code initial} and
     * doubling up to {@code max}, with jitter; default 5, 500 ms, 30 s.
     *
     * @param attempts attempts in all, at least 1
     * @param initial the first backoff
     * @param max the longest backoff
     * @return this builder
     */
    public Builder retries(int attempts, Duration initial, Duration max) {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
      }
      this.maxAttempts = attempts;
      this.initialBackoff = positive(initial, "initial backoff");
      this.maxBackoff = positive(max, "max backoff");
      return this;
    }

    /**
     * Time to wait for each answer; default 120 s.
     *
     * @param timeout the time
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * Whether to check the mapping against the object's describe when a run opens; default true.
     *
     * @param check whether to check
     * @return this builder
     */
    public Builder checkSchema(boolean check) {
      this.checkSchema = check;
      return this;
    }

    /**
     * The clock for JWT expiry and Bulk job deadlines; default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Times every request ({@code sluice.http.requests}, destination {@code salesforce}).
     *
     * @param registry the meter registry
     * @return this builder
     */
    public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }

    /**
     * Builds the destination.
     *
     * @throws IllegalStateException when the external-ID field or the sign-in is missing
     * @return the destination
     */
    public Salesforce build() {
      if (externalIdField == null) {
        throw new IllegalStateException("Salesforce " + sobject + " needs externalIdField(...): the External ID field"
            + " whose value is the record key, such as Customer_Id__c");
      }
      if (auth == null) {
        throw new IllegalStateException("Salesforce needs auth(...): SalesforceAuth.jwtBearer(...),"
            + " .clientCredentials(...) or .refreshToken(...)");
      }
      if (bulkThreshold > bulkJobRecords && path == Path.AUTOMATIC) {
        log.warn("bulkThreshold {} is above bulkJobRecords {}: no batch will go to Bulk API 2.0", bulkThreshold,
            bulkJobRecords);
      }
      return new Salesforce(this);
    }
  }
}
