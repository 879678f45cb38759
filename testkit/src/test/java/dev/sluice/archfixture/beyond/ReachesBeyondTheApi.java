package dev.sluice.archfixture.beyond;

import dev.sluice.internal.Jooq;
import dev.sluice.testkit.InMemorySource;

/** A class of a module that uses the engine and the testkit (for SluiceArchitectureTest). */
public final class ReachesBeyondTheApi {

  private ReachesBeyondTheApi() {}

  /** {@return a source from the testkit, which a connector's main code must not use} */
  public static InMemorySource source() {
    return InMemorySource.create();
  }

  /** {@return the engine's jOOQ helper, which nothing outside core may use} */
  public static Class<?> engine() {
    return Jooq.class;
  }
}
