package dev.sluice.warehouse;

import dev.sluice.ValueLimits;
import dev.sluice.state.StateCursor;
import dev.sluice.state.StateStoreException;
import dev.sluice.state.SyncState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run's state of one sync in the warehouse: lease, staged confirmations, merge at commit.
 * Confirmations are held in memory from checkpoint to checkpoint and staged, with the lease's
 * renewal as the fence, once {@link Warehouse.Builder#stageEvery} says so, and at the end.
 */
final class WarehouseSession implements SyncState {

  private static final Logger log = LoggerFactory.getLogger(WarehouseSession.class);
  /** Rows per multi-row staging insert (4 binds each). */
  private static final int STAGE_ROWS = 250;

  final Warehouse warehouse;
  final WarehouseSql sql;
  final String syncName;
  /** The sync's {@link WarehouseSql#syncId}: how the state and staging tables name it. */
  final long syncId;
  private final Connection connection;
  private final String owner;
  private final String fingerprint;
  private final String storedHashFunction;
  private final long size;
  private final List<String> keys = new ArrayList<>();
  private final List<Long> hashes = new ArrayList<>(); // null: a delete
  private final List<AutoCloseable> resources = new ArrayList<>();
  /** How many of the first entries the engine checkpointed: staged on demand, or at close. */
  private int checkpointed;
  private Instant lastStaged;
  private volatile String hashFunction;
  private boolean committed;
  private boolean fenced;
  private boolean closed;

  private WarehouseSession(Warehouse warehouse, WarehouseSql sql, String syncName, long syncId, Connection connection,
      String owner, String fingerprint, String storedHashFunction, long size) {
    this.warehouse = warehouse;
    this.sql = sql;
    this.syncName = syncName;
    this.syncId = syncId;
    this.connection = connection;
    this.owner = owner;
    this.fingerprint = fingerprint;
    this.storedHashFunction = storedHashFunction;
    this.size = size;
    this.lastStaged = warehouse.clock.instant();
  }

  static WarehouseSession open(Warehouse warehouse, String syncName) {
    WarehouseSql sql = warehouse.sql();
    Connection connection;
    try {
      connection = warehouse.dataSource.getConnection();
    } catch (SQLException e) {
      throw new StateStoreException("cannot connect to the warehouse: " + e.getMessage(), e);
    }
    String owner = UUID.randomUUID().toString();
    long syncId = WarehouseSql.syncId(syncName);
    try {
      connection.setAutoCommit(false);
      lock(warehouse, sql, connection, syncName, syncId, owner);
      try {
        fold(sql, connection, syncId);
        String fingerprint;
        String hashFunction;
        try (PreparedStatement s = prepare(connection, sql.selectSync(), syncName); ResultSet rs = query(s)) {
          rs.next();
          fingerprint = rs.getString(1);
          hashFunction = rs.getString(4);
        }
        long size;
        try (PreparedStatement s = prepare(connection, sql.countState(), syncId); ResultSet rs = query(s)) {
          rs.next();
          size = rs.getLong(1);
        }
        connection.commit();
        return new WarehouseSession(warehouse, sql, syncName, syncId, connection, owner, fingerprint, hashFunction,
            size);
      } catch (SQLException | RuntimeException e) {
        unlock(sql, connection, syncName, owner, warehouse);
        throw e;
      }
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new StateStoreException("cannot open the warehouse state of sync '" + syncName + "': " + e.getMessage()
          + (e.getMessage() != null && e.getMessage().contains("sluice_") ? "; are the tables created? (createTables(true), or ddl())" : ""), e);
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private static void lock(Warehouse warehouse, WarehouseSql sql, Connection connection, String syncName, long syncId,
      String owner) throws SQLException {
    boolean exists;
    try (PreparedStatement s = prepare(connection, sql.selectSync(), syncName); ResultSet rs = query(s)) {
      exists = rs.next();
    }
    connection.commit();
    if (!exists) {
      try (PreparedStatement s = prepare(connection, sql.insertSync(), syncName, syncId)) {
        update(s);
        connection.commit();
      } catch (SQLException e) {
        connection.rollback(); // another instance created the row first
      }
    }
    try (PreparedStatement s = prepare(connection, sql.sameId(), syncId, syncName);
        ResultSet rs = query(s)) {
      if (rs.next()) {
        String other = rs.getString(1);
        connection.commit();
        throw new StateStoreException("syncs '" + syncName + "' and '" + other + "' have the same state id "
            + syncId + " (the first 64 bits of their names' SHA-256 agree); rename one of them");
      }
    }
    connection.commit();
    Timestamp now = Timestamp.from(warehouse.clock.instant());
    Timestamp expired = Timestamp.from(warehouse.clock.instant().minus(warehouse.lease));
    int taken;
    try (PreparedStatement s = prepare(connection, sql.takeLease(), owner, now, syncName, expired)) {
      taken = update(s);
    } catch (SQLException e) {
      connection.rollback(); // a concurrent taker won (a write-write conflict)
      taken = 0;
    }
    connection.commit();
    if (taken != 1) {
      String holder = "";
      try (PreparedStatement s = prepare(connection, sql.selectSync(), syncName); ResultSet rs = query(s)) {
        if (rs.next()) {
          holder = " (run " + rs.getString(2) + " holds it since " + rs.getTimestamp(3) + ")";
        }
      }
      connection.commit();
      throw new StateStoreException("sync '" + syncName + "' is already running against this warehouse" + holder
          + "; one run of a sync at a time. A lease older than " + warehouse.lease + " is taken over as abandoned");
    }
  }

  private static void unlock(WarehouseSql sql, Connection connection, String syncName, String owner, Warehouse warehouse) {
    try {
      connection.rollback();
      try (PreparedStatement s = prepare(connection, sql.releaseLease(), syncName, owner)) {
        update(s);
      }
      connection.commit();
    } catch (SQLException e) {
      log.warn("releasing the lease of sync '{}' failed; it expires after {}: {}", syncName, warehouse.lease, e.getMessage());
    }
  }

  /** Merges staged confirmations into the state, in the caller's transaction. */
  private static void fold(WarehouseSql sql, Connection connection, long syncId) throws SQLException {
    long staged;
    try (PreparedStatement s = prepare(connection, sql.anyStaged(), syncId); ResultSet rs = query(s)) {
      rs.next();
      staged = rs.getLong(1);
    }
    if (staged == 0) {
      return;
    }
    List<String> merge = sql.merge();
    for (String statement : merge) {
      int binds = (int) statement.chars().filter(c -> c == '?').count();
      Object[] values = new Object[binds];
      java.util.Arrays.fill(values, syncId);
      try (PreparedStatement s = prepare(connection, statement, values)) {
        update(s);
      }
    }
    try (PreparedStatement s = prepare(connection, sql.clearStaged(), syncId)) {
      update(s);
    }
    log.debug("sync id {}: merged {} staged confirmations into the state", syncId, staged);
  }

  static PreparedStatement prepare(Connection connection, String statement, Object... binds) throws SQLException {
    PreparedStatement s = connection.prepareStatement(statement);
    try {
      for (int i = 0; i < binds.length; i++) {
        s.setObject(i + 1, binds[i]);
      }
      return s;
    } catch (SQLException e) {
      s.close();
      throw e;
    }
  }

  /**
   * Runs a query of the engine, cancelled if the run it works for stops while it executes: a lock
   * another session holds on the engine's tables cannot hold the run past its deadline or a cancel.
   * Only while it executes, so a stopped run still commits what the destination confirmed.
   */
  static ResultSet query(PreparedStatement s) throws SQLException {
    return cancellable(s, s::executeQuery);
  }

  /** Runs an update of the engine, cancelled as {@link #query} says. */
  static int update(PreparedStatement s) throws SQLException {
    return cancellable(s, s::executeUpdate);
  }

  /** One execution of a statement. */
  private interface Execution<T> {
    T run() throws SQLException;
  }

  private static <T> T cancellable(PreparedStatement s, Execution<T> execution) throws SQLException {
    dev.sluice.delivery.RequestCounter.Registration stop =
        dev.sluice.delivery.RequestCounter.whenStopping(() -> dev.sluice.internal.Jooq.cancel(s));
    try {
      return execution.run();
    } finally {
      stop.close();
    }
  }

  /** {@return the 64 bits of a hash the warehouse returned (a signed or an unsigned 64-bit number)} */
  static long hashBits(Object value) {
    if (value instanceof java.math.BigDecimal) {
      return ((java.math.BigDecimal) value).toBigInteger().longValue();
    }
    if (value instanceof java.math.BigInteger) {
      return ((java.math.BigInteger) value).longValue();
    }
    return ((Number) value).longValue();
  }

  /** {@return the function that hashed the state's rows, as the last commit recorded it; null if none did} */
  String storedHashFunction() {
    return storedHashFunction;
  }

  /** The warehouse differ hashes this run's rows with {@code function}; the commit records it. */
  void hashFunction(String function) {
    this.hashFunction = function;
  }

  /** Closes {@code resource} with the session (the differ's open result sets). */
  void closeWithSession(AutoCloseable resource) {
    resources.add(resource);
  }

  @Override
  public String fingerprint() {
    return fingerprint;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public StateCursor cursor() {
    Cursor cursor = new Cursor();
    resources.add(cursor);
    return cursor;
  }

  @Override
  public void put(String key, long hash) {
    checkWritable();
    dev.sluice.state.StateKeys.check(syncName, key);
    keys.add(key);
    hashes.add(hash);
  }

  @Override
  public void remove(String key) {
    checkWritable();
    dev.sluice.state.StateKeys.check(syncName, key);
    keys.add(key);
    hashes.add(null);
  }

  /**
   * Marks the confirmations so far as checkpointed, and stages them once there are
   * {@code stageEvery}'s rows or its interval has passed since the last staging.
   */
  @Override
  public void checkpoint() {
    checkWritable();
    checkpointed = keys.size();
    if (checkpointed > 0 && (checkpointed >= warehouse.stageRows
        || !warehouse.clock.instant().isBefore(lastStaged.plus(warehouse.stageInterval)))) {
      stage(checkpointed);
    }
  }

  /** Stages the first {@code count} confirmations in one transaction, fenced by the lease's renewal. */
  private void stage(int count) {
    try {
      // The fence first: DuckDB's appender writes outside the transaction's rollback.
      fence();
      if (sql.dialect == WarehouseDialect.DUCKDB && connection.isWrapperFor(org.duckdb.DuckDBConnection.class)) {
        DuckDbStaging.stage(connection, sql.schema, syncId, keys, hashes, count);
      } else {
        stageByInserts(count);
      }
      connection.commit();
      keys.subList(0, count).clear();
      hashes.subList(0, count).clear();
      checkpointed -= count;
      lastStaged = warehouse.clock.instant();
    } catch (SQLException e) {
      rollbackQuietly();
      throw new StateStoreException("cannot stage the confirmed changes of sync '" + syncName + "' in the warehouse: "
          + e.getMessage(), e);
    }
  }

  /** Multi-row inserts, {@value #STAGE_ROWS} rows each, of the first {@code count} confirmations. */
  private void stageByInserts(int count) throws SQLException {
    PreparedStatement full = null;
    try {
      for (int from = 0; from < count; from += STAGE_ROWS) {
        int rows = Math.min(STAGE_ROWS, count - from);
        PreparedStatement s;
        if (rows == STAGE_ROWS) {
          full = full != null ? full : connection.prepareStatement(sql.stage(STAGE_ROWS));
          s = full;
        } else {
          s = connection.prepareStatement(sql.stage(rows));
        }
        try {
          int bind = 1;
          for (int i = from; i < from + rows; i++) {
            Long hash = hashes.get(i);
            s.setLong(bind++, syncId);
            s.setString(bind++, keys.get(i));
            s.setObject(bind++, hash == null ? null : sql.hashBind(hash));
            s.setBoolean(bind++, hash == null);
          }
          update(s);
        } finally {
          if (s != full) {
            s.close();
          }
        }
      }
    } finally {
      if (full != null) {
        full.close();
      }
    }
  }

  /**
   * Renews the lease in the current transaction, which then holds the sync's row until it commits:
   * a run whose lease another run took over (it expired) writes nothing more.
   */
  private void fence() throws SQLException {
    int renewed;
    try (PreparedStatement s = prepare(connection, sql.renewLease(), Timestamp.from(warehouse.clock.instant()),
        syncName, owner)) {
      renewed = update(s);
    }
    if (renewed != 1) {
      connection.rollback();
      fenced = true;
      throw new StateStoreException("sync '" + syncName + "' lost its lease on the warehouse state: another run took"
          + " it over (a lease lasts " + warehouse.lease + " unless a staging renews it); this run records nothing more,"
          + " and what it delivered since its last staging is sent again by the next run");
    }
  }

  @Override
  public void commit(String newFingerprint) {
    checkWritable();
    checkpointed = keys.size();
    if (checkpointed > 0) {
      stage(checkpointed);
    }
    committed = true;
    try {
      fence();
      fold(sql, connection, syncId);
      try (PreparedStatement s = prepare(connection, sql.recordCommit(), newFingerprint, hashFunction,
          Timestamp.from(warehouse.clock.instant()), syncName)) {
        update(s);
      }
      connection.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw new StateStoreException("cannot commit the warehouse state of sync '" + syncName + "': " + e.getMessage()
          + "; the confirmed changes stay staged and are merged on the next run", e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (!committed && !fenced && checkpointed > 0) {
      // The run ends without a commit: what the destination confirmed up to the last checkpoint
      // is staged, and the next run merges it.
      try {
        stage(checkpointed);
      } catch (RuntimeException e) {
        log.warn("sync '{}': staging {} confirmed changes at close failed; the next run sends them again: {}",
            syncName, checkpointed, e.getMessage());
      }
    }
    closed = true;
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        log.debug("closing a warehouse result failed: {}", e.toString());
      }
    }
    unlock(sql, connection, syncName, owner, warehouse);
    closeQuietly(connection);
  }

  /** Refuses, naming it, a key no state store could give back exactly (the rule of {@link ValueLimits#keyProblem}). */
  private void checkWritable() {
    if (closed || committed) {
      throw new IllegalStateException("the warehouse state session of sync '" + syncName + "' is "
          + (closed ? "closed" : "already committed"));
    }
  }

  private void rollbackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      log.debug("rollback failed: {}", e.getMessage());
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("closing a warehouse connection failed: {}", e.getMessage());
    }
  }

  /** The committed state in key order, on a connection of its own. */
  private final class Cursor extends dev.sluice.state.JdbcStateCursor {
    Cursor() {
      super(syncName, "the warehouse");
    }

    @Override
    protected Connection connect() throws SQLException {
      return warehouse.dataSource.getConnection();
    }

    @Override
    protected PreparedStatement prepare(Connection connection) throws SQLException {
      PreparedStatement statement = WarehouseSession.prepare(connection, sql.cursor(), syncId);
      statement.setFetchSize(warehouse.fetchSize);
      return statement;
    }
  }
}
