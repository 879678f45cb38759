package dev.sluice.scheduler;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.ScheduledExecution;
import com.github.kagkarlsson.scheduler.exceptions.ExecutionException;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceCurrentlyExecutingException;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs syncs in a service: on schedules, on demand, when their data changes and after dbt Cloud
 * jobs, one run of a sync at a time across every instance that shares the database.
 *
 * <pre>{@code
 * SluiceScheduler scheduler = SluiceScheduler.builder(dataSource)
 *     .sync(customers, SyncSchedule.every(Duration.ofMinutes(15)))
 *     .sync(accounts, SyncOptions.schedule(SyncSchedule.cron("0 0 6 * * *", ZoneId.of("Europe/Berlin")))
 *         .watch(ChangeSignal.sql(warehouse, "select max(updated_at), count(*) from mart.accounts"),
 *             Duration.ofMinutes(1))
 *         .staleAfter(Duration.ofHours(26)))
 *     .alerts(new SlackAlerts(...))
 *     .build();
 * scheduler.start();
 * TriggerHandle handle = scheduler.trigger("customers");   // runs now, on whichever instance picks it
 * SyncReport report = handle.await(Duration.ofMinutes(5)).report();
 * scheduler.stop(Duration.ofSeconds(30));                  // lets runs finish, then cancels them
 * }</pre>
 *
 * <p><b>How it works.</b> Each sync is one execution in db-scheduler's table {@code scheduled_tasks}
 * (task {@value #SYNC_TASK}, instance = the sync's name) whose data is its schedule. db-scheduler
 * picks a due execution on one instance only (its row is locked while it runs, with heartbeats,
 * and revived elsewhere if that instance dies), so one sync never runs twice at once; a sync's
 * state store adds its own lease on top (the {@code JdbcStateStore}'s). Next to that table the
 * scheduler keeps one control row per sync, trigger requests, and the run history
 * (see {@link Builder#createTables(boolean)}). Every instance must register the same syncs under the
 * same names.
 *
 * <p><b>Missed runs.</b> A sync is due at one instant, not a queue of them: runs missed while every
 * instance was down run once when one comes back, and the schedule goes on from the end of that run.
 *
 * <p>Thread-safe. The tables are PostgreSQL's dialect; other databases need the tables created by
 * hand (db-scheduler ships scripts for its own).
 */
public final class SluiceScheduler implements AutoCloseable {

  /** db-scheduler's task name for sync runs; the task instance is the sync's name. */
  public static final String SYNC_TASK = "sluice-sync";
  /** db-scheduler's task name for data-change watchers; the task instance is the sync's name. */
  public static final String WATCH_TASK = "sluice-watch";
  /** db-scheduler's task name for the periodic staleness check. */
  public static final String STALENESS_TASK = "sluice-staleness";

  /** Scheduler threads, so syncs that run at once: default. */
  public static final int DEFAULT_THREADS = 4;
  /** How often an instance looks for due executions: default. */
  public static final Duration DEFAULT_POLLING_INTERVAL = Duration.ofSeconds(10);
  /** Runs kept per sync in the history: default. */
  public static final int DEFAULT_HISTORY_SIZE = 100;
  /** How often staleness is checked: default. */
  public static final Duration DEFAULT_STALENESS_CHECK = Duration.ofMinutes(1);
  /** How long {@link #close()} lets running syncs finish before it cancels them. */
  public static final Duration DEFAULT_SHUTDOWN_DEADLINE = Duration.ofSeconds(30);
  /** The least time {@link #stop(Duration)} gives cancelled runs to return their reports. */
  public static final Duration CANCEL_GRACE = Duration.ofSeconds(10);
  /** When an execution that could not be run (an error of the scheduler's own tables) is tried again. */
  static final Duration RETRY_AFTER_ERROR = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(SluiceScheduler.class);

  /** What a trigger does when the sync is running. */
  public enum IfRunning {
    /** Start nothing; the handle awaits the run in progress. */
    JOIN,
    /** Run once more after the run in progress (one rerun, however many ask for it meanwhile). */
    RERUN_AFTER
  }

  private enum State { NEW, STARTED, STOPPING, STOPPED }

  private static final class Registered {
    final Sync sync;
    final SyncOptions options;

    Registered(Sync sync, SyncOptions options) {
      this.sync = sync;
      this.options = options;
    }
  }

  /** A run in progress on this instance. */
  private static final class Running {
    final Sync sync;
    final Thread thread;
    final CompletableFuture<RunRecord> done = new CompletableFuture<>();

    Running(Sync sync, Thread thread) {
      this.sync = sync;
      this.thread = thread;
    }
  }

  /** A schedule as stored in db-scheduler's row: what the code declared, and what is in force. */
  static final class ScheduleState {
    final String declared;
    final SyncSchedule effective;

    ScheduleState(String declared, SyncSchedule effective) {
      this.declared = declared;
      this.effective = effective;
    }

    static ScheduleState decode(String data) {
      int nl = data.indexOf('\n');
      return nl < 0 ? new ScheduleState(data, SyncSchedule.parse(data))
          : new ScheduleState(data.substring(0, nl), SyncSchedule.parse(data.substring(nl + 1)));
    }

    String encode() {
      return declared + "\n" + effective;
    }
  }

  private final DataSource dataSource;
  private final Map<String, Registered> syncs;
  private final List<SyncAlerts> alerts;
  private final Clock clock;
  private final String instanceName;
  private final int historySize;
  private final Duration stalenessCheck;
  private final boolean createTables;
  private final Store store;
  private final Scheduler db;
  private final CustomTask<String> syncTask;
  private final CustomTask<Void> watchTask;
  private final CustomTask<Void> stalenessTask;
  private final Map<String, Running> running = new ConcurrentHashMap<>();
  private final Object finished = new Object();
  private final Object lifecycle = new Object();
  private volatile State state = State.NEW;

  private SluiceScheduler(Builder b) {
    this.dataSource = b.dataSource;
    this.syncs = Collections.unmodifiableMap(new LinkedHashMap<>(b.syncs));
    this.alerts = List.copyOf(b.alerts);
    this.clock = b.clock;
    this.instanceName = b.instanceName != null ? b.instanceName : defaultInstanceName();
    this.historySize = b.historySize;
    this.stalenessCheck = b.stalenessCheck;
    this.createTables = b.createTables;
    this.store = new Store(dataSource);
    this.syncTask = Tasks.custom(SYNC_TASK, String.class)
        .onFailure(new FailureHandler.OnFailureRetryLater<>(RETRY_AFTER_ERROR))
        .execute(this::executeSync);
    this.watchTask = Tasks.custom(WATCH_TASK, Void.class)
        .onFailure(new FailureHandler.OnFailureRetryLater<>(RETRY_AFTER_ERROR))
        .execute(this::executeWatch);
    this.stalenessTask = Tasks.custom(STALENESS_TASK, Void.class)
        .onFailure(new FailureHandler.OnFailureRetryLater<>(RETRY_AFTER_ERROR))
        .execute(this::executeStalenessCheck);
    List<Task<?>> tasks = List.of(syncTask, watchTask, stalenessTask);
    SchedulerBuilder sb = b.schedulerFactory != null
        ? b.schedulerFactory.apply(dataSource, tasks)
        : Scheduler.create(dataSource, tasks).clock(clock::instant).enableImmediateExecution();
    this.db = sb.threads(b.threads)
        .pollingInterval(b.pollingInterval)
        .heartbeatInterval(b.heartbeatInterval)
        .schedulerName(new SchedulerName.Fixed(instanceName))
        .shutdownMaxWait(Duration.ofSeconds(5))
        .build();
  }

  /**
   * Starts a scheduler whose tables live in {@code dataSource}.
   *
   * @param dataSource the database of the scheduler's tables
   * @return a new builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Creates the tables if asked, registers each sync's execution (or brings its schedule up to
   * date when the code declares another one than the table holds), and starts polling.
   *
   * @throws IllegalStateException if the scheduler was started before
   */
  public void start() {
    synchronized (lifecycle) {
      if (state != State.NEW) {
        throw new IllegalStateException("the scheduler " + instanceName + " was already started (" + state + ")");
      }
      if (createTables) {
        store.createTables();
      }
      Instant now = clock.instant();
      boolean stalenessWanted = false;
      for (Registered reg : syncs.values()) {
        String name = reg.sync.name();
        store.ensureControl(name, now);
        registerExecution(name, reg.options.schedule(), now);
        if (reg.options.signal().isPresent()) {
          db.scheduleIfNotExists(watchTask.instance(name), now);
        }
        stalenessWanted |= reg.options.staleAfter().isPresent();
      }
      if (stalenessWanted) {
        db.scheduleIfNotExists(stalenessTask.instance("all"), now.plus(stalenessCheck));
      }
      db.start();
      state = State.STARTED;
      log.info("scheduler {} started with syncs {}", instanceName, syncs.keySet());
    }
  }

  private void registerExecution(String name, SyncSchedule schedule, Instant now) {
    String declared = schedule.toString();
    TaskInstanceId id = TaskInstanceId.of(SYNC_TASK, name);
    Optional<ScheduledExecution<Object>> existing = db.getScheduledExecution(id);
    if (existing.isEmpty()) {
      String data = new ScheduleState(declared, schedule).encode();
      if (db.scheduleIfNotExists(syncTask.instance(name, data), schedule.first(now))) {
        return;
      }
      existing = db.getScheduledExecution(id);
      if (existing.isEmpty()) {
        throw new IllegalStateException("the execution of sync '" + name + "' could not be registered");
      }
    }
    ScheduleState stored = ScheduleState.decode((String) existing.get().getData());
    if (!stored.declared.equals(declared)) {
      // The code declares another schedule than the one the table was set up with: a deploy changed it.
      log.info("sync {}: the declared schedule changed from '{}' to '{}'", name, stored.declared, declared);
      applySchedule(name, new ScheduleState(declared, schedule), now);
    }
  }

  /**
   * Runs a sync now, on whichever instance picks it first; if it is running, starts nothing and
   * the handle awaits the run in progress ({@link IfRunning#JOIN}).
   *
   * @param syncName the sync's name
   * @return a handle to await the run that serves the trigger
   * @throws IllegalArgumentException if no sync of that name is registered
   * @throws IllegalStateException if the scheduler is not started
   */
  public TriggerHandle trigger(String syncName) {
    return trigger(syncName, IfRunning.JOIN);
  }

  /**
   * Runs a sync now, on whichever instance picks it first. If it is running, {@code ifRunning}
   * says whether to join that run or to ask for one more after it.
   *
   * @param syncName the sync's name
   * @param ifRunning what to do if the sync is running
   * @return a handle to await the run that serves the trigger
   * @throws IllegalArgumentException if no sync of that name is registered
   * @throws IllegalStateException if the scheduler is not started
   */
  public TriggerHandle trigger(String syncName, IfRunning ifRunning) {
    return trigger(syncName, ifRunning, "manual");
  }

  TriggerHandle trigger(String syncName, IfRunning ifRunning, String source) {
    requireRegistered(syncName);
    Objects.requireNonNull(ifRunning, "ifRunning");
    requireStarted();
    String requestId = UUID.randomUUID().toString();
    return store.inTransaction(c -> {
      Store.Control control = store.lockKnown(c, syncName);
      // A run whose report is recorded is over, though its execution is not rescheduled yet
      // (executionId is cleared then): a trigger asks for a new run, which follows at once.
      boolean inProgress = control.running && control.executionId != null;
      if (inProgress && ifRunning == IfRunning.JOIN) {
        return handle(syncName, TriggerHandle.Outcome.ALREADY_RUNNING, control.executionId, null);
      }
      requestRun(c, syncName, requestId, source, control.running);
      return handle(syncName, inProgress ? TriggerHandle.Outcome.RERUN_QUEUED : TriggerHandle.Outcome.QUEUED,
          null, requestId);
    });
  }

  /** Inserts a trigger request and, unless the sync is running, makes its execution due now. Holds the control lock. */
  private void requestRun(Connection c, String syncName, String requestId, String source, boolean isRunning)
      throws SQLException {
    Instant now = clock.instant();
    store.insertRequest(c, requestId, syncName, source, now);
    if (!isRunning) {
      try {
        db.reschedule(TaskInstanceId.of(SYNC_TASK, syncName), now);
      } catch (TaskInstanceCurrentlyExecutingException | ExecutionException e) {
        // Picked a moment ago (before or while we rescheduled) and about to start: it takes this
        // request on when it does.
      }
    }
    // A running sync sees the request when it ends and runs once more.
  }

  private TriggerHandle handle(String syncName, TriggerHandle.Outcome outcome, String executionId, String requestId) {
    return new TriggerHandle(syncName, outcome, () -> {
      if (executionId != null) {
        Running local = running.get(executionId);
        if (local != null && local.done.isDone()) {
          return Optional.of(local.done.join());
        }
        return store.runByExecution(executionId);
      }
      return store.runByRequest(requestId);
    }, finished);
  }

  /**
   * Changes a sync's schedule for every instance, without a restart: the next run is due at
   * {@code schedule.nextAfter(now)}. If the sync is running, the change applies when the run ends.
   * The change lasts until a deploy declares another schedule in code than the one declared before.
   *
   * @param syncName the sync's name
   * @param schedule the schedule
   */
  public void changeSchedule(String syncName, SyncSchedule schedule) {
    requireRegistered(syncName);
    Objects.requireNonNull(schedule, "schedule");
    requireStarted();
    ScheduledExecution<Object> execution = db.getScheduledExecution(TaskInstanceId.of(SYNC_TASK, syncName))
        .orElseThrow(() -> new IllegalStateException("the sync '" + syncName + "' has no execution in scheduled_tasks"));
    ScheduleState stored = ScheduleState.decode((String) execution.getData());
    applySchedule(syncName, new ScheduleState(stored.declared, schedule), clock.instant());
  }

  private void applySchedule(String syncName, ScheduleState next, Instant now) {
    store.inTransaction(c -> {
      Store.Control control = store.lockKnown(c, syncName);
      boolean applied = false;
      if (!control.running) {
        try {
          applied = db.reschedule(TaskInstanceId.of(SYNC_TASK, syncName), next.effective.nextAfter(now), next.encode());
        } catch (TaskInstanceCurrentlyExecutingException | ExecutionException e) {
          applied = false; // picked meanwhile: the run applies the change when it ends
        }
      }
      if (!applied) {
        store.update(c, "update " + Store.CONTROL + " set pending_schedule = ? where sync_name = ?", next.encode(),
            syncName);
      }
      return null;
    });
  }

  /**
   * The schedule in force for a sync, as every instance sees it (a change waiting for a run to end
   * included).
   *
   * @param syncName the sync's name
   * @return the schedule in force for a sync, as every instance sees it (a change waiting for a run
   *     to end included)
   */
  public SyncSchedule schedule(String syncName) {
    requireRegistered(syncName);
    Optional<Store.Control> control = store.control(syncName);
    if (control.isPresent() && control.get().pendingSchedule != null) {
      return ScheduleState.decode(control.get().pendingSchedule).effective;
    }
    return db.getScheduledExecution(TaskInstanceId.of(SYNC_TASK, syncName))
        .map(e -> ScheduleState.decode((String) e.getData()).effective)
        .orElse(syncs.get(syncName).options.schedule());
  }

  /**
   * When a sync is next due, as db-scheduler's table says; empty if it has no execution yet.
   *
   * @param syncName the sync's name
   * @return when a sync is next due, as db-scheduler's table says; empty if it has no execution yet
   */
  public Optional<Instant> nextRun(String syncName) {
    requireRegistered(syncName);
    return db.getScheduledExecution(TaskInstanceId.of(SYNC_TASK, syncName))
        .map(ScheduledExecution::getExecutionTime);
  }

  /**
   * Whether a sync is running now on any instance.
   *
   * @param syncName the sync's name
   * @return whether a sync is running now on any instance
   */
  public boolean isRunning(String syncName) {
    requireRegistered(syncName);
    return store.control(syncName).map(c -> c.running).orElse(false);
  }

  /**
   * The last {@code limit} runs of a sync (at most the history size), newest first.
   *
   * @param syncName the sync's name
   * @param limit the most runs to return
   * @return the last {@code limit} runs of a sync (at most the history size), newest first
   */
  public List<RunRecord> history(String syncName, int limit) {
    requireRegistered(syncName);
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    return store.history(syncName, limit);
  }

  /**
   * The last run of a sync, if it ran.
   *
   * @param syncName the sync's name
   * @return the last run of a sync, if it ran
   */
  public Optional<RunRecord> lastRun(String syncName) {
    List<RunRecord> last = history(syncName, 1);
    return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0));
  }

  /**
   * When a sync last ended {@code SUCCEEDED} or {@code PARTIAL}, kept even when the history no
   * longer has it.
   *
   * @param syncName the sync's name
   * @return when a sync last ended {@code SUCCEEDED} or {@code PARTIAL}, kept even when the history
   *     no longer has it
   */
  public Optional<Instant> lastSuccess(String syncName) {
    requireRegistered(syncName);
    return store.control(syncName).map(c -> c.lastSuccess);
  }

  /**
   * Whether a sync is stale: it has a {@link SyncOptions#staleAfter(Duration) maximum age} and has
   * not succeeded within it (counted from its registration if it never did).
   *
   * @param syncName the sync's name
   * @return whether a sync is stale: it has a {@link SyncOptions#staleAfter(Duration) maximum age}
   *     and has not succeeded within it (counted from its registration if it never did)
   */
  public boolean isStale(String syncName) {
    Registered reg = requireRegistered(syncName);
    Optional<Duration> maxAge = reg.options.staleAfter();
    if (maxAge.isEmpty()) {
      return false;
    }
    Optional<Store.Control> control = store.control(syncName);
    if (control.isEmpty()) {
      return false;
    }
    Instant since = control.get().lastSuccess != null ? control.get().lastSuccess : control.get().createdAt;
    return Duration.between(since, clock.instant()).compareTo(maxAge.get()) > 0;
  }

  /**
   * The names of the registered syncs, in registration order.
   *
   * @return the names of the registered syncs, in registration order
   */
  public Set<String> syncNames() {
    return syncs.keySet();
  }

  /**
   * The registered sync of that name.
   *
   * @param syncName the sync's name
   * @return the registered sync of that name
   */
  public Optional<Sync> sync(String syncName) {
    Registered reg = syncs.get(syncName);
    return reg == null ? Optional.empty() : Optional.of(reg.sync);
  }

  /**
   * The options a sync was registered with.
   *
   * @param syncName the sync's name
   * @return the options a sync was registered with
   */
  public Optional<SyncOptions> options(String syncName) {
    Registered reg = syncs.get(syncName);
    return reg == null ? Optional.empty() : Optional.of(reg.options);
  }

  /**
   * This instance's name, as db-scheduler's {@code picked_by} and the history's {@code
   * instance_name} show it.
   *
   * @return this instance's name, as db-scheduler's {@code picked_by} and the history's {@code
   *     instance_name} show it
   */
  public String instanceName() {
    return instanceName;
  }

  /**
   * Stops this instance: it takes no new runs (other instances take them), waits up to
   * {@code deadline} for the syncs it is running, then cancels those still running and waits for
   * their reports (a cancelled run ends {@code ABORTED} and keeps what the destination confirmed),
   * up to {@code deadline} again but at least {@link #CANCEL_GRACE}. Idempotent.
   *
   * @param deadline how long to wait for running syncs
   * @return the runs that were in progress when stop was called, each finished or cancelled; a run
   *     that did not end even after its cancellation is missing
   */
  public List<RunRecord> stop(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    synchronized (lifecycle) {
      if (state == State.NEW) {
        state = State.STOPPED;
        return List.of();
      }
      if (state != State.STARTED) {
        return List.of();
      }
      state = State.STOPPING;
    }
    db.pause();
    List<Running> inFlight = new ArrayList<>(running.values());
    List<RunRecord> ended = new ArrayList<>();
    List<Running> late = new ArrayList<>();
    long end = System.nanoTime() + deadline.toNanos();
    for (Running r : inFlight) {
      Optional<RunRecord> record = awaitRun(r, Math.max(0, end - System.nanoTime()));
      if (record.isPresent()) {
        ended.add(record.get());
      } else {
        late.add(r);
      }
    }
    for (Running r : late) {
      log.warn("sync {} still runs after the shutdown deadline of {}: cancelling it", r.sync.name(), deadline);
      cancel(r);
    }
    long cancelStart = System.nanoTime();
    long cancelEnd = cancelStart + Math.max(deadline.toNanos(), CANCEL_GRACE.toNanos());
    for (Running r : late) {
      awaitRun(r, Math.max(0, cancelEnd - System.nanoTime())).ifPresentOrElse(ended::add,
          () -> log.error("sync {} did not end after it was cancelled; its execution is revived on another instance"
              + " once its heartbeat stops", r.sync.name()));
    }
    if (!late.isEmpty()) {
      log.info("the cancelled runs ended within {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelStart));
    }
    db.stop();
    state = State.STOPPED;
    log.info("scheduler {} stopped", instanceName);
    return ended;
  }

  /** Stops with the {@link #DEFAULT_SHUTDOWN_DEADLINE default deadline}. */
  @Override
  public void close() {
    stop(DEFAULT_SHUTDOWN_DEADLINE);
  }

  /**
   * Cancels a run in progress on this instance: it ends {@code ABORTED}, and what the destination
   * confirmed before is committed.
   */
  private static void cancel(Running run) {
    // Interrupted, the run aborts on its own thread and also wakes from any wait it is in.
    run.thread.interrupt();
  }

  private static Optional<RunRecord> awaitRun(Running r, long nanos) {
    try {
      return Optional.of(r.done.get(nanos, TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (java.util.concurrent.ExecutionException e) {
      return Optional.empty();
    }
  }

  // ---- execution handlers, called on db-scheduler's threads ----

  private CompletionHandler<String> executeSync(TaskInstance<String> instance, ExecutionContext context) {
    String name = instance.getId();
    Registered reg = syncs.get(name);
    if (reg == null) {
      log.warn("the sync '{}' is due but not registered on instance {} (it has {}); register the same syncs on"
          + " every instance. Trying again in {}", name, instanceName, syncs.keySet(), RETRY_AFTER_ERROR);
      return (complete, ops) -> ops.reschedule(complete, clock.instant().plus(RETRY_AFTER_ERROR));
    }
    if (state != State.STARTED) {
      // Stopping: leave the run to another instance.
      return (complete, ops) -> ops.reschedule(complete, clock.instant());
    }
    String executionId = UUID.randomUUID().toString();
    Store.Claim claim = store.beginRun(name, executionId);
    Running run = new Running(reg.sync, Thread.currentThread());
    running.put(executionId, run);
    RunRecord record;
    try {
      SyncReport report = runSync(reg.sync);
      record = new RunRecord(executionId, claim.trigger, instanceName, clock.instant(), report);
    } finally {
      // An interrupt (if any) was this scheduler's cancellation; it has done its work.
      Thread.interrupted();
    }
    try {
      store.recordRun(record, claim, historySize);
    } catch (RuntimeException e) {
      log.error("sync {}: run {} could not be written to the run history: {}", name, record.runId(), e.toString());
    }
    running.remove(executionId);
    run.done.complete(record);
    synchronized (finished) {
      finished.notifyAll();
    }
    alert(reg, record);
    String data = instance.getData();
    return (complete, ops) -> store.inTransaction(c -> {
      Store.Control control = store.lockKnown(c, name);
      String next = control.pendingSchedule != null ? control.pendingSchedule : data;
      boolean again = store.unclaimedRequests(c, name) > 0;
      store.update(c, "update " + Store.CONTROL + " set running = false, execution_id = null, run_watermark = null,"
          + " pending_schedule = null where sync_name = ?", name);
      Instant now = clock.instant();
      Instant due = again ? now : ScheduleState.decode(next).effective.nextAfter(now);
      // Still under the control lock: a trigger that comes now sees the sync idle and its execution rescheduled.
      ops.reschedule(complete, due, next);
      return null;
    });
  }

  private SyncReport runSync(Sync sync) {
    try {
      return sync.run();
    } catch (RuntimeException e) {
      log.error("sync {} threw instead of returning a report", sync.name(), e);
      Instant now = clock.instant();
      return SyncReport.builder(sync.name(), "failed-" + UUID.randomUUID(), sync.mode())
          .status(SyncReport.Status.FAILED, "the run threw " + e)
          .timing(now, Duration.ZERO)
          .build();
    }
  }

  private void alert(Registered reg, RunRecord record) {
    SyncReport r = record.report();
    for (SyncAlerts a : alerts) {
      try {
        if (r.status() == SyncReport.Status.FAILED || r.status() == SyncReport.Status.ABORTED) {
          a.onRunFailed(record);
        } else if (r.status() == SyncReport.Status.PARTIAL) {
          double share = (double) (r.rejected() + r.failed()) / Math.max(1, r.read());
          if (share > reg.options.partialAlertThreshold()) {
            a.onPartial(record, share);
          }
        }
      } catch (RuntimeException e) {
        log.warn("an alert listener failed for sync {}: {}", r.syncName(), e.toString());
      }
    }
  }

  private CompletionHandler<Void> executeWatch(TaskInstance<Void> instance, ExecutionContext context) {
    String name = instance.getId();
    Registered reg = syncs.get(name);
    if (reg == null) {
      return (complete, ops) -> ops.reschedule(complete, clock.instant().plus(RETRY_AFTER_ERROR));
    }
    if (reg.options.signal().isEmpty()) {
      return (complete, ops) -> ops.remove();
    }
    Duration interval = reg.options.watchInterval().orElseThrow();
    if (state == State.STARTED) {
      poll(name, reg.options.signal().get());
    }
    return (complete, ops) -> ops.reschedule(complete, clock.instant().plus(interval));
  }

  /** One poll of a sync's change signal; package-private for tests that poll by hand. */
  void poll(String name, ChangeSignal signal) {
    String value;
    try {
      value = signal.read().orElse("");
    } catch (RuntimeException e) {
      log.warn("sync {}: the change signal could not be read, nothing triggered: {}", name, e.getMessage());
      return;
    }
    store.inTransaction(c -> {
      Store.Control control = store.lockKnown(c, name);
      if (value.equals(control.watermark)) {
        return null;
      }
      store.update(c, "update " + Store.CONTROL + " set watermark_candidate = ? where sync_name = ?", value, name);
      if (control.running && value.equals(control.runWatermark)) {
        return null; // the run in progress started after this value was seen
      }
      if (store.unclaimedRequests(c, name) > 0) {
        return null; // a run is already due; it starts after this value was seen
      }
      log.info("sync {}: the change signal moved, triggering a run", name);
      requestRun(c, name, UUID.randomUUID().toString(), "watch", control.running);
      return null;
    });
  }

  private CompletionHandler<Void> executeStalenessCheck(TaskInstance<Void> instance, ExecutionContext context) {
    if (state == State.STARTED) {
      checkStaleness();
    }
    return (complete, ops) -> ops.reschedule(complete, clock.instant().plus(stalenessCheck));
  }

  /** Alerts for every registered sync that went stale since the last check; package-private for tests. */
  void checkStaleness() {
    Instant now = clock.instant();
    for (Registered reg : syncs.values()) {
      Optional<Duration> maxAge = reg.options.staleAfter();
      if (maxAge.isEmpty()) {
        continue;
      }
      String name = reg.sync.name();
      Optional<Instant> staleSince = store.inTransaction(c -> {
        Store.Control control = store.lockKnown(c, name);
        Instant since = control.lastSuccess != null ? control.lastSuccess : control.createdAt;
        if (control.staleAlerted || Duration.between(since, now).compareTo(maxAge.get()) <= 0) {
          return Optional.<Instant>empty();
        }
        store.update(c, "update " + Store.CONTROL + " set stale_alerted = true where sync_name = ?", name);
        return Optional.of(since);
      });
      if (staleSince.isPresent()) {
        Optional<Instant> lastSuccess = store.control(name).map(c -> c.lastSuccess);
        log.warn("sync {} is stale: no success within {}", name, maxAge.get());
        for (SyncAlerts a : alerts) {
          try {
            a.onStale(name, lastSuccess, maxAge.get());
          } catch (RuntimeException e) {
            log.warn("an alert listener failed for sync {}: {}", name, e.toString());
          }
        }
      }
    }
  }

  Scheduler dbScheduler() {
    return db;
  }

  private Registered requireRegistered(String syncName) {
    Objects.requireNonNull(syncName, "syncName");
    Registered reg = syncs.get(syncName);
    if (reg == null) {
      throw new IllegalArgumentException("no sync named '" + syncName + "' is registered; registered: " + syncs.keySet());
    }
    return reg;
  }

  private void requireStarted() {
    if (state != State.STARTED) {
      throw new IllegalStateException("the scheduler " + instanceName + " is " + state + ", not started; call start()");
    }
  }

  private static String defaultInstanceName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
  }

  /** Configures a {@link SluiceScheduler}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private final Map<String, Registered> syncs = new LinkedHashMap<>();
    private final List<SyncAlerts> alerts = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private String instanceName;
    private int threads = DEFAULT_THREADS;
    private Duration pollingInterval = DEFAULT_POLLING_INTERVAL;
    private Duration heartbeatInterval = SchedulerBuilder.DEFAULT_HEARTBEAT_INTERVAL;
    private int historySize = DEFAULT_HISTORY_SIZE;
    private Duration stalenessCheck = DEFAULT_STALENESS_CHECK;
    private boolean createTables = true;
    private BiFunction<DataSource, List<Task<?>>, SchedulerBuilder> schedulerFactory;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * Registers a sync on {@code schedule}.
     *
     * @param sync the sync
     * @param schedule the schedule
     * @return this builder
     */
    public Builder sync(Sync sync, SyncSchedule schedule) {
      return sync(sync, SyncOptions.schedule(schedule));
    }

    /**
     * Registers a sync with its options.
     *
     * @param sync the sync
     * @param options the sync's options
     * @return this builder
     * @throws IllegalArgumentException if a sync of the same name is registered already
     */
    public Builder sync(Sync sync, SyncOptions options) {
      Objects.requireNonNull(sync, "sync");
      Objects.requireNonNull(options, "options");
      if (syncs.containsKey(sync.name())) {
        throw new IllegalArgumentException("a sync named '" + sync.name() + "' is registered already; name each sync"
            + " uniquely with Sync.Builder.named(...)");
      }
      syncs.put(sync.name(), new Registered(sync, options));
      return this;
    }

    /**
     * Adds an alert listener; may be called more than once.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder alerts(SyncAlerts listener) {
      alerts.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The clock for due times, history and staleness; default the system clock (UTC).
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * This instance's name in the tables; default host name, process id and a random suffix.
     *
     * @param name the name
     * @return this builder
     */
    public Builder instanceName(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("the instance name must not be blank");
      }
      this.instanceName = name;
      return this;
    }

    /**
     * How many syncs this instance runs at once; default {@value #DEFAULT_THREADS}.
     *
     * @param threads the number of threads
     * @return this builder
     */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, was " + threads);
      }
      this.threads = threads;
      return this;
    }

    /**
     * How often this instance looks for due runs; default {@link #DEFAULT_POLLING_INTERVAL}. A
     * trigger on this instance is seen at once; one made on another instance within this interval.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder pollingInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.toMillis() < 10) {
        throw new IllegalArgumentException("pollingInterval must be at least 10 ms, was " + interval);
      }
      this.pollingInterval = interval;
      return this;
    }

    /**
     * How often a running sync's execution row is touched to show that its instance is alive;
     * default db-scheduler's 5 minutes. An instance that misses 6 heartbeats is taken for dead, and
     * the sync it was running is run again on another instance.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder heartbeatInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("heartbeatInterval must be at least 1 s, was " + interval);
      }
      this.heartbeatInterval = interval;
      return this;
    }

    /**
     * Runs kept per sync in the history; default {@value #DEFAULT_HISTORY_SIZE}.
     *
     * @param runs the number of runs
     * @return this builder
     */
    public Builder historySize(int runs) {
      if (runs < 1) {
        throw new IllegalArgumentException("historySize must be at least 1, was " + runs);
      }
      this.historySize = runs;
      return this;
    }

    /**
     * How often staleness is checked; default {@link #DEFAULT_STALENESS_CHECK}.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder stalenessCheckInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("stalenessCheckInterval must be at least 1 s, was " + interval);
      }
      this.stalenessCheck = interval;
      return this;
    }

    /**
     * Whether {@link SluiceScheduler#start()} creates the tables it needs when they are missing
     * ({@code scheduled_tasks}, {@code sluice_sync_control}, {@code sluice_sync_requests},
     * {@code sluice_run_history}, in PostgreSQL's dialect); default true. Turn it off when
     * migrations (Flyway, Liquibase) own the schema.
     *
     * @param create whether to create them
     * @return this builder
     */
    public Builder createTables(boolean create) {
      this.createTables = create;
      return this;
    }

    /** Tests only: builds db-scheduler's scheduler another way (db-scheduler's manual scheduler). */
    Builder schedulerFactory(BiFunction<DataSource, List<Task<?>>, SchedulerBuilder> factory) {
      this.schedulerFactory = factory;
      return this;
    }

    /**
     * Builds the scheduler; {@link SluiceScheduler#start()} starts it.
     *
     * @return the scheduler
     */
    public SluiceScheduler build() {
      return new SluiceScheduler(this);
    }
  }
}
