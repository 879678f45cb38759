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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The warehouse-side differ: the run's records are the rows of the changes query, which joins the
 * hashed query with the state in the warehouse; its deletes come from a second query that runs only
 * after the changes were read to their end.
 */
final class WarehouseDiffer implements Differ {

  private final Warehouse warehouse;

  WarehouseDiffer(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  @Override
  public Comparison begin(SyncState previous, boolean orderedByKey, boolean findDeletes, boolean resendAll) {
    if (!(previous instanceof WarehouseSession) || ((WarehouseSession) previous).warehouse != warehouse) {
      throw new StateStoreException("the warehouse differ compares with the state in the warehouse: set"
          + " .state(warehouse) on the sync, with the same Warehouse whose differ() it uses");
    }
    return new WarehouseComparison((WarehouseSession) previous, findDeletes, resendAll);
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

    WarehouseComparison(WarehouseSession session, boolean findDeletes, boolean resendAll) {
      this.session = session;
      this.findDeletes = findDeletes;
      this.resendAll = resendAll;
    }

    @Override
    public RecordStream open(Source source) {
      if (!(source instanceof WarehouseQuery)) {
        throw new SourceException("the warehouse differ reads a WarehouseQuery (warehouse.query(...)), not "
            + source.describe() + "; use the default differ for other sources");
      }
      query = (WarehouseQuery) source;
      try (Connection connection = query.dataSource.getConnection()) {
        plan = query.plan(session.sql, query.describeColumns(connection));
      } catch (SQLException e) {
        throw new SourceException("cannot describe the warehouse query: " + e.getMessage() + "; query: " + query.sql, e);
      }
      List<Object> binds = new ArrayList<>(query.binds);
      binds.add(session.syncName);
      RecordStream rows;
      try {
        rows = SqlSource.query(query.dataSource, session.sql.changes(plan, resendAll), binds.toArray())
            .key(WarehouseSql.KEY).fetchSize(query.fetchSize).build().open();
      } catch (SourceException e) {
        // The database's own message, with the user's query rather than the engine's long one.
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        throw new SourceException("the warehouse changes query failed: " + cause.getMessage() + "; query: " + query.sql, e);
      }
      return new WarehouseQuery.Stripped(rows, plan.shape(), 4) {
        @Override
        public Record next() {
          Record row = super.rowsNext();
          String key = row.key();
          if (key != null) {
            Object copies = row.get(3);
            verdicts.put(key, new Verdict(WarehouseSession.fromHex((String) row.get(1)),
                row.get(2) == null ? null : WarehouseSession.fromHex((String) row.get(2)),
                copies != null && ((Number) copies).longValue() > 1));
          }
          return strip(row);
        }
      };
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
      return verdict.previous() != null ? Change.update(record, verdict.hash()) : Change.add(record, verdict.hash());
    }

    @Override
    public void skip(String key) {
      Verdict verdict = verdicts.remove(key);
      if (verdict != null && verdict.duplicate()) {
        throw new DuplicateKeyException(key);
      }
    }

    @Override
    public void finish(Consumer<Change> deletes) {
      if (!findDeletes || query == null) {
        return;
      }
      List<Object> binds = new ArrayList<>();
      binds.add(session.syncName);
      binds.addAll(query.binds);
      String sql = session.sql.deletes(plan);
      try (Connection connection = query.dataSource.getConnection()) {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false); // PostgreSQL streams only inside a transaction
        try (PreparedStatement statement = WarehouseSession.prepare(connection, sql, binds.toArray())) {
          statement.setFetchSize(session.warehouse.fetchSize);
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              deletes.accept(Change.delete(rows.getString(1), WarehouseSession.fromHex(rows.getString(2))));
            }
          }
        } finally {
          connection.rollback();
          connection.setAutoCommit(autoCommit);
        }
      } catch (SQLException e) {
        throw new StateStoreException("the warehouse query of deleted keys failed: " + e.getMessage()
            + "; no deletes were sent", e);
      }
    }
  }
}
