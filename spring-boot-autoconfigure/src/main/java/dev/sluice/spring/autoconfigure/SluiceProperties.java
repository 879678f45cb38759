package dev.sluice.spring.autoconfigure;

import dev.sluice.scheduler.SluiceScheduler;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Sluice's settings under {@code sluice.*}. A sync with neither {@code schedule} nor {@code cron}
 * runs only when triggered.
 *
 * <pre>
 * sluice.syncs.customers-to-crm.schedule=15m
 * sluice.syncs.accounts-to-crm.cron=0 0 6 * * MON-FRI
 * sluice.syncs.accounts-to-crm.zone=Europe/Berlin
 * sluice.syncs.accounts-to-crm.watch-query=select max(updated_at), count(*) from mart.accounts
 * sluice.syncs.accounts-to-crm.stale-after=26h
 * sluice.delivery.max-attempts=8
 * </pre>
 */
@ConfigurationProperties(prefix = "sluice")
public class SluiceProperties {

  /** Whether Sluice's auto-configuration applies. */
  private boolean enabled = true;
  private final Scheduler scheduler = new Scheduler();
  private final State state = new State();
  private final Delivery delivery = new Delivery();
  /** Per sync, by the sync's name. */
  private final Map<String, SyncProperties> syncs = new LinkedHashMap<>();

  /**
   * Whether Sluice's auto-configuration applies; default true.
   *
   * @return whether Sluice's auto-configuration applies; default true
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * Sets {@link #isEnabled()}.
   *
   * @param enabled whether it applies
   */
  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /**
   * The scheduler's settings.
   *
   * @return the scheduler's settings
   */
  public Scheduler getScheduler() {
    return scheduler;
  }

  /**
   * The state store's settings.
   *
   * @return the state store's settings
   */
  public State getState() {
    return state;
  }

  /**
   * Delivery defaults.
   *
   * @return delivery defaults
   */
  public Delivery getDelivery() {
    return delivery;
  }

  /**
   * Per sync, by the sync's name.
   *
   * @return per sync, by the sync's name
   */
  public Map<String, SyncProperties> getSyncs() {
    return syncs;
  }

  /** {@code sluice.scheduler.*}. */
  public static class Scheduler {
    /** Syncs this instance runs at once. */
    private int threads = SluiceScheduler.DEFAULT_THREADS;
    /** How often this instance looks for due runs. */
    private Duration pollingInterval = SluiceScheduler.DEFAULT_POLLING_INTERVAL;
    /** Runs kept per sync in the run history. */
    private int historySize = SluiceScheduler.DEFAULT_HISTORY_SIZE;
    /** How often staleness is checked. */
    private Duration stalenessCheckInterval = SluiceScheduler.DEFAULT_STALENESS_CHECK;
    /** How long shutdown lets running syncs finish before it cancels them. */
    private Duration shutdownDeadline = SluiceScheduler.DEFAULT_SHUTDOWN_DEADLINE;
    /** Whether the scheduler creates its tables when missing (PostgreSQL dialect). */
    private boolean createTables = true;
    /** This instance's name in the tables; default host name, process id and a random suffix. */
    private String instanceName;

    /**
     * Syncs this instance runs at once; default 4.
     *
     * @return syncs this instance runs at once; default 4
     */
    public int getThreads() {
      return threads;
    }

    /**
     * Sets {@link #getThreads()}.
     *
     * @param threads the number of threads
     */
    public void setThreads(int threads) {
      this.threads = threads;
    }

    /**
     * How often this instance looks for due runs; default 10s.
     *
     * @return how often this instance looks for due runs; default 10s
     */
    public Duration getPollingInterval() {
      return pollingInterval;
    }

    /**
     * Sets {@link #getPollingInterval()}.
     *
     * @param pollingInterval the polling interval
     */
    public void setPollingInterval(Duration pollingInterval) {
      this.pollingInterval = pollingInterval;
    }

    /**
     * Runs kept per sync in the history; default 100.
     *
     * @return runs kept per sync in the history; default 100
     */
    public int getHistorySize() {
      return historySize;
    }

    /**
     * Sets {@link #getHistorySize()}.
     *
     * @param historySize the history size
     */
    public void setHistorySize(int historySize) {
      this.historySize = historySize;
    }

    /**
     * How often staleness is checked; default 1m.
     *
     * @return how often staleness is checked; default 1m
     */
    public Duration getStalenessCheckInterval() {
      return stalenessCheckInterval;
    }

    /**
     * Sets {@link #getStalenessCheckInterval()}.
     *
     * @param stalenessCheckInterval the staleness check interval
     */
    public void setStalenessCheckInterval(Duration stalenessCheckInterval) {
      this.stalenessCheckInterval = stalenessCheckInterval;
    }

    /**
     * How long shutdown lets running syncs finish before it cancels them; default 30s.
     *
     * @return how long shutdown lets running syncs finish before it cancels them; default 30s
     */
    public Duration getShutdownDeadline() {
      return shutdownDeadline;
    }

    /**
     * Sets {@link #getShutdownDeadline()}.
     *
     * @param shutdownDeadline how long stop lets runs finish
     */
    public void setShutdownDeadline(Duration shutdownDeadline) {
      this.shutdownDeadline = shutdownDeadline;
    }

    /**
     * Whether the scheduler creates its tables when missing (PostgreSQL dialect); default true.
     *
     * @return whether the scheduler creates its tables when missing (PostgreSQL dialect); default
     *     true
     */
    public boolean isCreateTables() {
      return createTables;
    }

    /**
     * Sets {@link #isCreateTables()}.
     *
     * @param createTables the create tables
     */
    public void setCreateTables(boolean createTables) {
      this.createTables = createTables;
    }

    /**
     * This instance's name in the tables; default host name, process id and a random suffix.
     *
     * @return this instance's name in the tables; default host name, process id and a random suffix
     */
    public String getInstanceName() {
      return instanceName;
    }

    /**
     * Sets {@link #getInstanceName()}.
     *
     * @param instanceName the instance name
     */
    public void setInstanceName(String instanceName) {
      this.instanceName = instanceName;
    }
  }

  /** {@code sluice.state.*}. */
  public static class State {
    /** Whether a JdbcStateStore on the application's DataSource is defined. */
    private boolean jdbc = true;
    /** Whether the state store creates its tables when missing. */
    private boolean createTables = true;
    /** The prefix of the state store's tables. */
    private String tablePrefix = "sluice_";

    /**
     * Whether a {@code JdbcStateStore} on the application's DataSource is defined; default true.
     *
     * @return whether a {@code JdbcStateStore} on the application's DataSource is defined; default
     *     true
     */
    public boolean isJdbc() {
      return jdbc;
    }

    /**
     * Sets {@link #isJdbc()}.
     *
     * @param jdbc the jdbc
     */
    public void setJdbc(boolean jdbc) {
      this.jdbc = jdbc;
    }

    /**
     * Whether the state store creates its tables when missing; default true.
     *
     * @return whether the state store creates its tables when missing; default true
     */
    public boolean isCreateTables() {
      return createTables;
    }

    /**
     * Sets {@link #isCreateTables()}.
     *
     * @param createTables the create tables
     */
    public void setCreateTables(boolean createTables) {
      this.createTables = createTables;
    }

    /**
     * The prefix of the state store's tables; default {@code sluice_}.
     *
     * @return the prefix of the state store's tables; default {@code sluice_}
     */
    public String getTablePrefix() {
      return tablePrefix;
    }

    /**
     * Sets {@link #getTablePrefix()}.
     *
     * @param tablePrefix the table prefix
     */
    public void setTablePrefix(String tablePrefix) {
      this.tablePrefix = tablePrefix;
    }
  }

  /** {@code sluice.delivery.*}: the defaults of the {@code DeliveryPolicy} bean; unset keeps Sluice's own. */
  public static class Delivery {
    /** Attempts per batch, the first included. */
    private Integer maxAttempts;
    /** The first retry's backoff; set together with max-backoff. */
    private Duration initialBackoff;
    /** The longest backoff between retries. */
    private Duration maxBackoff;
    /** The longest a batch waits for the rate limit. */
    private Duration maxRateLimitWait;
    /** Whether a batch rejected as a whole is split to find the bad record. */
    private Boolean splitRejectedBatches;

    /**
     * Attempts per batch, the first included.
     *
     * @return attempts per batch, the first included
     */
    public Integer getMaxAttempts() {
      return maxAttempts;
    }

    /**
     * Sets {@link #getMaxAttempts()}.
     *
     * @param maxAttempts the max attempts
     */
    public void setMaxAttempts(Integer maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    /**
     * The first retry's backoff; set together with {@link #getMaxBackoff()}.
     *
     * @return the first retry's backoff; set together with {@link #getMaxBackoff()}
     */
    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    /**
     * Sets {@link #getInitialBackoff()}.
     *
     * @param initialBackoff the initial backoff
     */
    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    /**
     * The longest backoff between retries.
     *
     * @return the longest backoff between retries
     */
    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    /**
     * Sets {@link #getMaxBackoff()}.
     *
     * @param maxBackoff the max backoff
     */
    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }

    /**
     * The longest a batch waits for the rate limit.
     *
     * @return the longest a batch waits for the rate limit
     */
    public Duration getMaxRateLimitWait() {
      return maxRateLimitWait;
    }

    /**
     * Sets {@link #getMaxRateLimitWait()}.
     *
     * @param maxRateLimitWait the max rate limit wait
     */
    public void setMaxRateLimitWait(Duration maxRateLimitWait) {
      this.maxRateLimitWait = maxRateLimitWait;
    }

    /**
     * Whether a batch rejected as a whole is split to find the bad record.
     *
     * @return whether a batch rejected as a whole is split to find the bad record
     */
    public Boolean getSplitRejectedBatches() {
      return splitRejectedBatches;
    }

    /**
     * Sets {@link #getSplitRejectedBatches()}.
     *
     * @param splitRejectedBatches the split rejected batches
     */
    public void setSplitRejectedBatches(Boolean splitRejectedBatches) {
      this.splitRejectedBatches = splitRejectedBatches;
    }
  }

  /** {@code sluice.syncs.<name>.*}. */
  public static class SyncProperties {
    /** Runs the sync this long after the end of its previous run, such as 15m. */
    private Duration schedule;
    /** Runs the sync on a six-field cron expression: second minute hour day-of-month month day-of-week. */
    private String cron;
    /** The time zone the cron expression is read in. */
    private String zone = "UTC";
    /** A cheap query on the application's DataSource whose change triggers the sync, such as 'select max(updated_at), count(*) from mart.customers'. */
    private String watchQuery;
    /** How often the watch query is polled. */
    private Duration watchInterval = Duration.ofMinutes(1);
    /** After how long without success the sync is stale: health DOWN and an alert. */
    private Duration staleAfter;
    /** The share (0 to 1) of rejected or failed records above which a partial run alerts. */
    private Double partialAlertAbove;

    /**
     * Runs the sync this long after the end of its previous run, such as {@code 15m}.
     *
     * @return the interval between the end of a run and the next, such as {@code 15m}
     */
    public Duration getSchedule() {
      return schedule;
    }

    /**
     * Sets {@link #getSchedule()}.
     *
     * @param schedule the schedule
     */
    public void setSchedule(Duration schedule) {
      this.schedule = schedule;
    }

    /**
     * Runs the sync on a six-field cron expression (second minute hour day month weekday).
     *
     * @return the cron expression
     */
    public String getCron() {
      return cron;
    }

    /**
     * Sets {@link #getCron()}.
     *
     * @param cron the cron
     */
    public void setCron(String cron) {
      this.cron = cron;
    }

    /**
     * The time zone the cron expression is read in; default UTC.
     *
     * @return the time zone the cron expression is read in; default UTC
     */
    public String getZone() {
      return zone;
    }

    /**
     * Sets {@link #getZone()}.
     *
     * @param zone the time zone
     */
    public void setZone(String zone) {
      this.zone = zone;
    }

    /**
     * A cheap query on the application's DataSource whose change triggers the sync.
     *
     * @return a cheap query on the application's DataSource whose change triggers the sync
     */
    public String getWatchQuery() {
      return watchQuery;
    }

    /**
     * Sets {@link #getWatchQuery()}.
     *
     * @param watchQuery the watch query
     */
    public void setWatchQuery(String watchQuery) {
      this.watchQuery = watchQuery;
    }

    /**
     * How often the watch query is polled; default 1m.
     *
     * @return how often the watch query is polled; default 1m
     */
    public Duration getWatchInterval() {
      return watchInterval;
    }

    /**
     * Sets {@link #getWatchInterval()}.
     *
     * @param watchInterval the watch interval
     */
    public void setWatchInterval(Duration watchInterval) {
      this.watchInterval = watchInterval;
    }

    /**
     * After how long without success the sync is stale (health DOWN, alert).
     *
     * @return after how long without success the sync is stale (health DOWN, alert)
     */
    public Duration getStaleAfter() {
      return staleAfter;
    }

    /**
     * Sets {@link #getStaleAfter()}.
     *
     * @param staleAfter the stale after
     */
    public void setStaleAfter(Duration staleAfter) {
      this.staleAfter = staleAfter;
    }

    /**
     * The share (0 to 1) of bad records above which a partial run alerts; default 0.
     *
     * @return the share (0 to 1) of bad records above which a partial run alerts; default 0
     */
    public Double getPartialAlertAbove() {
      return partialAlertAbove;
    }

    /**
     * Sets {@link #getPartialAlertAbove()}.
     *
     * @param partialAlertAbove the partial alert above
     */
    public void setPartialAlertAbove(Double partialAlertAbove) {
      this.partialAlertAbove = partialAlertAbove;
    }
  }
}
