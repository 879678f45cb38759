package dev.sluice.state;

import dev.sluice.ValueLimits;

/**
 * The one rule for the keys every state store keeps: those the engine accepts (see
 * {@link ValueLimits#keyProblem}). A store calls {@link #check} in {@code put} and {@code remove}.
 */
public final class StateKeys {

  private StateKeys() {}

  /**
   * Refuses, at once and naming it, a key that some store could not give back exactly (see
   * {@link ValueLimits#keyProblem}); the engine rejects such keys before they are sent.
   *
   * @param syncName the sync, for the message
   * @param key the key to keep
   * @throws IllegalArgumentException for such a key
   */
  public static void check(String syncName, String key) {
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
