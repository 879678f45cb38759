package dev.sluice.state;

import dev.sluice.diff.KeyOrder;
import dev.sluice.internal.Jooq;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Name;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.jooq.tools.jdbc.JDBCUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} in database tables, through jOOQ: pick it when several service instances
 * share the state, or the local disk is not kept. Tested on PostgreSQL, H2 and DuckDB.
 *
 * <p>Three tables, by default prefixed {@code sluice_} (PostgreSQL spelling; {@link
 * Builder#createTables(boolean)} creates them, in the database's own dialect, when absent):
 *
 * <pre>
 * create table sluice_sync (
 *   sync_name    varchar(200) primary key,
 *   fingerprint  varchar(64),          -- recorded at each commit
 *   lock_owner   varchar(64),          -- the run that holds the sync, or null
 *   locked_at    timestamp,            -- renewed at each checkpoint
 *   committed_at timestamp);
 * create table sluice_state (
 *   sync_name    varchar(200)  not null,
 *   record_key   varchar(2000) not null,
 *   hash         bigint        not null,
 *   primary key (sync_name, record_key));
 * create table sluice_state_pending (  -- the journal: confirmed, not yet committed
 *   sync_name    varchar(200)  not null,
 *   record_key   varchar(2000) not null,
 *   hash         bigint,
 *   deleted      boolean       not null,
 *   primary key (sync_name, record_key));
 * </pre>
 *
 * <p>Each checkpoint writes the batch's confirmations to the pending table in one transaction; the
 * commit moves them into the state table and records the fingerprint in one transaction. A run
 * that dies leaves its confirmations pending, and the next open of that sync folds them in. One run
 * per sync: {@code open} takes a lease on the sync's row and refuses while another run holds it;
 * a lease older than {@link Builder#leaseTimeout(Duration)} counts as abandoned by a dead process.
 * The lease is renewed while the run lives (every third of the timeout, on a connection of its
 * own) and fenced: every checkpoint and the commit first renew it in their own transaction, and a
 * run whose lease another instance took writes nothing more and fails with a
 * {@link StateStoreException} that says so. Keys are those {@link dev.sluice.ValueLimits#keyProblem}
 * accepts (at most 2,000 bytes, no NUL, valid Unicode); others are refused at {@code put}. The state is read in key order
 * ({@code COLLATE "C"} on PostgreSQL); a database that sorts otherwise is detected and refused.
 */
public final class JdbcStateStore implements StateStore {

  private static final Logger log = LoggerFactory.getLogger(JdbcStateStore.class);

  /** How long a run's lease on a sync lasts without a checkpoint, unless configured. */
  public static final Duration DEFAULT_LEASE = Duration.ofHours(1);

  private final DataSource dataSource;
  private final SQLDialect dialect;
  private final Duration lease;
  private final Clock clock;
  private final int fetchSize;
  private final Table<?> syncs;
  private final Table<?> states;
  private final Table<?> pendings;
  private volatile boolean tablesChecked;
  private final boolean createTables;

  private static final Field<String> SYNC = DSL.field(DSL.name("sync_name"), SQLDataType.VARCHAR(200));
  private static final Field<String> KEY = DSL.field(DSL.name("record_key"), SQLDataType.VARCHAR(2000));
  private static final Field<Long> HASH = DSL.field(DSL.name("hash"), SQLDataType.BIGINT);
  private static final Field<Boolean> DELETED = DSL.field(DSL.name("deleted"), SQLDataType.BOOLEAN);
  private static final Field<String> FINGERPRINT = DSL.field(DSL.name("fingerprint"), SQLDataType.VARCHAR(64));
  private static final Field<String> OWNER = DSL.field(DSL.name("lock_owner"), SQLDataType.VARCHAR(64));
  private static final Field<Timestamp> LOCKED_AT = DSL.field(DSL.name("locked_at"), SQLDataType.TIMESTAMP);
  private static final Field<Timestamp> COMMITTED_AT = DSL.field(DSL.name("committed_at"), SQLDataType.TIMESTAMP);

  private JdbcStateStore(Builder b) {
    this.dataSource = b.dataSource;
    this.dialect = b.dialect;
    this.lease = b.lease;
    this.clock = b.clock;
    this.fetchSize = b.fetchSize;
    this.createTables = b.createTables;
    this.syncs = DSL.table(name(b, "sync"));
    this.states = DSL.table(name(b, "state"));
    this.pendings = DSL.table(name(b, "state_pending"));
  }

  private static Name name(Builder b, String table) {
    return b.schema == null ? DSL.name(b.prefix + table) : DSL.name(b.schema, b.prefix + table);
  }

  /**
   * Configures a store over {@code dataSource}.
   *
   * @param dataSource where connections come from
   * @return a builder to configure it with
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  @Override
  public SyncState open(String syncName) {
    Objects.requireNonNull(syncName, "syncName");
    Connection connection;
    try {
      connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw new StateStoreException("cannot connect to the state database: " + e.getMessage(), e);
    }
    String owner = UUID.randomUUID().toString();
    try {
      connection.setAutoCommit(false);
      DSLContext ctx = Jooq.using(connection, dialect(connection));
      ensureTables(ctx);
      lock(ctx, syncName, owner);
      try {
        foldPending(ctx, syncName);
        String fingerprint = ctx.select(FINGERPRINT).from(syncs).where(SYNC.eq(syncName)).fetchOne(FINGERPRINT);
        Long count = ctx.selectCount().from(states).where(SYNC.eq(syncName)).fetchOne(0, Long.class);
        connection.commit();
        return new Session(connection, ctx, syncName, owner, fingerprint, count == null ? 0 : count);
      } catch (RuntimeException | SQLException e) {
        unlock(ctx, syncName, owner);
        throw e;
      }
    } catch (SQLException | org.jooq.exception.DataAccessException e) {
      closeQuietly(connection);
      throw new StateStoreException("cannot open the state of sync '" + syncName + "': " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private SQLDialect dialect(Connection connection) {
    return dialect != null ? dialect : JDBCUtils.dialect(connection);
  }

  private synchronized void ensureTables(DSLContext ctx) throws SQLException {
    if (tablesChecked) {
      return;
    }
    if (createTables) {
      Connection connection = ctx.configuration().connectionProvider().acquire();
      for (int attempt = 1; ; attempt++) {
        try {
          createTables(ctx);
          connection.commit();
          break;
        } catch (org.jooq.exception.DataAccessException e) {
          // Another instance creating the same tables at this moment (PostgreSQL then refuses the
          // second "create if not exists" with a unique violation): the next attempt finds them.
          connection.rollback();
          if (attempt == 3) {
            throw e;
          }
        }
      }
    }
    tablesChecked = true;
  }

  private void createTables(DSLContext ctx) {
    ctx.createTableIfNotExists(syncs)
        .column(SYNC.getName(), SQLDataType.VARCHAR(200).nullable(false))
        .column(FINGERPRINT.getName(), SQLDataType.VARCHAR(64))
        .column(OWNER.getName(), SQLDataType.VARCHAR(64))
        .column(LOCKED_AT.getName(), SQLDataType.TIMESTAMP)
        .column(COMMITTED_AT.getName(), SQLDataType.TIMESTAMP)
        .constraints(DSL.primaryKey(SYNC.getName()))
        .execute();
    ctx.createTableIfNotExists(states)
        .column(SYNC.getName(), SQLDataType.VARCHAR(200).nullable(false))
        .column(KEY.getName(), SQLDataType.VARCHAR(2000).nullable(false))
        .column(HASH.getName(), SQLDataType.BIGINT.nullable(false))
        .constraints(DSL.primaryKey(SYNC.getName(), KEY.getName()))
        .execute();
    ctx.createTableIfNotExists(pendings)
        .column(SYNC.getName(), SQLDataType.VARCHAR(200).nullable(false))
        .column(KEY.getName(), SQLDataType.VARCHAR(2000).nullable(false))
        .column(HASH.getName(), SQLDataType.BIGINT)
        .column(DELETED.getName(), SQLDataType.BOOLEAN.nullable(false))
        .constraints(DSL.primaryKey(SYNC.getName(), KEY.getName()))
        .execute();
  }

  private void lock(DSLContext ctx, String syncName, String owner) throws SQLException {
    Connection connection = ctx.configuration().connectionProvider().acquire();
    if (ctx.fetchExists(ctx.selectOne().from(syncs).where(SYNC.eq(syncName)))) {
      connection.commit();
    } else {
      try {
        ctx.insertInto(syncs).columns(SYNC).values(syncName).execute();
        connection.commit();
      } catch (org.jooq.exception.DataAccessException e) {
        connection.rollback(); // another instance created the row first
      }
    }
    Timestamp now = Timestamp.from(clock.instant());
    Timestamp expired = Timestamp.from(clock.instant().minus(lease));
    int taken = ctx.update(syncs).set(OWNER, owner).set(LOCKED_AT, now)
        .where(SYNC.eq(syncName)).and(OWNER.isNull().or(LOCKED_AT.lt(expired)))
        .execute();
    connection.commit();
    if (taken != 1) {
      var holder = ctx.select(OWNER, LOCKED_AT).from(syncs).where(SYNC.eq(syncName)).fetchOne();
      connection.commit();
      throw new StateStoreException("sync '" + syncName + "' is already running against this state database"
          + (holder == null ? "" : " (run " + holder.value1() + " holds it since " + holder.value2() + ")")
          + "; one run of a sync at a time. A lease older than " + lease + " is taken over as abandoned");
    }
  }

  private void unlock(DSLContext ctx, String syncName, String owner) {
    try {
      Connection connection = ctx.configuration().connectionProvider().acquire();
      connection.rollback();
      ctx.update(syncs).setNull(OWNER).setNull(LOCKED_AT).where(SYNC.eq(syncName)).and(OWNER.eq(owner)).execute();
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      log.warn("releasing the lease of sync '{}' failed; it expires after {}: {}", syncName, lease, e.getMessage());
    }
  }

  /** Moves pending confirmations into the state (in the caller's transaction). */
  private void foldPending(DSLContext ctx, String syncName) {
    if (!ctx.fetchExists(ctx.selectOne().from(pendings).where(SYNC.eq(syncName)))) {
      return;
    }
    int folded = ctx.deleteFrom(states).where(SYNC.eq(syncName))
        .and(KEY.in(ctx.select(KEY).from(pendings).where(SYNC.eq(syncName)))).execute();
    ctx.insertInto(states, SYNC, KEY, HASH)
        .select(ctx.select(SYNC, KEY, HASH).from(pendings).where(SYNC.eq(syncName)).and(DELETED.isFalse()))
        .execute();
    ctx.deleteFrom(pendings).where(SYNC.eq(syncName)).execute();
    log.debug("sync '{}': folded pending confirmations ({} replaced)", syncName, folded);
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("closing a state connection failed: {}", e.getMessage());
    }
  }

  /** One run's session. */
  private final class Session implements SyncState {
    private final Connection connection;
    private final DSLContext ctx;
    private final String syncName;
    private final String owner;
    private final String fingerprint;
    private final long size;
    private final List<String> keys = new ArrayList<>();
    private final List<Long> hashes = new ArrayList<>(); // null = delete
    private final List<Cursor> cursors = new ArrayList<>();
    private boolean committed;
    private boolean closed;
    // Set when the lease was found taken by another run: nothing more may be written.
    private volatile boolean lost;
    private final java.util.concurrent.ScheduledExecutorService renewer;

    Session(Connection connection, DSLContext ctx, String syncName, String owner, String fingerprint, long size) {
      this.connection = connection;
      this.ctx = ctx;
      this.syncName = syncName;
      this.owner = owner;
      this.fingerprint = fingerprint;
      this.size = size;
      this.renewer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-lease-" + syncName);
        t.setDaemon(true);
        return t;
      });
      long period = Math.max(10, lease.toMillis() / 3);
      renewer.scheduleWithFixedDelay(this::renew, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Renews the lease while the run lives, on a connection of its own; notes a lease lost. */
    private void renew() {
      synchronized (this) {
        if (closed || lost) {
          return;
        }
        try (Connection c = dataSource.getConnection()) {
          c.setAutoCommit(true);
          int renewed = DSL.using(c, dialect(c)).update(syncs).set(LOCKED_AT, Timestamp.from(clock.instant()))
              .where(SYNC.eq(syncName)).and(OWNER.eq(owner)).execute();
          if (renewed != 1) {
            lost = true;
            log.warn("sync '{}' lost its lease on the state to another run; this run writes no more state", syncName);
          }
        } catch (SQLException | RuntimeException e) {
          log.debug("renewing the lease of sync '{}' failed, tried again later: {}", syncName, e.getMessage());
        }
      }
    }

    /**
     * Renews the lease in the current transaction, which then holds the sync's row until it
     * commits: a run whose lease another run took writes nothing (the fence).
     */
    private void fence() {
      if (!lost) {
        int held = ctx.update(syncs).set(LOCKED_AT, Timestamp.from(clock.instant()))
            .where(SYNC.eq(syncName)).and(OWNER.eq(owner)).execute();
        lost = held != 1;
      }
      if (lost) {
        rollbackQuietly();
        throw new StateStoreException("sync '" + syncName + "' lost its lease on the state: another run took it"
            + " over (a lease lasts " + lease + " without renewal); this run stops and records nothing more,"
            + " and what it delivered since its last checkpoint is sent again by the next run");
      }
    }

    @Override
    public String fingerprint() {
      return fingerprint;
    }

    @Override
    public StateCursor cursor() {
      Cursor cursor = new Cursor(syncName);
      cursors.add(cursor);
      return cursor;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void put(String key, long hash) {
      checkWritable();
      StateKeys.check(syncName, key);
      keys.add(key);
      hashes.add(hash);
    }

    @Override
    public void remove(String key) {
      checkWritable();
      StateKeys.check(syncName, key);
      keys.add(key);
      hashes.add(null);
    }

    @Override
    public synchronized void checkpoint() {
      checkWritable();
      if (lost) {
        fence();
      }
      if (keys.isEmpty()) {
        return;
      }
      try {
        fence();
        for (int from = 0; from < keys.size(); from += 500) {
          List<String> chunk = keys.subList(from, Math.min(keys.size(), from + 500));
          ctx.deleteFrom(pendings).where(SYNC.eq(syncName)).and(KEY.in(chunk)).execute();
        }
        var insert = ctx.batch(ctx.insertInto(pendings, SYNC, KEY, HASH, DELETED).values((String) null, null, null, null));
        for (int i = 0; i < keys.size(); i++) {
          Long hash = hashes.get(i);
          insert.bind(syncName, keys.get(i), hash, hash == null);
        }
        insert.execute();
        connection.commit();
        keys.clear();
        hashes.clear();
      } catch (SQLException | org.jooq.exception.DataAccessException e) {
        rollbackQuietly();
        throw new StateStoreException("cannot record confirmed changes of sync '" + syncName + "': " + e.getMessage(), e);
      }
    }

    @Override
    public synchronized void commit(String newFingerprint) {
      checkpoint();
      committed = true;
      try {
        fence();
        foldPending(ctx, syncName);
        ctx.update(syncs).set(FINGERPRINT, newFingerprint).set(COMMITTED_AT, Timestamp.from(clock.instant()))
            .where(SYNC.eq(syncName)).execute();
        connection.commit();
      } catch (SQLException | org.jooq.exception.DataAccessException e) {
        rollbackQuietly();
        throw new StateStoreException("cannot commit the state of sync '" + syncName + "': " + e.getMessage()
            + "; the confirmed changes stay pending and are folded in on the next run", e);
      }
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      renewer.shutdownNow();
      for (Cursor cursor : cursors) {
        cursor.close();
      }
      unlock(ctx, syncName, owner);
      closeQuietly(connection);
    }

    private void rollbackQuietly() {
      try {
        connection.rollback();
      } catch (SQLException e) {
        log.debug("rollback failed: {}", e.getMessage());
      }
    }

    private void checkWritable() {
      if (closed || committed) {
        throw new IllegalStateException("the state session of sync '" + syncName + "' is "
            + (closed ? "closed" : "already committed"));
      }
    }
  }

  /** Streams the committed state of one sync in key order, on a connection of its own. */
  private final class Cursor extends JdbcStateCursor {
    private final String syncName;

    Cursor(String syncName) {
      super(syncName, "the state database");
      this.syncName = syncName;
    }

    @Override
    protected Connection connect() throws SQLException {
      return dataSource.getConnection();
    }

    @Override
    protected PreparedStatement prepare(Connection connection) throws SQLException {
      DSLContext ctx = Jooq.using(connection, dialect(connection));
      String order = KeyOrder.sqlOrderTerm(ctx.dialect(), ctx.render(KEY));
      String sql = "select " + ctx.render(KEY) + ", " + ctx.render(HASH) + " from " + ctx.render(states)
          + " where " + ctx.render(SYNC) + " = ? order by " + order;
      PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
          ResultSet.CONCUR_READ_ONLY);
      statement.setFetchSize(fetchSize);
      statement.setString(1, syncName);
      return statement;
    }
  }

  /** Configures a {@link JdbcStateStore}. */
  public static final class Builder {
    private final DataSource dataSource;
    private SQLDialect dialect;
    private String schema;
    private String prefix = "sluice_";
    private boolean createTables;
    private Duration lease = DEFAULT_LEASE;
    private Clock clock = Clock.systemUTC();
    private int fetchSize = 10_000;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The SQL dialect; by default detected from the connection.
     *
     * @param dialect the SQL dialect
     * @return this builder
     */
    public Builder dialect(SQLDialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * The schema of the tables; default the connection's.
     *
     * @param schema the schema name
     * @return this builder
     */
    public Builder schema(String schema) {
      this.schema = Objects.requireNonNull(schema, "schema");
      return this;
    }

    /**
     * The prefix of the three table names; default {@code sluice_}.
     *
     * @param prefix the prefix
     * @return this builder
     */
    public Builder tablePrefix(String prefix) {
      Objects.requireNonNull(prefix, "prefix");
      if (!prefix.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("tablePrefix must be letters, digits and underscores, was '" + prefix + "'");
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * Whether to create the tables when absent (default false: create them with your migrations).
     *
     * @param create whether to create them
     * @return this builder
     */
    public Builder createTables(boolean create) {
      this.createTables = create;
      return this;
    }

    /**
     * How long a run's lease lasts without a checkpoint; default {@link #DEFAULT_LEASE}.
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
     * The clock for lease times; default the system clock.
     *
     * @param clock the clock to read the time from
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Rows per round trip when reading the state; default 10,000.
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
     * Builds the store.
     *
     * @return the store
     */
    public JdbcStateStore build() {
      return new JdbcStateStore(this);
    }
  }

  @Override
  public String toString() {
    return "JdbcStateStore{" + states + '}';
  }
}
