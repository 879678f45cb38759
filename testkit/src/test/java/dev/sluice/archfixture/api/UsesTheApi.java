package dev.sluice.archfixture.api;

import dev.sluice.Record;
import dev.sluice.destination.Operation;
import java.util.List;

/** A class of a module that keeps to Sluice's API and SPI (for SluiceArchitectureTest). */
public final class UsesTheApi {

  private UsesTheApi() {}

  /**
   * {@return the keys of the records, for an operation}
   *
   * @param records the records
   * @param operation the operation
   */
  public static List<String> keys(List<Record> records, Operation operation) {
    return records.stream().map(r -> operation + ":" + r.key()).toList();
  }
}
