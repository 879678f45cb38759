package dev.sluice.warehouse;

import dev.sluice.source.Databases;
import dev.sluice.source.DuckDb;
import dev.sluice.state.StateStore;
import dev.sluice.testkit.StateStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** The state-store contract on the warehouse's own state, on DuckDB (MERGE) and on PostgreSQL 14
 * (INSERT ... ON CONFLICT: it has no MERGE). */
class WarehouseStateContractTest {

  private static final DuckDb DUCK = DuckDb.inMemory();

  @AfterAll
  static void close() {
    DUCK.close();
  }

  @Nested
  class OnDuckDb extends StateStoreContract {
    @Override
    protected StateStore newStore() {
      return Warehouse.builder(DUCK.dataSource()).createTables(true).build();
    }

    @Override
    protected boolean durable() {
      return true;
    }
  }

  @Nested
  class OnPostgres14 extends StateStoreContract {
    @Override
    protected StateStore newStore() {
      return Warehouse.builder(Databases.postgres()).schema("sluice_contract").createTables(true).build();
    }

    @Override
    protected boolean durable() {
      return true;
    }
  }
}
