package dev.sluice.scheduler;

import dev.sluice.SluiceException;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The scheduler's own tables, next to db-scheduler's {@code scheduled_tasks}: one control row per
 * sync (running flag, watermark, pending schedule change), trigger requests, and the run history.
 * Every change to a sync's control state happens under a row lock on its control row
 * ({@code select … for update}), taken before anything touches db-scheduler's row of the sync, so
 * triggers, run starts, run ends and watcher polls are serialised per sync across instances.
 */
final class Store {

  static final String CONTROL = "sluice_sync_control";
  static final String REQUESTS = "sluice_sync_requests";
  static final String HISTORY = "sluice_run_history";

  private static final String[] DDL = {
      // db-scheduler's table, as its PostgreSQL script defines it.
      "create table if not exists scheduled_tasks ("
          + " task_name text not null, task_instance text not null, task_data bytea,"
          + " execution_time timestamp with time zone not null, picked boolean not null, picked_by text,"
          + " last_success timestamp with time zone, last_failure timestamp with time zone,"
          + " consecutive_failures int, last_heartbeat timestamp with time zone, version bigint not null,"
          + " priority smallint, primary key (task_name, task_instance))",
      "create index if not exists execution_time_idx on scheduled_tasks (execution_time)",
      "create index if not exists last_heartbeat_idx on scheduled_tasks (last_heartbeat)",
      "create index if not exists priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc)",
      "create table if not exists " + CONTROL + " ("
          + " sync_name varchar(200) primary key, created_at timestamp with time zone not null,"
          + " running boolean not null, execution_id varchar(64), run_watermark text, pending_schedule text,"
          + " watermark text, watermark_candidate text, last_success_at timestamp with time zone,"
          + " stale_alerted boolean not null)",
      "create table if not exists " + REQUESTS + " ("
          + " request_id varchar(64) primary key, sync_name varchar(200) not null, source varchar(100) not null,"
          + " requested_at timestamp with time zone not null, execution_id varchar(64))",
      "create index if not exists sluice_sync_requests_sync on " + REQUESTS + " (sync_name, execution_id)",
      "create table if not exists " + HISTORY + " ("
          + " execution_id varchar(64) primary key, run_id varchar(64) not null, sync_name varchar(200) not null,"
          + " trigger_source varchar(400) not null, instance_name varchar(200) not null, mode varchar(16) not null,"
          + " status varchar(16) not null, failure text, started_at timestamp with time zone not null,"
          + " duration_ms bigint not null, finished_at timestamp with time zone not null,"
          + " read_count bigint not null, mapped_count bigint not null, rejected_count bigint not null,"
          + " added_count bigint not null, updated_count bigint not null, deleted_count bigint not null,"
          + " unchanged_count bigint not null, skipped_count bigint not null, delivered_count bigint not null,"
          + " failed_count bigint not null, not_found_count bigint not null, already_existed_count bigint not null,"
          + " fingerprint_changed boolean not null)",
      "create index if not exists sluice_run_history_sync on " + HISTORY + " (sync_name, finished_at)",
  };

  /** What a sync's control row says. */
  static final class Control {
    final boolean running;
    final String executionId;
    final String runWatermark;
    final String pendingSchedule;
    final String watermark;
    final String candidate;
    final Instant createdAt;
    final Instant lastSuccess;
    final boolean staleAlerted;

    Control(ResultSet rs) throws SQLException {
      running = rs.getBoolean("running");
      executionId = rs.getString("execution_id");
      runWatermark = rs.getString("run_watermark");
      pendingSchedule = rs.getString("pending_schedule");
      watermark = rs.getString("watermark");
      candidate = rs.getString("watermark_candidate");
      createdAt = instant(rs, "created_at");
      lastSuccess = instant(rs, "last_success_at");
      staleAlerted = rs.getBoolean("stale_alerted");
    }
  }

  /** What a run took on when it started. */
  static final class Claim {
    final String trigger;
    final String candidate;

    Claim(String trigger, String candidate) {
      this.trigger = trigger;
      this.candidate = candidate;
    }
  }

  /** Work done inside a transaction. */
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final DataSource dataSource;

  Store(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  void createTables() {
    inTransaction(c -> {
      try (Statement s = c.createStatement()) {
        for (String sql : DDL) {
          s.execute(sql);
        }
      }
      return null;
    });
  }

  <T> T inTransaction(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      throw new SluiceException("the scheduler's tables could not be read or written: " + e.getMessage()
          + " (are they created? see SluiceScheduler.Builder.createTables)", e);
    }
  }

  /** Creates the control row of a sync unless it exists. */
  void ensureControl(String syncName, Instant now) {
    try {
      inTransaction(c -> {
        try (PreparedStatement ps = c.prepareStatement("insert into " + CONTROL
            + " (sync_name, created_at, running, stale_alerted) select ?, ?, false, false"
            + " where not exists (select 1 from " + CONTROL + " where sync_name = ?)")) {
          ps.setString(1, syncName);
          ps.setObject(2, odt(now));
          ps.setString(3, syncName);
          ps.executeUpdate();
        }
        return null;
      });
    } catch (SluiceException e) {
      // Another instance inserted it at the same moment; it exists now, which is all we need.
      if (inTransaction(c -> lockControl(c, syncName)).isEmpty()) {
        throw e;
      }
    }
  }

  /** Locks and reads a sync's control row. */
  Optional<Control> lockControl(Connection c, String syncName) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select * from " + CONTROL + " where sync_name = ? for update")) {
      ps.setString(1, syncName);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Control(rs)) : Optional.empty();
      }
    }
  }

  Control lockKnown(Connection c, String syncName) throws SQLException {
    return lockControl(c, syncName).orElseThrow(() -> new IllegalStateException(
        "the sync '" + syncName + "' has no row in " + CONTROL + "; start the scheduler first"));
  }

  Optional<Control> control(String syncName) {
    return inTransaction(c -> lockControl(c, syncName));
  }

  void insertRequest(Connection c, String requestId, String syncName, String source, Instant now) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("insert into " + REQUESTS
        + " (request_id, sync_name, source, requested_at) values (?, ?, ?, ?)")) {
      ps.setString(1, requestId);
      ps.setString(2, syncName);
      ps.setString(3, source);
      ps.setObject(4, odt(now));
      ps.executeUpdate();
    }
  }

  int unclaimedRequests(Connection c, String syncName) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select count(*) from " + REQUESTS
        + " where sync_name = ? and execution_id is null")) {
      ps.setString(1, syncName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  void update(Connection c, String sql, Object... values) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < values.length; i++) {
        Object v = values[i];
        ps.setObject(i + 1, v instanceof Instant ? odt((Instant) v) : v);
      }
      ps.executeUpdate();
    }
  }

  /** Marks a sync running and takes on the trigger requests waiting for it. */
  Claim beginRun(String syncName, String executionId) {
    return inTransaction(c -> {
      Control control = lockKnown(c, syncName);
      update(c, "update " + REQUESTS + " set execution_id = ? where sync_name = ? and execution_id is null",
          executionId, syncName);
      TreeSet<String> sources = new TreeSet<>();
      try (PreparedStatement ps = c.prepareStatement("select source from " + REQUESTS + " where execution_id = ?")) {
        ps.setString(1, executionId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sources.add(rs.getString(1));
          }
        }
      }
      update(c, "update " + CONTROL + " set running = true, execution_id = ?, run_watermark = ? where sync_name = ?",
          executionId, control.candidate, syncName);
      return new Claim(sources.isEmpty() ? "schedule" : String.join(",", sources), control.candidate);
    });
  }

  /** Records a finished run, keeps the last {@code historySize} of the sync, advances the watermark on success. */
  void recordRun(RunRecord run, Claim claim, int historySize) {
    inTransaction(c -> {
      String sync = run.syncName();
      lockKnown(c, sync);
      SyncReport r = run.report();
      update(c, "insert into " + HISTORY + " (execution_id, run_id, sync_name, trigger_source, instance_name, mode,"
              + " status, failure, started_at, duration_ms, finished_at, read_count, mapped_count, rejected_count,"
              + " added_count, updated_count, deleted_count, unchanged_count, skipped_count, delivered_count,"
              + " failed_count, not_found_count, already_existed_count, fingerprint_changed)"
              + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          run.executionId(), r.runId(), sync, run.trigger(), run.instance(), r.mode().name(), r.status().name(),
          r.failure().orElse(null), r.startedAt(), r.duration().toMillis(), run.finishedAt(), r.read(), r.mapped(),
          r.rejected(), r.added(), r.updated(), r.deleted(), r.unchanged(), r.skipped(), r.delivered(), r.failed(),
          r.notFound(), r.alreadyExisted(), r.fingerprintChanged());
      update(c, "delete from " + HISTORY + " where sync_name = ? and execution_id not in (select execution_id from "
          + HISTORY + " where sync_name = ? order by finished_at desc, execution_id desc limit ?)", sync, sync, historySize);
      update(c, "delete from " + REQUESTS + " where sync_name = ? and execution_id is not null and execution_id not in"
          + " (select execution_id from " + HISTORY + " where sync_name = ?)", sync, sync);
      // The run is over though its execution is not yet rescheduled: a trigger from now on asks for a new run.
      update(c, "update " + CONTROL + " set execution_id = null where sync_name = ?", sync);
      if (r.status() == SyncReport.Status.SUCCEEDED && claim.candidate != null) {
        update(c, "update " + CONTROL + " set watermark = ? where sync_name = ?", claim.candidate, sync);
      }
      if (r.status() == SyncReport.Status.SUCCEEDED || r.status() == SyncReport.Status.PARTIAL) {
        update(c, "update " + CONTROL + " set last_success_at = ?, stale_alerted = false where sync_name = ?",
            run.finishedAt(), sync);
      }
      return null;
    });
  }

  /** The last {@code limit} runs of a sync, newest first. */
  List<RunRecord> history(String syncName, int limit) {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("select * from " + HISTORY
          + " where sync_name = ? order by finished_at desc, execution_id desc limit ?")) {
        ps.setString(1, syncName);
        ps.setInt(2, limit);
        return readRuns(ps);
      }
    });
  }

  Optional<RunRecord> runByExecution(String executionId) {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("select * from " + HISTORY + " where execution_id = ?")) {
        ps.setString(1, executionId);
        List<RunRecord> runs = readRuns(ps);
        return runs.isEmpty() ? Optional.<RunRecord>empty() : Optional.of(runs.get(0));
      }
    });
  }

  Optional<RunRecord> runByRequest(String requestId) {
    return inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("select h.* from " + HISTORY + " h join " + REQUESTS
          + " r on r.execution_id = h.execution_id where r.request_id = ?")) {
        ps.setString(1, requestId);
        List<RunRecord> runs = readRuns(ps);
        return runs.isEmpty() ? Optional.<RunRecord>empty() : Optional.of(runs.get(0));
      }
    });
  }

  private static List<RunRecord> readRuns(PreparedStatement ps) throws SQLException {
    List<RunRecord> runs = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        SyncReport report = SyncReport.builder(rs.getString("sync_name"), rs.getString("run_id"),
                SyncMode.valueOf(rs.getString("mode")))
            .status(SyncReport.Status.valueOf(rs.getString("status")), rs.getString("failure"))
            .timing(instant(rs, "started_at"), Duration.ofMillis(rs.getLong("duration_ms")))
            .readCounts(rs.getLong("read_count"), rs.getLong("mapped_count"), rs.getLong("rejected_count"))
            .changeCounts(rs.getLong("added_count"), rs.getLong("updated_count"), rs.getLong("deleted_count"),
                rs.getLong("unchanged_count"), rs.getLong("skipped_count"))
            .deliveryCounts(rs.getLong("delivered_count"), rs.getLong("failed_count"))
            .outcomeCounts(rs.getLong("not_found_count"), rs.getLong("already_existed_count"))
            .fingerprintChanged(rs.getBoolean("fingerprint_changed"))
            .build();
        runs.add(new RunRecord(rs.getString("execution_id"), rs.getString("trigger_source"),
            rs.getString("instance_name"), instant(rs, "finished_at"), report));
      }
    }
    return runs;
  }

  private static OffsetDateTime odt(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
