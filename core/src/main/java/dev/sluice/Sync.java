package dev.sluice;

import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.diff.Differ;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.state.StateStore;
import dev.sluice.internal.Modes;
import dev.sluice.internal.SyncEngine;
import dev.sluice.internal.SyncPlan;
import dev.sluice.map.Mapper;
import dev.sluice.observe.SyncListener;
import dev.sluice.source.Source;
import dev.sluice.diff.RecordHash;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Callable;

/**
 * A sync: read records from a {@link Source}, map them, find what changed since the last run, and
 * deliver the changes to a {@link Destination}.
 *
 * <pre>{@code
 * Sync sync = Sync.from(source)
 *     .map(mapping)
 *     .to(destination)
 *     .named("customers-to-crm")
 *     .mode(SyncMode.MIRROR)
 *     .build();
 * SyncReport report = sync.run();
 * }</pre>
 *
 * <p>A built sync is immutable and reusable: call {@link #run()} on a schedule. Runs of one sync
 * do not overlap; a second concurrent run fails at once (its state is locked). Different syncs may
 * run at the same time. A run in progress can be stopped from another thread with {@link #cancel()},
 * and ends by itself at its {@link Builder#deadline(Duration) deadline}.
 *
 * <p><b>Executors and schedulers.</b> A sync is a {@link Callable} whose {@link #call()} is
 * {@link #run()}, and it is safe to hand to any executor or scheduler: it holds no thread and no
 * per-run state of its own, may run on any thread, and never throws for what a report can describe
 * (a failed source, destination or state store ends the run as {@code FAILED} or
 * {@code ABORTED}), so a scheduled task is never cancelled by a failed run.
 *
 * <pre>{@code
 * ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
 * Future<SyncReport> now = scheduler.submit(sync);
 * scheduler.scheduleWithFixedDelay(() -> log.info(sync.call().summary()), 0, 15, TimeUnit.MINUTES);
 * }</pre>
 */
public final class Sync implements Callable<SyncReport> {

  /**
   * The logger the engine writes to: at INFO a "run started" line (sync, run id, source →
   * destination, mode) and the report's summary at the end; WARN for a failed batch, an aborted
   * run, a failing listener; ERROR for a failed run. {@code dev.sluice.sync.delivery} (DEBUG: a
   * batch split to find bad records, a rate-limit wait) and {@code dev.sluice.sync.sort} (the
   * external sort of unordered sources) sit below it, so one level set here covers the engine.
   */
  public static final String LOGGER = "dev.sluice.sync";

  /** The MDC key that holds the sync's name on every line a run logs, on every thread of the run. */
  public static final String MDC_SYNC = "sluice.sync";

  /** The MDC key that holds the run's id on every line a run logs, on every thread of the run. */
  public static final String MDC_RUN = "sluice.run";

  private final SyncPlan plan;
  private final Duration deadline;
  private final AtomicReference<SyncEngine> running = new AtomicReference<>();

  private Sync(SyncPlan plan, Duration deadline) {
    this.plan = plan;
    this.deadline = deadline;
  }

  /**
   * Starts a sync that reads from {@code source}.
   *
   * @param source the source
   * @return a builder to configure it with
   */
  public static SourceStage from(Source source) {
    return new SourceStage(Objects.requireNonNull(source, "source"));
  }

  /**
   * {@return the sync's name, which keys its state} For a {@linkplain #shard(int, int) shard} it is
   * the whole sync's name followed by {@code /shard-i-of-n}: the name of the shard's state, and the
   * one its logs, reports, meters and batches carry.
   */
  public String name() {
    return plan.name();
  }

  /** {@return the sync's mode} */
  public SyncMode mode() {
    return plan.mode();
  }

  /**
   * {@return a hash of the mapper's and the destination's descriptions ({@link Mapper#describe()},
   * {@link Destination#describe()}), stored with the state at each commit} When it differs from
   * the stored one, the next run re-sends every record and its report says so.
   */
  public String fingerprint() {
    return plan.fingerprint();
  }

  /**
   * Runs the sync once: reads the whole source, sends the changes, commits what the destination
   * confirmed. Failures of records, batches, the source or the destination are reported in the
   * returned report, not thrown.
   *
   * @return what the run did; its status tells whether it completed
   */
  public SyncReport run() {
    return start(false);
  }

  /**
   * Stops the run in progress, if any, as soon as it can: no further batch or attempt is made and
   * waits end at once (a request already sent ends within the connector's request timeout). Its
   * {@link #run()} then returns the report, ABORTED: what the destination confirmed is committed,
   * everything else stays pending for the next run.
   *
   * @return whether a run was in progress
   */
  public boolean cancel() {
    SyncEngine engine = running.get();
    if (engine == null) {
      return false;
    }
    engine.cancel();
    return true;
  }

  /**
   * This sync restricted to shard {@code index} of {@code count}: it delivers only the records
   * whose key falls in that shard ({@link Shard#indexOf(String, int)}), with every other setting
   * of this sync. Run one shard per instance (or worker), each instance building the same sync,
   * to deliver a large run in parallel. Records of other shards are dropped as they are read,
   * before mapping. On a shard, this gives another shard of the same whole sync.
   *
   * <p>What holds (see also {@link Shard}):
   * <ul>
   *   <li>Shard {@code i} of {@code n} runs under the {@linkplain #name() name}
   *       {@code name/shard-i-of-n}: it keeps its state under that name with its own lease, so
   *       shards run at once without waiting for each other; each commits what the destination
   *       confirmed of its own records, whatever the other shards do. A shard that
   *       fails or is stopped leaves its own unconfirmed records pending for its next run; the
   *       others are not held back. There is no run-wide commit across shards.</li>
   *   <li>A MIRROR delete of a shard comes only from that shard's own complete read.</li>
   *   <li>A new count starts new states, empty: the first run of each shard sends every record
   *       of it again (as new) and deletes nothing; its report says so
   *       ({@link SyncReport#freshState()}). The states of the former count are no longer read.
   *       Going back to a count used before reads the states that count left, which miss what
   *       was delivered since: {@linkplain #clearState() clear} them first.</li>
   *   <li>With more than one shard, each shard's writes are paced at its share of the budget the
   *       writes are paced by — the delivery policy's {@code rateLimit} and the destination's
   *       {@link dev.sluice.destination.Capabilities#rateLimit()}: {@code permits / count} per the
   *       same rolling window ({@link Shard#share(int)}), one permit per write attempt, on top of
   *       the budget itself. Shards in one process that share a destination also share its
   *       budget.</li>
   * </ul>
   *
   * @param index which shard, from 0 to {@code count - 1}
   * @param count how many shards, from 1 to {@value Shard#MAX_COUNT}
   * @return the shard's sync
   * @throws IllegalArgumentException if the index or the count is out of range
   */
  public Sync shard(int index, int count) {
    return new Sync(plan.withShard(Shard.of(index, count)), deadline);
  }

  /**
   * {@return the {@code count} shards of this sync, shard 0 first: {@code shard(i, count)} for each
   * {@code i}} Together they deliver every record once.
   *
   * @param count how many shards, from 1 to {@value Shard#MAX_COUNT}
   * @throws IllegalArgumentException if the count is out of range
   */
  public List<Sync> shards(int count) {
    Shard.of(0, count); // validates the count
    List<Sync> shards = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      shards.add(shard(i, count));
    }
    return List.copyOf(shards);
  }

  /**
   * Empties this sync's state (for a shard, that shard's state), so that its next run sends every
   * record again, as new, and deletes nothing; the quarantine strikes are cleared too. Use it
   * before going back to a shard count used before, on the shards of that count
   * ({@code sync.shards(4).forEach(Sync::clearState)}): their states miss what other counts
   * delivered since. Safe whenever re-sending is: nothing is sent or deleted by this call.
   *
   * @return the number of keys removed from the state
   * @throws dev.sluice.state.StateStoreException if the state cannot be written, or a run of this
   *     sync holds it
   */
  public long clearState() {
    return SyncEngine.clearState(plan);
  }

  /** {@return the part of the keys this sync delivers, if it is a shard; empty when it delivers every key} */
  public java.util.Optional<Shard> shard() {
    return plan.shard();
  }

  /** {@return the longest a run may take, if set: see {@link Builder#deadline(Duration)}} */
  public java.util.Optional<Duration> deadline() {
    return java.util.Optional.ofNullable(deadline);
  }

  private SyncReport start(boolean dryRun) {
    SyncEngine engine = SyncEngine.prepare(plan, dryRun, deadline);
    running.set(engine);
    try {
      return engine.run();
    } finally {
      running.compareAndSet(engine, null);
    }
  }

  /**
   * Runs the sync once, as {@link #run()} does: for executors and schedulers.
   *
   * @return what the run did; its status tells whether it completed
   */
  @Override
  public SyncReport call() {
    return run();
  }

  /**
   * Does everything {@link #run()} does except send and commit: reads, maps and diffs against the
   * current state, and reports the change counts with a sample of the changes (the first
   * {@value Builder#DEFAULT_DRY_RUN_SAMPLE} by default). Nothing is written anywhere. A dry run
   * holds the sync's state like a run does, so it cannot overlap a run of the same sync.
   *
   * @return the report of what a run would do
   */
  public SyncReport dryRun() {
    return start(true);
  }

  @Override
  public String toString() {
    return "Sync{" + plan.describe() + '}';
  }

  /** The first stage: a source is set; next set a mapping, or go straight to a destination. */
  public static final class SourceStage {
    private final Source source;

    private SourceStage(Source source) {
      this.source = source;
    }

    /**
     * Maps each record with {@code mapper} (a {@link dev.sluice.map.Mapping} or your own).
     *
     * @param mapper the mapper
     * @return the next stage, which names the destination
     */
    public MappedStage map(Mapper mapper) {
      return new MappedStage(source, Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * Delivers records as the source produces them, without mapping.
     *
     * @param destination the destination
     * @return this builder
     */
    public Builder to(Destination destination) {
      return new MappedStage(source, Mapper.identity()).to(destination);
    }
  }

  /** The second stage: a source and a mapper are set; next set the destination. */
  public static final class MappedStage {
    private final Source source;
    private final Mapper mapper;

    private MappedStage(Source source, Mapper mapper) {
      this.source = source;
      this.mapper = mapper;
    }

    /**
     * Delivers to {@code destination}.
     *
     * @param destination the destination
     * @return this builder
     */
    public Builder to(Destination destination) {
      return new Builder(source, mapper, Objects.requireNonNull(destination, "destination"));
    }
  }

  /**
   * The options of a sync; each setter validates at once, {@link #build()} checks them together.
   * Not thread-safe.
   */
  public static final class Builder {

    /** The name of a sync that is not given one. */
    public static final String DEFAULT_NAME = "sync";
    /** Records per batch when neither the sync nor the destination sets a smaller number. */
    public static final int DEFAULT_BATCH_SIZE = 500;

    /**
     * The longest sync name, in characters: a state keeps up to 200, and a shard's name adds up to
     * 19 ({@code /shard-1023-of-1024}), quarantine strikes 8 ({@code #strikes}).
     */
    public static final int MAX_NAME_LENGTH = 160;
    /** Batches in flight at once. */
    public static final int DEFAULT_CONCURRENCY = 4;
    /** The most batches in flight that {@link #concurrency(int)} accepts. */
    public static final int MAX_CONCURRENCY = 256;
    /** Records an unordered source sorts in memory before it spills a run to disk. */
    public static final int DEFAULT_SORT_RUN_RECORDS = 100_000;
    /** Changes a dry run lists in its report. */
    public static final int DEFAULT_DRY_RUN_SAMPLE = 20;
    /** Runs in a row a record may fail permanently before it is quarantined. */
    public static final int DEFAULT_QUARANTINE_AFTER = 3;

    private final Source source;
    private final Mapper mapper;
    private final Destination destination;
    private String name;
    private SyncMode mode = SyncMode.UPSERT;
    private StateStore state;
    private int batchSize;
    private int concurrency = DEFAULT_CONCURRENCY;
    private final List<SyncListener> listeners = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private int dryRunSampleSize = DEFAULT_DRY_RUN_SAMPLE;
    private int quarantineAfter = DEFAULT_QUARANTINE_AFTER;
    private Path spillDirectory = Path.of(System.getProperty("java.io.tmpdir"));
    private int sortRunRecords = DEFAULT_SORT_RUN_RECORDS;
    private DeliveryPolicy delivery = DeliveryPolicy.ofDefaults();
    private Duration deadline;
    private Differ differ = Differ.hashing();
    private Shard shard;

    private Builder(Source source, Mapper mapper, Destination destination) {
      this.source = source;
      this.mapper = mapper;
      this.destination = destination;
    }

    /**
     * Names the sync. The name keys its state and appears in logs, metrics and reports. Required
     * when the sync uses a {@link #state(StateStore) state store} that may hold other syncs;
     * defaults to {@value #DEFAULT_NAME} otherwise. At most {@value #MAX_NAME_LENGTH} characters of
     * valid Unicode without control characters, so that every state store, with the suffixes it
     * adds for shards and quarantine strikes, keeps it exactly.
     *
     * @param name the sync's name
     * @return this builder
     * @throws IllegalArgumentException if the name is blank, longer than {@value #MAX_NAME_LENGTH}
     *     characters, or holds a control character or a lone surrogate
     */
    public Builder named(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("the sync name must not be blank");
      }
      if (name.length() > MAX_NAME_LENGTH) {
        throw new IllegalArgumentException("the sync name is " + name.length() + " characters long, more than the "
            + MAX_NAME_LENGTH + " a name may have: '" + ValueLimits.escape(name) + "'");
      }
      String problem = ValueLimits.textProblem(name);
      for (int i = 0; problem == null && i < name.length(); i++) {
        if (Character.isISOControl(name.charAt(i))) {
          problem = "it holds a control character at index " + i;
        }
      }
      if (problem != null) {
        throw new IllegalArgumentException("the sync name '" + ValueLimits.escape(name) + "' cannot be used: " + problem);
      }
      this.name = name;
      return this;
    }

    /**
     * What to send (see {@link SyncMode}); default {@link SyncMode#UPSERT}.
     *
     * @param mode the sync mode
     * @return this builder
     */
    public Builder mode(SyncMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Where the sync keeps the hash of each delivered record. Default: a new
     * {@link InMemoryStateStore} owned by this sync (so state lasts as long as the {@code Sync}
     * object). A shared or durable store requires {@link #named(String)}.
     *
     * @param state the state store
     * @return this builder
     */
    public Builder state(StateStore state) {
      this.state = Objects.requireNonNull(state, "state");
      return this;
    }

    /**
     * Records per batch; default the destination's {@link Capabilities#maxRecordsPerBatch()}, or
     * {@value #DEFAULT_BATCH_SIZE} if that is larger. Batches are cut at the smaller of this and
     * the destination's limits.
     *
     * @param batchSize records per batch
     * @return this builder
     */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1, was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Batches in flight at once, from 1 to {@value #MAX_CONCURRENCY}; default
     * {@value #DEFAULT_CONCURRENCY}. Memory in flight is bounded by concurrency × batch size.
     *
     * @param concurrency batches in flight
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
        throw new IllegalArgumentException(
            "concurrency must be between 1 and " + MAX_CONCURRENCY + ", was " + concurrency);
      }
      this.concurrency = concurrency;
      return this;
    }

    /**
     * Adds a listener for run events; may be called more than once.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(SyncListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The clock for report timestamps and durations; default the system clock (UTC).
     *
     * @param clock the clock to read the time from
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How many runs in a row a record may fail permanently (the destination refused it, not for
     * a passing reason) before it is quarantined: then it is not sent again until its data
     * changes, and each run lists it in {@link SyncReport#quarantinedRecords()}. Default
     * {@value #DEFAULT_QUARANTINE_AFTER}; 0 never quarantines.
     *
     * @param runs runs in a row, from 0 to 100
     * @return this builder
     */
    public Builder quarantineAfter(int runs) {
      if (runs < 0 || runs > 100) {
        throw new IllegalArgumentException("quarantineAfter must be between 0 (never) and 100 runs, was " + runs);
      }
      this.quarantineAfter = runs;
      return this;
    }

    /**
     * How many changes a dry run lists; default {@value #DEFAULT_DRY_RUN_SAMPLE}, 0 for none.
     *
     * @param size the number of changes
     * @return this builder
     */
    public Builder dryRunSampleSize(int size) {
      if (size < 0) {
        throw new IllegalArgumentException("dryRunSampleSize must not be negative, was " + size);
      }
      this.dryRunSampleSize = size;
      return this;
    }

    /**
     * Where an unordered source is sorted when it is too large to sort in memory (and the state
     * store cannot look keys up); default the system's temporary directory. Files are removed at
     * the end of each run.
     *
     * @param directory the directory
     * @return this builder
     */
    public Builder spillDirectory(Path directory) {
      this.spillDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * How many records of an unordered source are sorted in memory before a sorted run is written
     * to the {@link #spillDirectory(Path) spill directory}; default
     * {@value #DEFAULT_SORT_RUN_RECORDS} (mapped and packed, about 10 MB of ten-field records; a run
     * is also cut when it reaches a sixteenth of the heap). Lower it for small heaps.
     *
     * @param records records per sorted run, at least 1
     * @return this builder
     */
    public Builder sortRunRecords(int records) {
      if (records < 1) {
        throw new IllegalArgumentException("sortRunRecords must be at least 1, was " + records);
      }
      this.sortRunRecords = records;
      return this;
    }

    /**
     * How batches are delivered: retries, rate-limit waits, circuit breaker, isolation of bad
     * records; default {@link DeliveryPolicy#ofDefaults()}. Applies to synchronous destinations;
     * an {@link dev.sluice.destination.AsyncDestination} is submitted to once per batch.
     *
     * @param policy the delivery policy
     * @return this builder
     */
    public Builder delivery(DeliveryPolicy policy) {
      this.delivery = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * The longest a run may take, measured on the delivery policy's clock: past it no further
     * batch or attempt is made, waits end, and the run returns ABORTED with what the destination
     * confirmed committed and the rest pending. On the system clock the deadline also ends a run
     * blocked in its source: a {@link dev.sluice.source.SqlSource} query still executing, or a fetch
     * the database does not answer, is cancelled (see
     * {@link dev.sluice.delivery.RequestCounter#whenStopping(Runnable)}). Default: no deadline (every
     * wait is still bounded by the {@link DeliveryPolicy}).
     *
     * @param deadline the longest a run may take; positive
     * @return this builder
     */
    public Builder deadline(Duration deadline) {
      Objects.requireNonNull(deadline, "deadline");
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("deadline must be positive, was " + deadline);
      }
      this.deadline = deadline;
      return this;
    }

    /**
     * How the sync finds what changed; default {@link Differ#hashing()}, which reads every record
     * and compares its hash with the state. The warehouse-side differ
     * ({@code dev.sluice.warehouse.Warehouse#differ()}) computes the changes in SQL instead, so that
     * only changed rows leave the warehouse; it needs the warehouse's own state store.
     *
     * @param differ how changes are found
     * @return this builder
     */
    public Builder differ(Differ differ) {
      this.differ = Objects.requireNonNull(differ, "differ");
      return this;
    }

    /**
     * Makes the sync deliver only shard {@code index} of {@code count}: the records whose key
     * falls in that shard. The same as {@link Sync#shard(int, int)} on the built sync; see there
     * for what holds. Default: no shard, every key.
     *
     * @param index which shard, from 0 to {@code count - 1}
     * @param count how many shards, from 1 to {@value Shard#MAX_COUNT}
     * @return this builder
     * @throws IllegalArgumentException if the index or the count is out of range
     */
    public Builder shard(int index, int count) {
      this.shard = Shard.of(index, count);
      return this;
    }

    /**
     * Builds the sync.
     *
     * @return the sync
     * @throws IllegalStateException if the destination cannot serve the mode, or a state store
     *     was set without a name
     */
    public Sync build() {
      Capabilities caps = Objects.requireNonNull(destination.capabilities(),
          "destination.capabilities() returned null");
      String problem = Modes.unsupported(mode, caps);
      if (problem != null) {
        throw new IllegalStateException("mode " + mode + " " + problem + ", but the destination "
            + destination.getClass().getSimpleName() + " supports only " + caps.operations()
            + " as configured (" + dev.sluice.http.Redaction.masked(String.valueOf(destination))
            + "); choose another mode, or configure the destination for it");
      }
      if (state != null && name == null) {
        throw new IllegalStateException("name the sync with named(...) when you set a state store:"
            + " the name keys its state, so two unnamed syncs would overwrite each other's");
      }
      int batch = batchSize > 0
          ? Math.min(batchSize, caps.maxRecordsPerBatch())
          : Math.min(caps.preferredRecordsPerBatch() > 0 ? caps.preferredRecordsPerBatch() : DEFAULT_BATCH_SIZE,
              caps.maxRecordsPerBatch());
      SyncPlan plan = new SyncPlan(
          name == null ? DEFAULT_NAME : name,
          source, mapper, destination, mode,
          state == null ? new InMemoryStateStore() : state,
          differ, batch, concurrency, listeners, clock, dryRunSampleSize,
          fingerprint(mapper, destination), spillDirectory, sortRunRecords, delivery, quarantineAfter);
      return new Sync(shard == null ? plan : plan.withShard(shard), deadline);
    }

    private static String fingerprint(Mapper mapper, Destination destination) {
      String text = "sluice-fingerprint-v1\nmapper: " + mapper.describe() + "\ndestination: " + destination.describe();
      return RecordHash.toHex(RecordHash.of(Record.builder("fingerprint").set("text", text).build()));
    }
  }
}
