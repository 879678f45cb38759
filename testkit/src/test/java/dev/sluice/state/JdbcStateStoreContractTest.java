package dev.sluice.state;

import dev.sluice.source.Databases;
import dev.sluice.source.DuckDb;
import dev.sluice.testkit.StateStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;

/** The contract on each database the JDBC store supports. */
class JdbcStateStoreContractTest {

  private static final DuckDb DUCK = DuckDb.inMemory();

  @AfterAll
  static void close() {
    DUCK.close();
  }

  @Nested
  class OnPostgres extends StateStoreContract {
    @Override
    protected StateStore newStore() {
      return JdbcStateStore.builder(Databases.postgres()).createTables(true).build();
    }

    @Override
    protected boolean durable() {
      return true;
    }
  }

  @Nested
  class OnH2 extends StateStoreContract {
    @Override
    protected StateStore newStore() {
      return JdbcStateStore.builder(Databases.h2()).createTables(true).build();
    }

    @Override
    protected boolean durable() {
      return true;
    }
  }

  @Nested
  class OnDuckDb extends StateStoreContract {
    @Override
    protected StateStore newStore() {
      return JdbcStateStore.builder(DUCK.dataSource()).createTables(true).build();
    }

    @Override
    protected boolean durable() {
      return true;
    }
  }
}
