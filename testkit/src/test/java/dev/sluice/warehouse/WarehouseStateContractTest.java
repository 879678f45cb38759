package dev.sluice.warehouse;

import dev.sluice.source.Databases;
import dev.sluice.source.DuckDb;
import dev.sluice.state.StateStore;
import dev.sluice.testkit.StateStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/**
 * The state-store contract on the warehouse's own state: on DuckDB (MERGE), on PostgreSQL 17 as
 * detected (MERGE), and on PostgreSQL 17 with the SQL for PostgreSQL before 15 (INSERT ... ON
 * CONFLICT and a delete), so that both PostgreSQL paths run for real.
 */
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
  class OnPostgresWithMerge extends StateStoreContract {
    @Override
    protected StateStore newStore() {
      return Warehouse.builder(Databases.postgres()).schema("sluice_contract").createTables(true).build();
    }

    @Override
    protected boolean durable() {
      return true;
    }
  }

  @Nested
  class OnPostgresWithTheSqlForBefore15 extends StateStoreContract {
    @Override
    protected StateStore newStore() {
      return Warehouse.builder(Databases.postgres()).schema("sluice_contract_pre15")
          .dialect(WarehouseDialect.POSTGRES_BEFORE_15).createTables(true).build();
    }

    @Override
    protected boolean durable() {
      return true;
    }
  }
}
