package dev.sluice.spring.autoconfigure;

import dev.sluice.scheduler.SluiceScheduler;
import dev.sluice.scheduler.TriggerHandle;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code sluice} Actuator endpoint: {@code GET /actuator/sluice} lists the syncs with their
 * schedule and last run, {@code GET /actuator/sluice/{name}} shows one, {@code POST
 * /actuator/sluice/{name}} triggers it (once more after a run in progress). Expose it with
 * {@code management.endpoints.web.exposure.include=sluice}, and secure it like any endpoint that
 * changes something.
 */
@Endpoint(id = "sluice")
public class SluiceEndpoint {

  private final SluiceScheduler scheduler;

  /**
   * The endpoint over {@code scheduler}.
   *
   * @param scheduler the scheduler
   */
  public SluiceEndpoint(SluiceScheduler scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Every sync with its schedule, next run, state and last run.
   *
   * @return every sync with its schedule, next run, state and last run
   */
  @ReadOperation
  public Map<String, Object> syncs() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("instance", scheduler.instanceName());
    body.put("healthy", SluiceStatus.healthy(scheduler));
    body.put("syncs", SluiceStatus.syncs(scheduler));
    return body;
  }

  /**
   * One sync; null (404) when there is none of that name.
   *
   * @param name the name
   * @return one sync; null (404) when there is none of that name
   */
  @ReadOperation
  public Map<String, Object> sync(@Selector String name) {
    return scheduler.syncNames().contains(name) ? SluiceStatus.sync(scheduler, name) : null;
  }

  /**
   * Triggers a sync; null (404) when there is none of that name.
   *
   * @param name the name
   * @return the description, as a map for JSON; null if there is no sync of that name
   */
  @WriteOperation
  public Map<String, Object> trigger(@Selector String name) {
    if (!scheduler.syncNames().contains(name)) {
      return null;
    }
    TriggerHandle handle = scheduler.trigger(name, SluiceScheduler.IfRunning.RERUN_AFTER);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("sync", name);
    body.put("outcome", handle.outcome().name());
    return body;
  }
}
