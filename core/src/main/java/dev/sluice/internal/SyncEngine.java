package dev.sluice.internal;

import dev.sluice.Record;
import dev.sluice.RecordError;
import dev.sluice.RunContext;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.destination.AsyncDestination;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Operation;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RecordOutcome;
import dev.sluice.destination.RecordSize;
import dev.sluice.diff.Change;
import dev.sluice.diff.Differ;
import dev.sluice.http.Redaction;
import dev.sluice.state.SyncState;
import dev.sluice.map.MapResult;
import dev.sluice.observe.SyncListener;
import dev.sluice.observe.SyncProgress;
import dev.sluice.source.RecordStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a sync once. The calling thread reads, maps, diffs and plans batches; up to
 * {@code concurrency} batches are in flight at once (a semaphore holds the reader back, which is
 * the backpressure); outcomes are applied to the state as they arrive; the state commits at the
 * end. Deletes are planned only after a complete read.
 */
public final class SyncEngine {

  private static final String MDC_SYNC = Sync.MDC_SYNC;
  private static final String MDC_RUN = Sync.MDC_RUN;

  // Under the public name users configure, not this class's: the engine's package is not API.
  private static final Logger log = LoggerFactory.getLogger(Sync.LOGGER);
  /** Sort entry tags: a mapped record (value = its hash), or a rejection (payload = the reason). */
  private static final int SORTED_MAPPED = 0;
  private static final int SORTED_REJECTED = 1;
  /** Progress goes to the listeners after each batch and at least every so many records read. */
  private static final long PROGRESS_EVERY_RECORDS = 10_000;

  private final SyncPlan plan;
  private final boolean dryRun;
  private final RunContext context;
  private final Instant startedAt;
  private final Capabilities caps;
  private final long maxBytes;
  private final Semaphore permits;
  private final Object lock = new Object();
  // Guards the first reason a run stops for (failReason, abortReason, failKind, failCause).
  private final Object reasonLock = new Object();
  private final RecordCheck check;
  // The differ's hash; with the default one, the values are checked on the way (CheckedHash).
  private final java.util.function.ToLongFunction<Record> hasher;

  // Reader-thread counters.
  private long read;
  private long readAtLastProgress;
  private long mapped;
  private long rejected;
  private long added;
  private long updated;
  private long deleted;
  private long unchanged;
  // Unchanged records the differ found without handing them over (the warehouse engine's).
  private long unchangedNotRead;
  private long skipped;
  private long otherShards;
  // Whether the state held no commit at the start: a first run (for a shard, at this shard count).
  private boolean freshState;
  private final List<RecordError> rejectedRecords = new ArrayList<>();
  private final List<Change> sample = new ArrayList<>();
  private final Map<Operation, PendingBatch> pending = new EnumMap<>(Operation.class);
  private long sequence;
  private long planned;

  // Guarded by lock: written by delivery threads.
  private long delivered;
  private long failed;
  private long notFound;
  private long alreadyExisted;
  private final List<RecordError> failedRecords = new ArrayList<>();
  private final List<RecordError> notFoundRecords = new ArrayList<>();
  // Reader thread: quarantined records; keys that failed permanently before, with their strikes.
  private long quarantined;
  private final List<RecordError> quarantinedRecords = new ArrayList<>();
  private final Map<String, Integer> strikes = new java.util.concurrent.ConcurrentHashMap<>();
  /** The name suffix of the state that holds a sync's strikes. */
  static final String QUARANTINE_SUFFIX = "#strikes";
  private SyncState quarantineState;
  private final Map<String, Long> quarantineMarks = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Set<String> quarantineSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private boolean readComplete;
  private SyncState state;

  // Why the run stops early; the first reason wins.
  private volatile String abortReason;
  private volatile String failReason;
  private volatile SyncReport.FailureKind failKind;
  private volatile Throwable failCause;
  // Set when no further batch may go out; a source failure alone still lets read changes go.
  private volatile boolean stopSending;

  private ExecutorService writers;
  private final Delivery delivery;
  private final RunControl control;
  private final dev.sluice.delivery.RequestCounter requests = new dev.sluice.delivery.RequestCounter();
  private boolean fingerprintChanged;
  private boolean destinationChanged;
  private boolean sourceChanged;

  private SyncEngine(SyncPlan plan, boolean dryRun, Duration deadline) {
    this.plan = plan;
    this.dryRun = dryRun;
    this.context = new RunContext(plan.name, newRunId(), plan.mode, dryRun, plan.mapper.fields().orElse(null));
    this.startedAt = plan.clock.instant();
    this.caps = plan.destination.capabilities();
    this.maxBytes = caps.maxBytesPerBatch();
    this.permits = new Semaphore(plan.concurrency);
    this.control = new RunControl(plan.delivery.clock(), plan.delivery.sleeper(), deadline, requests);
    boolean defaultHash = usesDefaultHash(plan.differ);
    this.check = new RecordCheck(caps.nonFiniteNumbers(), defaultHash);
    this.hasher = defaultHash ? new CheckedHash(check) : plan.differ::hash;
    this.delivery = new Delivery(plan.destination, plan.delivery, plan.guards, control, requests, plan.shares);
  }

  /** Runs {@code plan} once; never throws for failures the report can describe. */
  public static SyncReport run(SyncPlan plan, boolean dryRun) {
    return prepare(plan, dryRun, null).run();
  }

  /** A run of {@code plan} that ends at {@code deadline} (null: none), to start with {@link #run()}. */
  public static SyncEngine prepare(SyncPlan plan, boolean dryRun, Duration deadline) {
    return new SyncEngine(plan, dryRun, deadline);
  }

  /**
   * Empties the state of {@code plan} and its strikes, committing an empty state under the plan's
   * fingerprint: the next run finds every record new and derives no delete.
   *
   * @return the keys removed from the state
   */
  public static long clearState(SyncPlan plan) {
    long removed = clear(plan.state, plan.name, plan.stored());
    clear(plan.state, plan.name + QUARANTINE_SUFFIX, "strikes");
    return removed;
  }

  private static long clear(dev.sluice.state.StateStore store, String name, String fingerprint) {
    SyncState state = store.open(name);
    try {
      long removed = removeAll(state);
      state.commit(fingerprint);
      return removed;
    } finally {
      state.close();
    }
  }

  /** Removes every key of the previous state from {@code state}; returns how many. */
  private static long removeAll(SyncState state) {
    long removed = 0;
    dev.sluice.state.StateCursor keys = state.cursor();
    while (keys.next()) {
      state.remove(keys.key());
      removed++;
    }
    return removed;
  }

  /**
   * Stops this run as soon as it can: no further batch or attempt, waits end; what the destination
   * confirmed is committed, the rest stays pending, and the report says ABORTED.
   */
  public void cancel() {
    abort(SyncReport.FailureKind.STOPPED, "the run was cancelled");
  }

  /** Runs once; never throws for failures the report can describe. */
  public SyncReport run() {
    SyncEngine engine = this;
    String previousSync = MDC.get(MDC_SYNC);
    String previousRun = MDC.get(MDC_RUN);
    MDC.put(MDC_SYNC, plan.name);
    MDC.put(MDC_RUN, engine.context.runId());
    try {
      return engine.execute();
    } finally {
      restore(MDC_SYNC, previousSync);
      restore(MDC_RUN, previousRun);
    }
  }

  private SyncReport execute() {
    log.info("{} {} of sync '{}' started: {} -> {}, mode {}", dryRun ? "dry run" : "run", context.runId(),
        plan.name, plan.source.describe(), plan.destination.getClass().getSimpleName(), plan.mode);
    boolean destinationOpened = false;
    dev.sluice.delivery.RequestCounter.Binding bound = requests.bind();
    // At the deadline the run stops even while blocked in a source's query: stopping runs the
    // hooks (RequestCounter.whenStopping) that cancel it.
    java.util.concurrent.ScheduledFuture<?> alarm = control.alarm(
        () -> abort(SyncReport.FailureKind.STOPPED, control.deadlineReason()));
    try {
      state = plan.state.open(plan.name);
      openQuarantine();
      plan.destination.open(context);
      destinationOpened = true;
      notifyListeners(l -> l.onRunStarted(context));
      readComplete = readAndDiff();
      flushAll();
    } catch (Throwable e) {
      // Whatever it is (an Error too), the run ends with a report instead of throwing.
      fail(e instanceof Error ? "the run failed: " + e : describe(e), e);
    } finally {
      awaitInFlight();
      if (alarm != null) {
        // Everything sent has its outcome: a deadline passing while the state commits stops nothing.
        alarm.cancel(false);
      }
      if (writers != null) {
        writers.shutdown();
      }
      if (state != null) {
        closeState();
      }
      closeQuarantine(readComplete && failReason == null && abortReason == null);
      if (destinationOpened) {
        try {
          plan.destination.finish(context);
        } catch (RuntimeException e) {
          log.warn("destination finish() failed after the run: {}", Redaction.masked(e.toString()));
        }
      }
      bound.close();
    }
    SyncReport report = report();
    log.info("{}", report.summary());
    notifyListeners(l -> l.onRunFinished(report));
    return report;
  }

  /**
   * Commits what the destination confirmed, whatever the run's outcome (the state must not fall
   * behind the destination either), then releases the state.
   */
  private void closeState() {
    try {
      if (!dryRun) {
        synchronized (lock) {
          state.commit(plan.stored());
        }
      }
    } catch (RuntimeException | Error e) {
      fail(SyncReport.FailureKind.STATE, "the state store failed to commit: " + describe(e), e);
    } finally {
      try {
        state.close();
      } catch (RuntimeException | Error e) {
        log.warn("closing the state failed: {}", Redaction.masked(e.toString()));
      }
    }
  }

  /**
   * Reads the whole source and plans its changes; plans deletes only after a complete read.
   * Returns true when the source was read to its end.
   */
  private boolean readAndDiff() {
    String stored = state.fingerprint();
    freshState = stored == null;
    if (freshState && plan.shard != null) {
      log.info("{} of sync '{}' has no state under '{}' yet (a first run at this shard count): every record of it"
          + " is sent, none deleted", plan.shard, plan.wholeName, plan.name);
    }
    SyncPlan.Stored previous = SyncPlan.Stored.parse(stored);
    destinationChanged = previous.destination != null && !previous.destination.equals(plan.destinationId);
    sourceChanged = previous.source != null && !previous.source.equals(plan.sourceId);
    fingerprintChanged = !destinationChanged && previous.fingerprint != null
        && !previous.fingerprint.equals(plan.fingerprint);
    if (fingerprintChanged) {
      log.info("the mapping or destination settings changed since the last run: every record is sent again");
    }
    SyncState compared = state;
    if (destinationChanged) {
      log.warn("the state of sync '{}' was written for another destination ({} now): starting afresh, no deletes"
          + " are derived from it, and it is replaced by what this run confirms", plan.name, plan.destination.identity());
      compared = new FreshState(state);
      if (!dryRun) {
        forgetPreviousState();
      }
    } else if (sourceChanged) {
      log.info("the source of sync '{}' changed since the state was written: {}", plan.name, plan.source.describe());
    }
    boolean ordered = plan.source.orderedByKey();
    // A store without fast lookups is merged with key-ordered records; unordered ones are sorted.
    boolean sort = !ordered && !compared.supportsLookups();
    Differ.Comparison diff = plan.differ.begin(compared, ordered || sort, plan.mode == SyncMode.MIRROR,
        fingerprintChanged);
    RecordStream stream;
    try {
      stream = plan.shard == null ? diff.open(plan.source) : diff.open(plan.source, plan.shard);
    } catch (RuntimeException e) {
      failSource("the source failed to open: " + describe(e), e);
      return false;
    }
    String missing = FieldNames.missing(plan.mapper.sourceFields(), stream.fieldNames());
    if (missing != null) {
      try {
        stream.close();
      } catch (RuntimeException e) {
        log.warn("closing the source failed: {}", Redaction.masked(e.toString()));
      }
      fail(SyncReport.FailureKind.MAPPING, missing, null);
      return false;
    }
    ExternalSort sorter = sort ? newSort() : null;
    RecordCodec codec = sort ? new RecordCodec() : null;
    // Reading and mapping run on their own thread, ahead of the diff (and of the sort).
    try (ReadAhead reader = new ReadAhead(stream, plan.mapper, hasher, check,
        "sluice-" + plan.name + "-reader", plan.shard)) {
      reading:
      while (abortReason == null && failReason == null) {
        if (control.stopReason() != null) {
          abort(SyncReport.FailureKind.STOPPED, control.stopReason());
          break;
        }
        ReadAhead.Chunk chunk;
        try {
          chunk = reader.next(() -> control.stopReason() != null || abortReason != null);
          if (chunk == null) {
            abort(SyncReport.FailureKind.STOPPED, control.stopReason());
            break;
          }
          otherShards = reader.otherShards();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          abort(SyncReport.FailureKind.STOPPED, "the run was interrupted");
          break;
        }
        for (int i = 0; i < chunk.size; i++) {
          ReadAhead.Item item = chunk.items[i];
          read++;
          if (sorter != null && item.record != null && item.record.key() != null) {
            toSort(sorter, codec, item);
          } else {
            handle(item.record, item.mapped, item.hashed, item.hash, diff);
          }
          if (stopSending || failReason != null) {
            break reading;
          }
        }
        if (chunk.failure instanceof Error) {
          fail("reading the source failed after " + read + " records: " + chunk.failure
              + "; no deletes were sent", chunk.failure);
          return false;
        }
        if (read - readAtLastProgress >= PROGRESS_EVERY_RECORDS) {
          readAtLastProgress = read;
          reportProgress();
        }
        if (chunk.failure != null) {
          failSource("the source failed after " + read + " records: " + describe(chunk.failure)
              + "; no deletes were sent", chunk.failure);
          return false;
        }
        if (chunk.last) {
          break;
        }
      }
      if (sorter != null && abortReason == null && failReason == null) {
        diffSorted(sorter, codec, diff);
      }
    } finally {
      if (sorter != null) {
        sorter.close();
      }
      try {
        stream.close();
      } catch (RuntimeException e) {
        log.warn("closing the source failed: {}", Redaction.masked(e.toString()));
      }
    }
    if (abortReason != null || failReason != null) {
      return false;
    }
    diff.finish(delete -> {
      deleted++;
      plan(Operation.DELETE, delete);
    });
    unchangedNotRead = Math.max(0, diff.unchangedNotRead());
    return true;
  }

  /**
   * Removes every key of a state written for another destination, before anything is sent: a
   * crash after this leaves the old identity in place, so the next run starts afresh again.
   */
  private void forgetPreviousState() {
    synchronized (lock) {
      removeAll(state);
      state.checkpoint();
    }
  }

  /**
   * The previous state as seen by a run for another destination: empty. A differ that reads its
   * store directly finds the session behind it ({@link SyncState#unwrap}) and must then compare
   * as with an empty state.
   */
  private static final class FreshState implements SyncState {
    private final SyncState underlying;

    FreshState(SyncState underlying) {
      this.underlying = underlying;
    }

    @Override
    public <T> java.util.Optional<T> unwrap(Class<T> type) {
      return underlying.unwrap(type);
    }

    @Override
    public String fingerprint() {
      return null;
    }

    @Override
    public dev.sluice.state.StateCursor cursor() {
      return new dev.sluice.state.StateCursor() {
        @Override
        public boolean next() {
          return false;
        }

        @Override
        public String key() {
          throw new java.util.NoSuchElementException();
        }

        @Override
        public long hash() {
          throw new java.util.NoSuchElementException();
        }
      };
    }

    @Override
    public long size() {
      return 0;
    }

    @Override
    public boolean supportsLookups() {
      return true;
    }

    @Override
    public Long hashOf(String key) {
      return null;
    }

    @Override
    public void put(String key, long hash) {
      throw new UnsupportedOperationException("read-only view");
    }

    @Override
    public void remove(String key) {
      throw new UnsupportedOperationException("read-only view");
    }

    @Override
    public void commit(String fingerprint) {
      throw new UnsupportedOperationException("read-only view");
    }

    @Override
    public void close() {}
  }

  /**
   * Maps (unless {@code premapped}) and hashes (unless {@code hashed}), diffs and plans one record
   * that has been counted as read.
   */
  private void handle(Record record, MapResult premapped, boolean hashed, long premappedHash, Differ.Comparison diff) {
    String key = record == null ? null : record.key();
    if (key == null) {
      reject(null, record == null ? "the source produced a null record" : "the record has no key (is a key column null?); "
          + preview(record));
      return;
    }
    MapResult result = premapped != null ? premapped : ReadAhead.prepare(plan.mapper, record, check);
    long hash = premappedHash;
    if (!result.isRejected() && !hashed) {
      try {
        hash = hasher.applyAsLong(result.record());
      } catch (RuntimeException | StackOverflowError e) {
        result = MapResult.rejected(hashFailure(e));
      }
    }
    if (result.isRejected()) {
      reject(key, result.reason());
      diff.skip(key);
      return;
    }
    mapped++;
    Change change = diff.compare(result.record(), hash);
    if (change == null) {
      unchanged++;
      return;
    }
    planChange(change, diff);
  }

  /** Why a record could not be hashed: a value beyond the limits, or what the hash threw. */
  private static String hashFailure(Throwable e) {
    return e instanceof CheckedHash.ValueProblem ? e.getMessage() : "the record cannot be hashed: " + e;
  }

  /**
   * Whether the differ hashes with the default {@link dev.sluice.diff.RecordHash}, which the engine
   * can compute with the value checks folded in.
   */
  private static boolean usesDefaultHash(Differ differ) {
    try {
      return differ.getClass().getMethod("hash", Record.class).getDeclaringClass() == Differ.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /**
   * The sort of an unordered source: three buffers of up to a sixteenth of the heap each (and at
   * most {@code sortRunRecords} records), merged through read buffers that take up to an eighth.
   */
  private ExternalSort newSort() {
    long heap = Runtime.getRuntime().maxMemory();
    int bufferBytes = (int) Math.max(1 << 20, Math.min(heap / 16, 256L << 20));
    int fanIn = (int) Math.max(2, Math.min(512, heap / 8 / ExternalSort.READ_BUFFER_BYTES));
    return new ExternalSort(plan.spillDirectory, plan.sortRunRecords, bufferBytes, fanIn);
  }

  /**
   * Puts one read record into the sort, mapped (on the reader thread) and hashed: its key, its
   * hash and its fields as a compact payload; or its key and the reason it was rejected.
   */
  private void toSort(ExternalSort sorter, RecordCodec codec, ReadAhead.Item item) {
    String key = item.record.key();
    MapResult result = item.mapped != null ? item.mapped : ReadAhead.prepare(plan.mapper, item.record, check);
    long hash = item.hash;
    if (!result.isRejected() && !item.hashed) {
      try {
        hash = hasher.applyAsLong(result.record());
      } catch (RuntimeException | StackOverflowError e) {
        result = MapResult.rejected(hashFailure(e));
      }
    }
    if (result.isRejected()) {
      sorter.begin(key, SORTED_REJECTED, 0).putText(result.reason());
    } else {
      codec.write(sorter.begin(key, SORTED_MAPPED, hash), result.record());
    }
    sorter.end();
  }

  /**
   * Diffs the sorted records in key order, reporting the rejected ones among them in that order.
   * With the default differ, a record is decoded only when it changed.
   */
  private void diffSorted(ExternalSort sorter, RecordCodec codec, Differ.Comparison diff) {
    ExternalSort.Cursor sorted = sorter.sorted();
    if (sorter.spilledRuns() > 0) {
      log.info("sorted {} records in {} runs on disk, {} merge passes before the last", read, sorter.spilledRuns(),
          sorter.mergePasses());
    }
    HashingDiffer hashing = diff instanceof HashingDiffer ? (HashingDiffer) diff : null;
    while (!stopSending && sorted.next()) {
      String key = sorted.key();
      if (sorted.tag() == SORTED_REJECTED) {
        reject(key, sorted.payload().getText());
        diff.skip(key);
        continue;
      }
      mapped++;
      long hash = sorted.value();
      Change change;
      if (hashing != null) {
        Change.Kind kind = hashing.classify(key, hash);
        if (kind == null) {
          change = null;
        } else {
          Record record = codec.read(key, sorted.payload());
          change = kind == Change.Kind.NEW ? Change.newRecord(record, hash) : Change.changedRecord(record, hash);
        }
      } else {
        change = diff.compare(codec.read(key, sorted.payload()), hash);
      }
      if (change == null) {
        unchanged++;
      } else {
        planChange(change, diff);
      }
    }
  }

  /**
   * Counts a change and plans it as the operation the mode gives it, if any — unless the record
   * failed permanently too many runs in a row with this very data (quarantine).
   */
  private void planChange(Change change, Differ.Comparison diff) {
    String key = change.key();
    long hash = change.hash();
    if (change.kind() == Change.Kind.NEW) {
      added++;
    } else {
      updated++;
    }
    Long mark = quarantineMarks.get(key);
    if (mark != null) {
      quarantineSeen.add(key);
      int strikes = fingerprintChanged ? 0 : Quarantine.strikes(mark, hash, plan.quarantineAfter);
      if (strikes >= plan.quarantineAfter) {
        quarantine(key, "failed permanently " + strikes + " runs in a row; not sent again until its data changes");
        return;
      }
      this.strikes.put(key, strikes);
    }
    Operation op = Modes.operationFor(plan.mode, change.kind(), caps);
    if (op == null) {
      skipped++;
      return;
    }
    plan(op, change);
  }

  /**
   * Opens the sync's strikes: a small state of its own, named after the sync, holding for each
   * record that failed permanently a marker of its data and of how many runs in a row it failed.
   * The sync's own state stays what the destination confirmed.
   */
  private void openQuarantine() {
    if (plan.quarantineAfter == 0) {
      return;
    }
    SyncState strikesState;
    try {
      strikesState = plan.state.open(plan.name + QUARANTINE_SUFFIX);
    } catch (RuntimeException e) {
      log.warn("the strikes of failed records cannot be read; no record is quarantined in this run: {}",
          Redaction.masked(e.toString()));
      return;
    }
    try {
      dev.sluice.state.StateCursor cursor = strikesState.cursor();
      while (cursor.next()) {
        quarantineMarks.put(cursor.key(), cursor.hash());
      }
    } catch (RuntimeException e) {
      strikesState.close();
      throw e;
    }
    if (dryRun) {
      strikesState.close();
    } else {
      quarantineState = strikesState;
    }
  }

  /** Called under the lock: a record delivered (or already there) starts with no strikes again. */
  private void clearStrikes(String key) {
    if (quarantineState != null && quarantineMarks.remove(key) != null) {
      quarantineState.remove(key);
    }
  }

  /** Commits the strikes (dropping those of keys a complete read no longer has) and closes them. */
  private void closeQuarantine(boolean readComplete) {
    if (quarantineState == null) {
      return;
    }
    try {
      synchronized (lock) {
        if (readComplete) {
          for (String key : new ArrayList<>(quarantineMarks.keySet())) {
            if (!quarantineSeen.contains(key)) {
              quarantineState.remove(key);
            }
          }
        }
        quarantineState.commit("strikes");
      }
    } catch (RuntimeException e) {
      log.warn("recording the strikes of failed records failed; they count again from zero: {}",
          Redaction.masked(e.toString()));
    } finally {
      try {
        quarantineState.close();
      } catch (RuntimeException e) {
        log.warn("closing the strikes state failed: {}", Redaction.masked(e.toString()));
      }
    }
  }

  private void quarantine(String key, String reason) {
    quarantined++;
    if (quarantinedRecords.size() < SyncReport.MAX_LISTED_RECORDS) {
      quarantinedRecords.add(new RecordError(key, reason, false));
    }
  }

  private void reject(String key, String reason) {
    rejected++;
    if (rejectedRecords.size() < SyncReport.MAX_LISTED_RECORDS) {
      rejectedRecords.add(new RecordError(key, Redaction.masked(reason), false));
    }
  }

  private void plan(Operation op, Change change) {
    planned++;
    if (dryRun) {
      if (sample.size() < plan.dryRunSampleSize) {
        sample.add(change);
      }
      return;
    }
    long size = 0;
    if (maxBytes != Capabilities.UNLIMITED_BYTES) {
      size = RecordSize.jsonBytes(change.record());
      if (size > maxBytes) {
        synchronized (lock) {
          recordFailure(change.key(), "the record is " + size + " bytes as JSON, more than the destination's"
              + " limit of " + maxBytes + " bytes per batch", false);
        }
        return;
      }
    }
    PendingBatch batch = pending.computeIfAbsent(op, o -> new PendingBatch(plan.batchSize));
    if (batch.records.size() == plan.batchSize || batch.bytes + size > maxBytes) {
      dispatch(op, batch);
      batch = new PendingBatch(plan.batchSize);
      pending.put(op, batch);
    }
    batch.add(change.record(), change.hash(), size);
  }

  private void flushAll() {
    for (Operation op : Operation.values()) {
      PendingBatch batch = pending.remove(op);
      if (batch != null && !batch.records.isEmpty() && !stopSending) {
        dispatch(op, batch);
      }
    }
  }

  private void dispatch(Operation op, PendingBatch pendingBatch) {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(SyncReport.FailureKind.STOPPED, "the run was interrupted");
      return;
    }
    if (stopSending) {
      permits.release();
      return;
    }
    Batch batch = new Batch(plan.name, context.runId(), ++sequence, op, pendingBatch.records);
    long[] hashes = pendingBatch.hashes();
    if (plan.destination instanceof AsyncDestination) {
      CompletionStage<BatchResult> stage;
      try {
        stage = ((AsyncDestination) plan.destination).submit(batch);
      } catch (RuntimeException e) {
        stage = CompletableFuture.failedFuture(e);
      }
      stage.whenComplete((result, error) -> {
        try {
          complete(batch, hashes, result, error);
        } finally {
          permits.release();
        }
      });
    } else {
      writers().execute(() -> {
        MDC.put(MDC_SYNC, plan.name);
        MDC.put(MDC_RUN, context.runId());
        BatchResult result = null;
        Throwable error = null;
        try {
          result = delivery.deliver(batch);
        } catch (Delivery.StopRun e) {
          abort(SyncReport.FailureKind.DESTINATION, e.getMessage());
          error = e;
        } catch (Error e) {
          // Not a verdict on the batch: the destination's code broke; nothing more is sent.
          fail("the destination threw " + e, e);
          error = e;
        } catch (Throwable t) {
          error = t;
        }
        try {
          complete(batch, hashes, result, error);
        } finally {
          permits.release();
          MDC.clear();
        }
      });
    }
  }

  /** Applies one batch's outcomes to the counts and the state. */
  private void complete(Batch batch, long[] hashes, BatchResult result, Throwable error) {
    synchronized (lock) {
      if (error instanceof CompletionException && error.getCause() != null) {
        error = error.getCause();
      }
      if (error == null && result == null) {
        error = new IllegalStateException("the destination returned no result");
      }
      if (error == null && !sameRecords(result.batch(), batch)) {
        error = new IllegalStateException("the destination returned the result of another batch");
      }
      try {
        if (error != null) {
          failWholeBatch(batch, error);
        } else {
          applyOutcomes(batch, hashes, result);
        }
        if (!dryRun) {
          state.checkpoint();
        }
      } catch (RuntimeException e) {
        fail(SyncReport.FailureKind.STATE, "the state store failed: " + describe(e), e);
      }
      if (result != null) {
        BatchResult r = result;
        notifyListeners(l -> l.onBatchCompleted(context, r));
      }
      reportProgress();
    }
  }

  private void failWholeBatch(Batch batch, Throwable error) {
    // A stopped run keeps its records pending: they are sent again on the next run.
    boolean retryable = !(error instanceof PermanentDestinationException) || error instanceof Delivery.StopRun;
    String reason = Redaction.masked(describe(error));
    if (error instanceof PermanentDestinationException && ((PermanentDestinationException) error).stopsRun()) {
      abort(SyncReport.FailureKind.DESTINATION, "the destination refused all further work: " + reason);
    }
    log.warn("batch {} ({} {} records) failed: {}", batch.id(), batch.size(), batch.operation(), reason);
    for (Record record : batch.records()) {
      recordFailure(record.key(), reason, retryable);
    }
    notifyListeners(l -> l.onBatchFailed(context, batch, reason, retryable));
  }

  private void applyOutcomes(Batch batch, long[] hashes, BatchResult result) {
    List<Record> records = batch.records();
    boolean delete = batch.operation() == Operation.DELETE;
    for (int i = 0; i < records.size(); i++) {
      if (result.succeeded(i)) {
        delivered++;
        clearStrikes(records.get(i).key());
        if (!dryRun) {
          if (delete) {
            state.remove(records.get(i).key());
          } else {
            state.put(records.get(i).key(), hashes[i]);
          }
        }
        continue;
      }
      RecordOutcome outcome = result.outcome(i);
      switch (outcome.status()) {
        case NOT_FOUND:
          // Update never creates: the state stays as it was, so the record is tried again next run.
          notFound++;
          if (notFoundRecords.size() < SyncReport.MAX_LISTED_RECORDS) {
            notFoundRecords.add(new RecordError(outcome.key(),
                outcome.reason() == null ? "the destination holds no such record" : Redaction.masked(outcome.reason()), true));
          }
          break;
        case ALREADY_EXISTS:
          // Insert never updates: recorded, so it is not sent again until its data changes.
          alreadyExisted++;
          clearStrikes(records.get(i).key());
          if (!dryRun) {
            state.put(records.get(i).key(), hashes[i]);
          }
          break;
        default:
          String reason = outcome.reason();
          if (!outcome.retryable() && !delete && quarantineState != null) {
            // Remembered as a strike: after quarantineAfter runs in a row the record is held back.
            int strikes = this.strikes.getOrDefault(outcome.key(), 0) + 1;
            quarantineState.put(outcome.key(), Quarantine.marker(hashes[i], strikes));
            quarantineMarks.put(outcome.key(), Quarantine.marker(hashes[i], strikes));
            quarantineSeen.add(outcome.key());
            if (strikes >= plan.quarantineAfter) {
              reason = reason + " (failed permanently " + strikes + " runs in a row: quarantined, not sent again"
                  + " until its data changes)";
            }
          }
          recordFailure(outcome.key(), reason, outcome.retryable());
      }
    }
  }

  private static boolean sameRecords(Batch a, Batch b) {
    return a == b || a.size() == b.size() && a.keys().equals(b.keys());
  }

  private void recordFailure(String key, String reason, boolean retryable) {
    failed++;
    if (failedRecords.size() < SyncReport.MAX_LISTED_RECORDS) {
      failedRecords.add(new RecordError(key, Redaction.masked(reason), retryable));
    }
  }

  private void awaitInFlight() {
    permits.acquireUninterruptibly(plan.concurrency);
    permits.release(plan.concurrency);
  }

  private ExecutorService writers() {
    if (writers == null) {
      AtomicInteger n = new AtomicInteger();
      ThreadFactory factory = r -> {
        Thread t = new Thread(null, r, "sluice-" + plan.name + "-writer-" + n.incrementAndGet(), ReadAhead.STACK_BYTES);
        t.setDaemon(true);
        return t;
      };
      writers = Executors.newFixedThreadPool(plan.concurrency, factory);
    }
    return writers;
  }

  /** Fails the run and stops sending: what was read may be wrong (duplicate, order, state). */
  private void fail(String reason, Throwable cause) {
    fail(kindOf(cause, SyncReport.FailureKind.INTERNAL), reason, cause);
  }

  private void fail(SyncReport.FailureKind kind, String reason, Throwable cause) {
    // The reason first: a thread that sees stopSending must also see why, or its report would
    // read SUCCEEDED for a run that stopped.
    failWith(kind, reason, cause);
    stopSending = true;
  }

  private static SyncReport.FailureKind kindOf(Throwable cause, SyncReport.FailureKind otherwise) {
    if (cause instanceof dev.sluice.diff.DuplicateKeyException) {
      return SyncReport.FailureKind.DUPLICATE_KEY;
    }
    if (cause instanceof dev.sluice.diff.KeyOrderException) {
      return SyncReport.FailureKind.KEY_ORDER;
    }
    if (cause instanceof dev.sluice.state.StateStoreException) {
      return SyncReport.FailureKind.STATE;
    }
    if (cause instanceof dev.sluice.source.SourceException) {
      return SyncReport.FailureKind.SOURCE;
    }
    if (cause instanceof dev.sluice.destination.DestinationException) {
      return SyncReport.FailureKind.DESTINATION;
    }
    return cause instanceof Error ? SyncReport.FailureKind.INTERNAL : otherwise;
  }

  /**
   * Fails the run because the source broke. Changes already read are sound and still go out;
   * nothing that depends on a complete read (deletes) is planned.
   */
  private void failSource(String reason, Throwable cause) {
    failWith(kindOf(cause, SyncReport.FailureKind.SOURCE), reason, cause);
  }

  private void failWith(SyncReport.FailureKind kind, String reason, Throwable cause) {
    synchronized (reasonLock) {
      failWithLocked(kind, reason, cause);
    }
  }

  private void failWithLocked(SyncReport.FailureKind kind, String reason, Throwable cause) {
    if (failReason == null && abortReason == null) {
      // Every message that leaves the run goes through the one redaction: the report, the log, the cause.
      reason = Redaction.masked(reason);
      cause = Redaction.redacted(cause);
      failKind = kind;
      failCause = cause;
      failReason = reason;
      if (cause instanceof dev.sluice.SluiceException) {
        // Sluice's own exceptions say all there is to say; a stack trace would only add noise.
        log.error("run {} failed: {}", context.runId(), reason);
      } else {
        log.error("run {} failed: {}", context.runId(), reason, cause);
      }
    }
  }

  private void abort(SyncReport.FailureKind kind, String reason) {
    // The reason is recorded before sending stops (see fail), so a run cancelled from another
    // thread can never report SUCCEEDED with changes left unsent.
    synchronized (reasonLock) {
      if (abortReason == null && failReason == null && reason != null) {
        failKind = kind;
        abortReason = Redaction.masked(reason);
        log.warn("run {} aborted: {}", context.runId(), abortReason);
      }
    }
    stopSending = true;
    control.cancel(reason == null ? "the run stopped" : reason); // waits in flight end too
  }

  private SyncReport report() {
    Duration duration = Duration.between(startedAt, plan.clock.instant());
    long deliveredNow;
    long failedNow;
    long notFoundNow;
    long alreadyExistedNow;
    List<RecordError> failures;
    List<RecordError> notFoundList;
    synchronized (lock) {
      deliveredNow = delivered;
      failedNow = failed;
      notFoundNow = notFound;
      alreadyExistedNow = alreadyExisted;
      failures = new ArrayList<>(failedRecords);
      notFoundList = new ArrayList<>(notFoundRecords);
    }
    Status status;
    String reason = null;
    SyncReport.FailureKind kind = failKind;
    if (failReason != null) {
      status = Status.FAILED;
      reason = failReason;
    } else if (abortReason != null) {
      status = Status.ABORTED;
      reason = abortReason + "; changes not confirmed stay pending for the next run";
    } else if (failedNow > 0 && deliveredNow + alreadyExistedNow + notFoundNow == 0) {
      status = Status.FAILED;
      kind = SyncReport.FailureKind.DESTINATION;
      reason = "nothing that was sent could be delivered: every change failed (" + failedNow + "); see failedRecords";
    } else if (rejected > 0 && mapped == 0 && unchangedNotRead == 0) {
      status = Status.FAILED;
      kind = SyncReport.FailureKind.REJECTED;
      reason = "every record was rejected (" + rejected + "); see rejectedRecords";
    } else if (failedNow > 0 || rejected > 0 || quarantined > 0) {
      status = Status.PARTIAL;
    } else {
      status = Status.SUCCEEDED;
    }
    return SyncReport.builder(plan.name, context.runId(), plan.mode)
        .dryRun(dryRun)
        .status(status, reason)
        .timing(startedAt, duration)
        .readCounts(read, mapped, rejected)
        .changeCounts(added, updated, deleted, unchanged + unchangedNotRead, skipped)
        .deliveryCounts(deliveredNow, failedNow)
        .outcomeCounts(notFoundNow, alreadyExistedNow)
        .errors(rejectedRecords, failures)
        .sampleChanges(sample)
        .fingerprintChanged(fingerprintChanged)
        .stateOrigin(destinationChanged, sourceChanged)
        .failureCause(status == Status.FAILED || status == Status.ABORTED ? kind : null, failCause)
        .notFoundRecords(notFoundList)
        .quarantined(quarantined, quarantinedRecords)
        .requests(requests.figures())
        .shard(plan.shard, otherShards, freshState)
        .build();
  }

  /** Tells the listeners how far the run is; after each batch and every so many records read. */
  private void reportProgress() {
    synchronized (lock) {
      SyncProgress progress = progress();
      notifyListeners(l -> l.onProgress(progress));
    }
  }

  private SyncProgress progress() {
    return new SyncProgress(plan.name, context.runId(), Duration.between(startedAt, plan.clock.instant()),
        read, planned, delivered, failed, plan.source.sizeHint().orElse(-1), requests.figures());
  }

  private void notifyListeners(java.util.function.Consumer<SyncListener> event) {
    for (SyncListener listener : plan.listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        log.warn("listener {} failed: {}", listener.getClass().getName(), Redaction.masked(e.toString()));
      }
    }
  }

  /** The first fields of a record, to find a row that has no key. */
  private static String preview(Record record) {
    StringBuilder sb = new StringBuilder("its fields begin ");
    int shown = Math.min(3, record.size());
    for (int i = 0; i < shown; i++) {
      String value = String.valueOf(record.get(i));
      sb.append(i == 0 ? "" : ", ").append(record.shape().name(i)).append('=')
          .append(value.length() <= 40 ? value : value.substring(0, 37) + "...");
    }
    return shown == 0 ? "it has no fields" : sb.toString();
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }

  private static String newRunId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }

  /** Records collecting for one operation, with their hashes and JSON sizes. */
  private static final class PendingBatch {
    final List<Record> records;
    private long[] hashes;
    long bytes;

    PendingBatch(int capacity) {
      records = new ArrayList<>(Math.min(capacity, 1024));
      hashes = new long[Math.min(capacity, 1024)];
    }

    void add(Record record, long hash, long size) {
      if (records.size() == hashes.length) {
        hashes = Arrays.copyOf(hashes, hashes.length * 2);
      }
      hashes[records.size()] = hash;
      records.add(record);
      bytes += size;
    }

    long[] hashes() {
      return Arrays.copyOf(hashes, records.size());
    }
  }
}
