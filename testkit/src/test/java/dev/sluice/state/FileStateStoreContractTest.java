package dev.sluice.state;

import dev.sluice.testkit.StateStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileStateStoreContractTest extends StateStoreContract {

  @TempDir
  Path directory;

  @Override
  protected StateStore newStore() {
    return FileStateStore.in(directory);
  }

  @Override
  protected boolean durable() {
    return true;
  }
}
