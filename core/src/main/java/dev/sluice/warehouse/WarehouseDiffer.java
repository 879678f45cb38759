package dev.sluice.warehouse;

import dev.sluice.Record;
import dev.sluice.diff.Change;
import dev.sluice.diff.Differ;
import dev.sluice.diff.DuplicateKeyException;
import dev.sluice.source.RecordStream;
import dev.sluice.source.Source;
import dev.sluice.source.SourceException;
import dev.sluice.source.SqlSource;
import dev.sluice.state.StateStoreException;
import dev.sluice.state.SyncState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warehouse-side differ: the run's records are the first rows of the one changes query
 * ({@link WarehouseSql#changes}), which joins the hashed query with the state in the warehouse;
 * after them the same result holds a row of counts and, in MIRROR, the removed keys, which
 * {@link Comparison#finish} reads once the engine has read the changes to their end.
 */
final class WarehouseDiffer implements Differ {

  private static final Logger log = LoggerFactory.getLogger(WarehouseDiffer.class);

  private final Warehouse warehouse;

  WarehouseDiffer(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  @Override
  public Comparison begin(SyncState previous, boolean orderedByKey, boolean findDeletes, boolean resendAll) {
    WarehouseSession session = previous.unwrap(WarehouseSession.class).orElse(null);
    if (session == null || session.warehouse != warehouse) {
      throw new StateStoreException("the warehouse differ compares with the state in the warehouse: set"
          + " .state(warehouse) on the sync, with the same Warehouse whose differ() it uses");
    }
    // A view of the session rather than the session: the engine presents the state as empty (it was
    // written for another destination), so this run compares with nothing and removes nothing.
    boolean fresh = previous != session;
    return new WarehouseComparison(session, findDeletes && !fresh, resendAll, fresh);
  }

  /** Unused: the hash of each record comes from the warehouse. */
  @Override
  public long hash(Record record) {
    return 0;
  }

  /** What the changes query said about one key, until the engine compares its record. */
  private record Verdict(long hash, Long previous, boolean duplicate) {}

  private static final class WarehouseComparison implements Comparison {
    private final WarehouseSession session;
    private final boolean findDeletes;
    private final boolean resendAll;
    // Filled by the reader thread as rows arrive, emptied by compare/skip: a few chunks at most.
    private final Map<String, Verdict> verdicts = new ConcurrentHashMap<>();
    private WarehouseQuery query;
    private WarehouseQuery.Plan plan;
    private Changes changes;
    private boolean firstRun;
    // Compare as with an empty state: it was written for another destination.
    private final boolean fresh;
    private dev.sluice.Shard shard;
    // Source rows the changes query counted but did not return (their hash equals the state's).
    private long unchangedNotRead;

    WarehouseComparison(WarehouseSession session, boolean findDeletes, boolean resendAll, boolean fresh) {
      this.session = session;
      this.findDeletes = findDeletes;
      this.resendAll = resendAll;
      this.fresh = fresh;
    }

    @Override
    public RecordStream open(Source source) {
      if (!(source instanceof WarehouseQuery)) {
        throw new SourceException("the warehouse differ reads a WarehouseQuery (warehouse.query(...)), not "
            + source.describe() + "; use the default differ for other sources");
      }
      query = (WarehouseQuery) source;
      String hashFunction;
      try (Connection connection = query.dataSource.getConnection()) {
        plan = query.plan(session.sql, query.describeColumns(connection));
        hashFunction = session.sql.dialect.hashFunction();
        if (session.sql.dialect == WarehouseDialect.DUCKDB) {
          hashFunction += " of DuckDB " + connection.getMetaData().getDatabaseProductVersion();
        }
      } catch (SQLException e) {
        throw new SourceException("cannot describe the warehouse query: "
            + dev.sluice.http.Redaction.valuesMasked(e.getMessage(), query.binds) + "; query: " + query.sql,
            dev.sluice.http.Redaction.redacted(e, query.binds));
      }
      boolean all = resendAll;
      String stored = session.storedHashFunction();
      if (session.size() > 0 && !hashFunction.equals(stored)) {
        // Different functions give unrelated hashes: compare none, re-send every row.
        log.warn("sync '{}': the state's hashes were made by {}, this run hashes with {}: every row is sent again"
            + " and the state is rewritten with the new hashes", session.syncName,
            stored == null ? "another function (an older Sluice, or the default differ)" : stored, hashFunction);
        all = true;
      }
      session.hashFunction(hashFunction);
      // An empty state (the first run) has nothing to join, count or remove.
      firstRun = fresh || session.size() == 0;
      List<Object> binds = new ArrayList<>(query.binds);
      if (!firstRun) {
        binds.add(session.syncId);
        binds.addAll(query.binds);
        binds.add(session.syncId);
      }
      String sql = firstRun ? session.sql.firstChanges(plan, shard) : session.sql.changes(plan, all, findDeletes, shard);
      RecordStream rows;
      try {
        rows = SqlSource.query(query.dataSource, sql, binds.toArray())
            .key(WarehouseSql.KEY).fetchSize(query.fetchSize).build().open();
      } catch (SourceException e) {
        // The database's own message, with the user's query rather than the engine's long one.
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        throw new SourceException("the warehouse changes query failed: " + cause.getMessage() + "; query: " + query.sql, e);
      }
      changes = new Changes(rows, plan.shape());
      session.closeWithSession(changes::release);
      return changes;
    }

    /**
     * As {@link #open(Source)}, for the rows of {@code shard} only: the query filters by the key's
     * {@link dev.sluice.Shard#keyHash}, so no row of another shard leaves the warehouse.
     */
    @Override
    public RecordStream open(Source source, dev.sluice.Shard shard) {
      this.shard = shard;
      return open(source);
    }

    @Override
    public Change compare(Record record, long ignored) {
      Verdict verdict = verdicts.remove(record.key());
      if (verdict == null) {
        throw new IllegalStateException("the warehouse differ has no verdict for key '" + record.key() + "'");
      }
      if (verdict.duplicate()) {
        throw new DuplicateKeyException(record.key());
      }
      return verdict.previous() != null ? Change.changedRecord(record, verdict.hash()) : Change.newRecord(record, verdict.hash());
    }

    @Override
    public void skip(String key) {
      Verdict verdict = key == null ? null : verdicts.remove(key);
      if (verdict != null && verdict.duplicate()) {
        throw new DuplicateKeyException(key);
      }
    }

    /**
     * Reads the counts: a key two source rows share fails the run here, before any delete; then,
     * in MIRROR, hands over the removed keys.
     */
    @Override
    public void finish(Consumer<Change> deletes) {
      if (changes == null || firstRun) {
        return; // a first run's duplicates were found row by row, and it has no removed keys
      }
      try {
        Record summary = changes.summary();
        long sourceRows = count(summary, 5);
        long stateRows = count(summary, 6);
        long newRows = count(summary, 7);
        long removedRows = count(summary, 8);
        if (sourceRows - newRows != stateRows - removedRows) {
          // More source rows matched a key of the state than there are such keys: two share one.
          throw new DuplicateKeyException(duplicateKey(sourceRows - newRows, stateRows - removedRows));
        }
        unchangedNotRead = Math.max(0, sourceRows - changes.rowsHandedOut());
        if (!findDeletes) {
          return;
        }
        Record row;
        while ((row = changes.nextRemoved()) != null) {
          deletes.accept(Change.removedRecord(row.key(), WarehouseSession.hashBits(row.get(2))));
        }
      } finally {
        changes.release();
      }
    }

    @Override
    public long unchangedNotRead() {
      return unchangedNotRead;
    }

    private static long count(Record summary, int column) {
      Object value = summary.get(column);
      return value == null ? 0 : ((Number) value).longValue();
    }

    /** Names a key two rows of the source share, found by a query of its own. */
    private String duplicateKey(long matchedRows, long matchedKeys) {
      try (Connection connection = query.dataSource.getConnection();
           PreparedStatement statement = WarehouseSession.prepare(connection, session.sql.duplicateKey(plan, shard),
               query.binds.toArray());
           ResultSet rows = WarehouseSession.query(statement)) {
        if (rows.next()) {
          return rows.getString(1);
        }
      } catch (SQLException e) {
        throw new SourceException("the source has a key that two rows share (" + matchedRows + " rows matched "
            + matchedKeys + " keys of the state), and the query naming it failed: "
            + dev.sluice.http.Redaction.valuesMasked(e.getMessage(), query.binds)
            + "; no deletes were sent; query: " + query.sql, dev.sluice.http.Redaction.redacted(e, query.binds));
      }
      throw new SourceException("the source's rows and keys did not add up (" + matchedRows + " rows matched "
          + matchedKeys + " keys of the state) but no key is shared now: did the data change during the run? No"
          + " deletes were sent; run the sync again");
    }

    /**
     * The changes query's rows for the engine: the rows to compare, ending at the first row that is
     * not one (the summary); the rest stays open for {@link #finish}, even after the engine closed
     * this stream.
     */
    private final class Changes extends WarehouseQuery.Stripped {
      private Record pending;
      private Record boundary;
      private boolean exhausted;
      private boolean released;
      private long handedOut;

      Changes(RecordStream rows, dev.sluice.RecordShape shape) {
        super(rows, shape, WarehouseSql.HIDDEN);
      }

      @Override
      public boolean hasNext() {
        if (pending != null) {
          return true;
        }
        if (boundary != null || exhausted) {
          return false;
        }
        if (!super.hasNext()) {
          exhausted = true;
          return false;
        }
        Record row = rowsNext();
        // A row with a value the driver could not hand over is a source row: the engine rejects it.
        if (row.unreadableReason() == null && kind(row) != WarehouseSql.ROW) {
          boundary = row;
          return false;
        }
        pending = row;
        return true;
      }

      @Override
      public Record next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Record row = pending;
        pending = null;
        handedOut++;
        if (row.unreadableReason() != null) {
          return row; // rejected by the engine with its reason; no verdict, nothing recorded
        }
        String key = row.key();
        if (key != null && (shard == null || shard.contains(key))) {
          Object copies = row.get(3);
          verdicts.put(key, new Verdict(WarehouseSession.hashBits(row.get(1)),
              row.get(2) == null ? null : WarehouseSession.hashBits(row.get(2)),
              copies != null && ((Number) copies).longValue() > 1));
        }
        return strip(row);
      }

      /** Closed by the engine: the summary and the removed keys stay readable if it read to the end. */
      @Override
      public void close() {
        if (boundary == null) {
          release();
        }
      }

      /** {@return the source rows handed to the engine} */
      long rowsHandedOut() {
        return handedOut;
      }

      /** The row of counts, which follows the rows to compare. */
      Record summary() {
        if (boundary == null || kind(boundary) != WarehouseSql.SUMMARY) {
          throw new IllegalStateException("the warehouse changes query returned no summary row after its changes"
              + " (the database did not keep the query's order by " + WarehouseSql.KIND + "); no deletes were sent");
        }
        return boundary;
      }

      /** {@return the next removed key's row, or null after the last} */
      Record nextRemoved() {
        if (released || !super.hasNext()) {
          return null;
        }
        Record row = rowsNext();
        if (kind(row) != WarehouseSql.REMOVED) {
          throw new IllegalStateException("the warehouse changes query returned a row of kind " + kind(row)
              + " among the removed keys (the database did not keep the query's order by " + WarehouseSql.KIND + ")");
        }
        return row;
      }

      void release() {
        if (!released) {
          released = true;
          super.close();
        }
      }

      private int kind(Record row) {
        return ((Number) Objects.requireNonNull(row.get(4), WarehouseSql.KIND)).intValue();
      }
    }
  }
}
