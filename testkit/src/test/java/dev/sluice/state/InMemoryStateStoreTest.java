package dev.sluice.state;

import dev.sluice.testkit.StateStoreContract;

class InMemoryStateStoreTest extends StateStoreContract {
  @Override
  protected StateStore newStore() {
    return new InMemoryStateStore();
  }
}
