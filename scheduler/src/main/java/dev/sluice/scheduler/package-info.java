/**
 * Runs syncs in a service on db-scheduler: schedules per sync, triggers on demand, on data change
 * and after dbt Cloud jobs, one run of a sync at a time across instances, run history and alerts.
 * Start with {@link dev.sluice.scheduler.SluiceScheduler}.
 */
package dev.sluice.scheduler;
