package dev.sluice.warehouse;

import dev.sluice.diff.Differ;
import dev.sluice.state.StateStore;
import dev.sluice.state.StateStoreException;
import dev.sluice.state.SyncState;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The warehouse as the engine: keeps the state of syncs in tables of the warehouse and, with
 * {@link #differ()}, computes each run's changes there in SQL, so that only added, changed,
 * previously failed and (in MIRROR) removed rows leave it.
 *
 * <pre>{@code
 * Warehouse warehouse = Warehouse.builder(dataSource).schema("sluice").createTables(true).build();
 * Sync sync = Sync.from(warehouse.query("select * from mart.customers").key("id").copy("email", "plan").build())
 *     .to(destination)
 *     .named("customers-to-crm")
 *     .mode(SyncMode.MIRROR)
 *     .state(warehouse)
 *     .differ(warehouse.differ())
 *     .build();
 * }</pre>
 *
 * <p><b>Tables</b>, in the schema {@link Builder#schema(String)} names ({@value #DEFAULT_SCHEMA}
 * by default), created by {@link Builder#createTables(boolean)} or by you from {@link #ddl()}:
 *
 * <pre>
 * create schema if not exists sluice;
 * create table if not exists sluice.sluice_sync (     -- one row per sync
 *   sync_name varchar(200) not null,
 *   sync_id bigint not null,                          -- names the sync in the two tables below
 *   fingerprint varchar(64),
 *   lock_owner varchar(64), locked_at timestamp,      -- the lease: one run at a time
 *   committed_at timestamp,
 *   hash_function varchar(100),                       -- what hashed the state's rows
 *   primary key (sync_name));
 * create table if not exists sluice.sluice_state (    -- what the destination confirmed
 *   sync_id bigint not null, record_key varchar(2000) not null,
 *   hash bigint not null,                             -- ubigint on DuckDB, int64 on BigQuery
 *   primary key (sync_id, record_key));               -- not on DuckDB (see below)
 * create table if not exists sluice.sluice_state_staged ( -- confirmed, not yet merged
 *   sync_id bigint not null, record_key varchar(2000) not null,
 *   hash bigint, deleted boolean not null,
 *   primary key (sync_id, record_key));               -- not on DuckDB
 * </pre>
 *
 * <p>The state and staging tables name a sync by its {@code sync_id}, the first 64 bits of the
 * SHA-256 of its name's UTF-8 (as a signed integer), not by the name: reading one sync's rows
 * then compares integers, and DuckDB's per-row-group min/max skip the rows of every other sync
 * whatever the names (for text it compares only their first bytes). Join {@code sluice_sync} on
 * {@code sync_id} to see a state by name. Two names whose ids agree are refused when a run opens.
 *
 * <p>On DuckDB the two tables have no primary key: its index makes appending, merging and
 * deleting millions of rows many times slower, and the engine keeps their keys unique itself.
 *
 * <p><b>Permissions</b>: create (or own) the schema and its tables, read and write them; select on
 * the tables the sync's queries read. Nothing else in the warehouse is written.
 *
 * <p><b>Commit rule.</b> The destination's confirmations are staged (DuckDB's appender, multi-row
 * inserts elsewhere) every {@link Builder#stageEvery} rows or interval, in one transaction with the
 * lease renewal; the commit merges them into the state
 * ({@code MERGE}, or {@code INSERT ... ON CONFLICT} and a delete on PostgreSQL before 15) and records
 * the fingerprint in one transaction. A run that dies leaves its confirmations staged, and the next
 * open folds them in first: nothing the destination did not confirm is ever recorded, what it
 * confirmed up to the last staging is kept (a crash sends the few confirmed since once more), and
 * a record that failed keeps its old hash, so the next run's diff selects it again.
 *
 * <p><b>One run at a time</b>: {@code open} takes a lease on the sync's row, renewed at each
 * staging; a lease older than {@link Builder#leaseTimeout(Duration)} counts as abandoned.
 *
 * <p>Also a plain {@link StateStore}: with the default differ it works like
 * {@link dev.sluice.state.JdbcStateStore}. Tested on DuckDB and PostgreSQL 17 (both PostgreSQL paths); thread-safe.
 */
public final class Warehouse implements StateStore {

  /** The schema of the engine's tables unless configured. */
  public static final String DEFAULT_SCHEMA = "sluice";
  /** How long a run's lease lasts without being renewed (each staging renews it), unless configured. */
  public static final Duration DEFAULT_LEASE = Duration.ofHours(1);
  /** Confirmations held in memory before they are staged, unless configured. */
  public static final int DEFAULT_STAGE_ROWS = 50_000;
  /** The longest time confirmations are held in memory before they are staged, unless configured. */
  public static final Duration DEFAULT_STAGE_INTERVAL = Duration.ofSeconds(5);

  final DataSource dataSource;
  final String schema;
  final Duration lease;
  final Clock clock;
  final int fetchSize;
  final int stageRows;
  final Duration stageInterval;
  private final WarehouseDialect configuredDialect;
  private final boolean createTables;
  private volatile WarehouseSql sql;
  private volatile boolean tablesCreated;
  private final Differ differ = new WarehouseDiffer(this);

  private Warehouse(Builder b) {
    this.dataSource = b.dataSource;
    this.schema = b.schema;
    this.lease = b.lease;
    this.clock = b.clock;
    this.fetchSize = b.fetchSize;
    this.stageRows = b.stageRows;
    this.stageInterval = b.stageInterval;
    this.configuredDialect = b.dialect;
    this.createTables = b.createTables;
  }

  /**
   * Configures a warehouse engine over {@code dataSource}.
   *
   * @param dataSource where connections come from
   * @return a builder to configure it with
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  /**
   * A query of this warehouse, as a sync's source (see {@link WarehouseQuery}).
   *
   * @param sql the SQL, with {@code ?} where bind values go
   * @param binds the bind values, in order
   * @return a builder for the query, to name its key and fields
   */
  public WarehouseQuery.Builder query(String sql, Object... binds) {
    return WarehouseQuery.of(dataSource, configuredDialect, sql, binds);
  }

  /**
   * {@return the differ that computes the changes in the warehouse} Give it to a sync together with this
   * warehouse as its state ({@code .state(warehouse).differ(warehouse.differ())}) and a
   * {@link WarehouseQuery} of the same database as its source.
   */
  public Differ differ() {
    return differ;
  }

  /** {@return the statements that create the schema and tables, for your migrations} */
  public List<String> ddl() {
    return sql().ddl();
  }

  @Override
  public SyncState open(String syncName) {
    Objects.requireNonNull(syncName, "syncName");
    if (createTables && !tablesCreated) {
      createTables();
    }
    return WarehouseSession.open(this, syncName);
  }

  /** The statements of this warehouse's dialect and schema. */
  WarehouseSql sql() {
    WarehouseSql s = sql;
    if (s == null) {
      WarehouseDialect dialect = configuredDialect;
      if (dialect == null) {
        try (Connection connection = dataSource.getConnection()) {
          dialect = WarehouseDialect.of(connection);
        } catch (SQLException e) {
          throw new StateStoreException("cannot connect to the warehouse: " + e.getMessage(), e);
        }
      }
      s = new WarehouseSql(dialect, schema);
      sql = s;
    }
    return s;
  }

  /**
   * Whether a failed {@code create ... if not exists} looks like another session creating the same
   * object at that moment: PostgreSQL then answers with a unique violation (23505), or "already
   * exists" for the schema (42P06), the table (42P07) or its row type (42710).
   */
  private static boolean raced(SQLException e) {
    String state = e.getSQLState();
    return "23505".equals(state) || "42P06".equals(state) || "42P07".equals(state) || "42710".equals(state);
  }

  /**
   * Runs {@code ddl} (statements that create only what is absent) on {@code connection} and
   * commits; tried up to three times when another session creates the same objects at that moment
   * ({@link #raced}), since the next attempt then finds them.
   */
  static void createIfAbsent(Connection connection, List<String> ddl) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (Statement statement = connection.createStatement()) {
        for (String each : ddl) {
          statement.execute(each);
        }
        if (!connection.getAutoCommit()) {
          connection.commit();
        }
        return;
      } catch (SQLException e) {
        if (!connection.getAutoCommit()) {
          connection.rollback();
        }
        if (attempt == 3 || !raced(e)) {
          throw e;
        }
      }
    }
  }

  private synchronized void createTables() {
    if (tablesCreated) {
      return;
    }
    try (Connection connection = dataSource.getConnection()) {
      createIfAbsent(connection, sql().ddl());
    } catch (SQLException e) {
      throw new StateStoreException("cannot create the warehouse engine's tables in schema '" + schema + "': "
          + e.getMessage() + "; it needs permission to create a schema and tables, or create them from ddl()", e);
    }
    tablesCreated = true;
  }

  @Override
  public String toString() {
    return "Warehouse{schema=" + schema + '}';
  }

  /** Configures a {@link Warehouse}. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String schema = DEFAULT_SCHEMA;
    private WarehouseDialect dialect;
    private boolean createTables;
    private Duration lease = DEFAULT_LEASE;
    private Clock clock = Clock.systemUTC();
    private int fetchSize = 10_000;
    private int stageRows = DEFAULT_STAGE_ROWS;
    private Duration stageInterval = DEFAULT_STAGE_INTERVAL;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The schema of the engine's tables; default {@value Warehouse#DEFAULT_SCHEMA}.
     *
     * @param schema the schema name
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
     * The warehouse's dialect; by default detected from the connection (DuckDB or PostgreSQL).
     *
     * @param dialect the SQL dialect
     * @return this builder
     */
    public Builder dialect(WarehouseDialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
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
     * How long a run's lease lasts without being renewed (each staging renews it); default
     * {@link Warehouse#DEFAULT_LEASE}.
     *
     * @param lease how long a lease lasts
     * @return this builder
     */
    public Builder leaseTimeout(Duration lease) {
      Objects.requireNonNull(lease, "lease");
      if (lease.isNegative() || lease.isZero()) {
        throw new IllegalArgumentException("leaseTimeout must be positive, was " + lease);
      }
      this.lease = lease;
      return this;
    }

    /**
     * The clock for lease and commit times; default the system clock.
     *
     * @param clock the clock to read the time from
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Rows per round trip when reading the state or the deletes; default 10,000.
     *
     * @param rows rows per round trip, at least 1
     * @return this builder
     */
    public Builder fetchSize(int rows) {
      if (rows < 1) {
        throw new IllegalArgumentException("fetchSize must be at least 1, was " + rows);
      }
      this.fetchSize = rows;
      return this;
    }

    /**
     * How often the destination's confirmations are staged in the warehouse (one transaction with
     * the lease's renewal): at the first checkpoint after {@code rows} confirmations or after
     * {@code interval}, whichever comes first, and at the end of the run; default
     * {@value Warehouse#DEFAULT_STAGE_ROWS} rows or {@link Warehouse#DEFAULT_STAGE_INTERVAL}. A
     * process that dies loses at most the confirmations not yet staged: the next run sends those
     * records once more (idempotent writes absorb it), and never records one the destination did
     * not confirm. Smaller values re-send less after a crash; larger ones cost fewer round trips.
     *
     * @param rows confirmations held in memory at most, at least 1
     * @param interval the longest time they are held, positive
     * @return this builder
     */
    public Builder stageEvery(int rows, Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (rows < 1) {
        throw new IllegalArgumentException("stageEvery rows must be at least 1, was " + rows);
      }
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("stageEvery interval must be positive, was " + interval);
      }
      this.stageRows = rows;
      this.stageInterval = interval;
      return this;
    }

    /**
     * Builds the warehouse engine; connects only when first used.
     *
     * @return the warehouse engine
     * @throws IllegalArgumentException if the staging interval is not shorter than the lease
     */
    public Warehouse build() {
      if (stageInterval.compareTo(lease) >= 0) {
        throw new IllegalArgumentException("stageEvery interval (" + stageInterval + ") must be shorter than the"
            + " leaseTimeout (" + lease + "): each staging renews the lease");
      }
      return new Warehouse(this);
    }
  }
}
