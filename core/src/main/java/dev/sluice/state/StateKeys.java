package dev.sluice.state;

import dev.sluice.ValueLimits;

/** The one rule for the keys every state store keeps: those the engine accepts. */
final class StateKeys {

  private StateKeys() {}

  /**
   * Refuses, at once and naming it, a key that some store could not give back exactly (see
   * {@link ValueLimits#keyProblem}); the engine rejects such keys before they are sent.
   *
   * @throws IllegalArgumentException for such a key
   */
  static void check(String syncName, String key) {
    if (key == null) {
      throw new IllegalArgumentException("sync '" + syncName + "': a state key must not be null");
    }
    String problem = ValueLimits.keyProblem(key);
    if (problem != null) {
      throw new IllegalArgumentException("sync '" + syncName + "': key '" + ValueLimits.escape(key)
          + "' cannot be kept in the state: " + problem);
    }
  }
}
