package dev.sluice.state;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a session's committed entries in cursor order, for assertions. */
final class StateStoreContractAccess {

  private StateStoreContractAccess() {}

  static Map<String, Long> entries(SyncState state) {
    Map<String, Long> entries = new LinkedHashMap<>();
    StateCursor cursor = state.cursor();
    while (cursor.next()) {
      entries.put(cursor.key(), cursor.hash());
    }
    return entries;
  }
}
