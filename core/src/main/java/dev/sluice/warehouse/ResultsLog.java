package dev.sluice.warehouse;

import dev.sluice.RecordError;
import dev.sluice.RunContext;
import dev.sluice.SyncReport;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.RecordOutcome;
import dev.sluice.observe.SyncListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what each run did back to two tables that analysts can query: one row per record outcome
 * in {@code sluice_sync_log}, one row per run in {@code sluice_sync_runs}. A {@link SyncListener}:
 * add it to any sync ({@code .listener(resultsLog)}), whatever its state store; it writes through
 * the {@link DataSource} you give (the warehouse, or another database).
 *
 * <pre>
 * create table if not exists sluice.sluice_sync_log (
 *   sync_name varchar(200) not null, run_id varchar(32) not null, record_key varchar(2000),
 *   operation varchar(16) not null,   -- upsert, update, insert, delete; none for a rejected row
 *   outcome varchar(16) not null,     -- delivered, failed, retryable, not_found, already_exists, rejected
 *   error varchar(4000),              -- the destination's (or the mapping's) message
 *   logged_at timestamp not null);
 * create table if not exists sluice.sluice_sync_runs (
 *   sync_name varchar(200) not null, run_id varchar(32) not null, mode varchar(16) not null,
 *   status varchar(16) not null, failure varchar(4000), started_at timestamp not null,
 *   finished_at timestamp not null, duration_ms bigint not null, read_count bigint not null,
 *   rejected bigint not null, added bigint not null, updated bigint not null, deleted bigint not null,
 *   unchanged bigint not null, delivered bigint not null, failed bigint not null);
 * -- why did a record fail?
 * select logged_at, operation, outcome, error from sluice.sluice_sync_log
 *  where sync_name = 'customers-to-crm' and record_key = '42' order by logged_at desc;
 * </pre>
 *
 * <p>Rows are buffered and inserted {@value #FLUSH_ROWS} at a time, and at the end of each run; the
 * log is a record for people, not the sync's state: a process killed mid-run loses its unwritten
 * rows, never a delivery. Rows older than {@link Builder#retention(Duration)} (default 30 days) are
 * deleted at the end of each run. Dry runs are not logged. A failure to write is logged as a warning
 * and never changes the run. Thread-safe: one log may serve several syncs.
 */
public final class ResultsLog implements SyncListener {

  private static final Logger log = LoggerFactory.getLogger(ResultsLog.class);

  /** Rows buffered before an insert. */
  public static final int FLUSH_ROWS = 500;
  /** How long rows are kept unless configured. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
  private static final int MAX_ERROR = 4000;

  private final DataSource dataSource;
  private final String logTable;
  private final String runsTable;
  private final String schema;
  private final Duration retention;
  private final Clock clock;
  private final boolean createTables;
  private final WarehouseDialect dialect;
  private final Map<String, List<Row>> buffers = new HashMap<>();
  private volatile boolean tablesCreated;

  private ResultsLog(Builder b) {
    this.dataSource = b.dataSource;
    this.schema = b.schema;
    this.retention = b.retention;
    this.clock = b.clock;
    this.createTables = b.createTables;
    this.dialect = b.dialect;
    this.logTable = b.schema + ".sluice_sync_log";
    this.runsTable = b.schema + ".sluice_sync_runs";
  }

  /**
   * Configures a results log written through {@code dataSource}.
   *
   * @param dataSource where the tables are
   * @return a builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * The statements that create the schema and both tables, for your migrations.
   *
   * @return the DDL, one statement each
   */
  public List<String> ddl() {
    boolean bq = dialect == WarehouseDialect.BIGQUERY;
    String text = bq ? "string" : "varchar";
    String t16 = bq ? text : text + "(16)";
    String t32 = bq ? text : text + "(32)";
    String t200 = bq ? text : text + "(200)";
    String t2000 = bq ? text : text + "(2000)";
    String t4000 = bq ? text : text + "(4000)";
    String big = bq ? "int64" : "bigint";
    return List.of(
        "create schema if not exists " + schema,
        "create table if not exists " + logTable + " (sync_name " + t200 + " not null, run_id " + t32 + " not null,"
            + " record_key " + t2000 + ", operation " + t16 + " not null, outcome " + t16 + " not null,"
            + " error " + t4000 + ", logged_at timestamp not null)",
        "create table if not exists " + runsTable + " (sync_name " + t200 + " not null, run_id " + t32 + " not null,"
            + " mode " + t16 + " not null, status " + t16 + " not null, failure " + t4000 + ","
            + " started_at timestamp not null, finished_at timestamp not null, duration_ms " + big + " not null,"
            + " read_count " + big + " not null, rejected " + big + " not null, added " + big + " not null,"
            + " updated " + big + " not null, deleted " + big + " not null, unchanged " + big + " not null,"
            + " delivered " + big + " not null, failed " + big + " not null)");
  }

  @Override
  public void onBatchCompleted(RunContext run, BatchResult result) {
    if (run.dryRun()) {
      return;
    }
    Batch batch = result.batch();
    String operation = operation(batch);
    Instant now = clock.instant();
    List<Row> rows = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      RecordOutcome outcome = result.outcome(i);
      String kind = result.succeeded(i) ? "delivered"
          : outcome.status() == RecordOutcome.Status.FAILED && outcome.retryable() ? "retryable"
          : outcome.status().name().toLowerCase(Locale.ROOT);
      rows.add(new Row(run.syncName(), run.runId(), batch.keys().get(i), operation, kind,
          result.succeeded(i) ? null : dev.sluice.http.Redaction.masked(outcome.reason()), now));
    }
    add(run.runId(), rows);
  }

  @Override
  public void onBatchFailed(RunContext run, Batch batch, String reason, boolean retryable) {
    if (run.dryRun()) {
      return;
    }
    Instant now = clock.instant();
    List<Row> rows = new ArrayList<>(batch.size());
    for (String key : batch.keys()) {
      rows.add(new Row(run.syncName(), run.runId(), key, operation(batch), retryable ? "retryable" : "failed", reason, now));
    }
    add(run.runId(), rows);
  }

  @Override
  public void onRunFinished(SyncReport report) {
    if (report.dryRun()) {
      return;
    }
    Instant now = clock.instant();
    List<Row> rejected = new ArrayList<>();
    for (RecordError e : report.rejectedRecords()) {
      rejected.add(new Row(report.syncName(), report.runId(), e.key(), "none", "rejected",
          dev.sluice.http.Redaction.masked(e.reason()), now));
    }
    List<Row> rest;
    synchronized (buffers) {
      List<Row> buffer = buffers.remove(report.runId());
      rest = buffer == null ? new ArrayList<>() : buffer;
    }
    rest.addAll(rejected);
    try (Connection connection = connect()) {
      insert(connection, rest);
      try (PreparedStatement s = connection.prepareStatement("insert into " + runsTable + " (sync_name, run_id, mode,"
          + " status, failure, started_at, finished_at, duration_ms, read_count, rejected, added, updated, deleted,"
          + " unchanged, delivered, failed) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        int i = 1;
        s.setString(i++, report.syncName());
        s.setString(i++, report.runId());
        s.setString(i++, report.mode().name().toLowerCase(Locale.ROOT));
        s.setString(i++, report.status().name().toLowerCase(Locale.ROOT));
        s.setString(i++, truncate(dev.sluice.http.Redaction.masked(report.failure().orElse(null))));
        s.setTimestamp(i++, Timestamp.from(report.startedAt()));
        s.setTimestamp(i++, Timestamp.from(report.startedAt().plus(report.duration())));
        s.setLong(i++, report.duration().toMillis());
        for (long count : new long[] {report.read(), report.rejected(), report.newRecords(), report.changedRecords(),
            report.removedRecords(), report.unchanged(), report.delivered(), report.failed()}) {
          s.setLong(i++, count);
        }
        s.executeUpdate();
      }
      Timestamp cutoff = Timestamp.from(now.minus(retention));
      for (String sql : List.of("delete from " + logTable + " where logged_at < ?",
          "delete from " + runsTable + " where finished_at < ?")) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
          s.setTimestamp(1, cutoff);
          s.executeUpdate();
        }
      }
      if (!connection.getAutoCommit()) {
        connection.commit();
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("writing the results of run {} of sync '{}' to {} failed: {}", report.runId(), report.syncName(),
          runsTable, e.getMessage());
    }
  }

  private void add(String runId, List<Row> rows) {
    List<Row> full = null;
    synchronized (buffers) {
      List<Row> buffer = buffers.computeIfAbsent(runId, r -> new ArrayList<>());
      buffer.addAll(rows);
      if (buffer.size() >= FLUSH_ROWS) {
        full = buffer;
        buffers.put(runId, new ArrayList<>());
      }
    }
    if (full != null) {
      try (Connection connection = connect()) {
        insert(connection, full);
        if (!connection.getAutoCommit()) {
          connection.commit();
        }
      } catch (SQLException | RuntimeException e) {
        log.warn("writing {} record outcomes of run {} to {} failed: {}", full.size(), runId, logTable, e.getMessage());
      }
    }
  }

  private Connection connect() throws SQLException {
    Connection connection = dataSource.getConnection();
    if (createTables && !tablesCreated) {
      try {
        Warehouse.createIfAbsent(connection, ddl());
      } catch (SQLException e) {
        connection.close();
        throw e;
      }
      tablesCreated = true;
    }
    return connection;
  }

  private void insert(Connection connection, List<Row> rows) throws SQLException {
    for (int from = 0; from < rows.size(); from += 100) {
      int n = Math.min(100, rows.size() - from);
      StringBuilder sql = new StringBuilder("insert into ").append(logTable)
          .append(" (sync_name, run_id, record_key, operation, outcome, error, logged_at) values ");
      for (int i = 0; i < n; i++) {
        sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?)");
      }
      try (PreparedStatement s = connection.prepareStatement(sql.toString())) {
        int bind = 1;
        for (int i = from; i < from + n; i++) {
          Row row = rows.get(i);
          s.setString(bind++, row.sync);
          s.setString(bind++, row.run);
          s.setString(bind++, row.key);
          s.setString(bind++, row.operation);
          s.setString(bind++, row.outcome);
          s.setString(bind++, truncate(row.error));
          s.setTimestamp(bind++, Timestamp.from(row.at));
        }
        s.executeUpdate();
      }
    }
  }

  private static String operation(Batch batch) {
    return batch.operation().name().toLowerCase(Locale.ROOT);
  }

  private static String truncate(String text) {
    if (text == null || text.length() <= MAX_ERROR) {
      return text;
    }
    int cut = MAX_ERROR - 3;
    if (Character.isLowSurrogate(text.charAt(cut)) && Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--; // never half a character
    }
    return text.substring(0, cut) + "...";
  }

  private record Row(String sync, String run, String key, String operation, String outcome, String error, Instant at) {}

  /** Configures a {@link ResultsLog}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema = Warehouse.DEFAULT_SCHEMA;
    private Duration retention = DEFAULT_RETENTION;
    private Clock clock = Clock.systemUTC();
    private boolean createTables;
    private WarehouseDialect dialect = WarehouseDialect.POSTGRES;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The schema of both tables; default {@value Warehouse#DEFAULT_SCHEMA}.
     *
     * @param schema letters, digits and underscores
     * @return this builder
     */
    public Builder schema(String schema) {
      Objects.requireNonNull(schema, "schema");
      if (!schema.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("schema must be letters, digits and underscores, was '" + schema + "'");
      }
      this.schema = schema;
      return this;
    }

    /**
     * How long rows are kept; older ones are deleted after each run. Default 30 days.
     *
     * @param retention a positive duration
     * @return this builder
     */
    public Builder retention(Duration retention) {
      Objects.requireNonNull(retention, "retention");
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention must be positive, was " + retention);
      }
      this.retention = retention;
      return this;
    }

    /**
     * The clock of the log's timestamps and of the retention; default the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Whether to create the schema and tables when absent (default false: create them from ddl()).
     *
     * @param create whether to create them
     * @return this builder
     */
    public Builder createTables(boolean create) {
      this.createTables = create;
      return this;
    }

    /**
     * The dialect of the DDL's types (BigQuery's differ); default standard SQL.
     *
     * @param dialect the warehouse's dialect
     * @return this builder
     */
    public Builder dialect(WarehouseDialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Builds the log; connects only when a run first writes.
     *
     * @return the log, to add to syncs with {@code .listener(...)}
     */
    public ResultsLog build() {
      return new ResultsLog(this);
    }
  }
}
