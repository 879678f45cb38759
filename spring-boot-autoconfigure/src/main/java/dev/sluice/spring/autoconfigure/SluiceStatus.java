package dev.sluice.spring.autoconfigure;

import dev.sluice.SyncReport;
import dev.sluice.scheduler.RunRecord;
import dev.sluice.scheduler.SluiceScheduler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the health indicator and the endpoint say about the scheduler's syncs, in plain maps that
 * any Actuator line renders as JSON.
 */
public final class SluiceStatus {

  private SluiceStatus() {}

  /**
   * Whether every sync is healthy: none is stale and none's last run ended FAILED or ABORTED.
   *
   * @param scheduler the scheduler
   * @return whether every sync is healthy: none is stale and none's last run ended FAILED or
   *     ABORTED
   */
  public static boolean healthy(SluiceScheduler scheduler) {
    for (String name : scheduler.syncNames()) {
      if (!healthy(scheduler, name)) {
        return false;
      }
    }
    return true;
  }

  private static boolean healthy(SluiceScheduler scheduler, String name) {
    if (scheduler.isStale(name)) {
      return false;
    }
    Optional<RunRecord> last = scheduler.lastRun(name);
    return last.isEmpty() || last.get().status() == SyncReport.Status.SUCCEEDED
        || last.get().status() == SyncReport.Status.PARTIAL;
  }

  /**
   * Every sync by name, as {@link #sync(SluiceScheduler, String)} describes it.
   *
   * @param scheduler the scheduler
   * @return every sync by name, as {@link #sync(SluiceScheduler, String)} describes it
   */
  public static Map<String, Object> syncs(SluiceScheduler scheduler) {
    Map<String, Object> all = new LinkedHashMap<>();
    for (String name : scheduler.syncNames()) {
      all.put(name, sync(scheduler, name));
    }
    return all;
  }

  /**
   * One sync: schedule, next run, running, stale, healthy, last success and last run.
   *
   * @param scheduler the scheduler
   * @param name the name
   * @return one sync: schedule, next run, running, stale, healthy, last success and last run
   */
  public static Map<String, Object> sync(SluiceScheduler scheduler, String name) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("schedule", scheduler.schedule(name).toString());
    scheduler.nextRun(name).ifPresent(t -> m.put("nextRun", t.toString()));
    m.put("running", scheduler.isRunning(name));
    m.put("stale", scheduler.isStale(name));
    m.put("healthy", healthy(scheduler, name));
    scheduler.lastSuccess(name).ifPresent(t -> m.put("lastSuccess", t.toString()));
    scheduler.lastRun(name).ifPresent(run -> m.put("lastRun", run(run)));
    return m;
  }

  /**
   * One run of the history.
   *
   * @param run the run
   * @return one run of the history
   */
  public static Map<String, Object> run(RunRecord run) {
    Map<String, Object> m = new LinkedHashMap<>();
    SyncReport r = run.report();
    m.put("runId", run.runId());
    m.put("status", r.status().name());
    m.put("trigger", run.trigger());
    m.put("instance", run.instance());
    m.put("startedAt", r.startedAt().toString());
    m.put("finishedAt", run.finishedAt().toString());
    m.put("read", r.read());
    m.put("added", r.added());
    m.put("updated", r.updated());
    m.put("deleted", r.deleted());
    m.put("delivered", r.delivered());
    m.put("failed", r.failed());
    m.put("rejected", r.rejected());
    r.failure().ifPresent(f -> m.put("failure", f));
    return m;
  }
}
