package dev.sluice.internal;

import dev.sluice.Record;
import dev.sluice.diff.Change;
import dev.sluice.diff.Differ;
import dev.sluice.diff.DuplicateKeyException;
import dev.sluice.diff.KeyOrder;
import dev.sluice.diff.KeyOrderException;
import dev.sluice.state.StateCursor;
import dev.sluice.state.SyncState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The default differ. With key-ordered records it merges them with the state's ordered cursor in
 * one pass: no per-key memory except the deletes it finds. Otherwise it looks each key up and
 * remembers the keys it saw, to detect duplicates and, at the end, the deletes.
 */
public final class HashingDiffer implements Differ.Comparison {

  private final SyncState previous;
  private final boolean ordered;
  private final boolean findDeletes;
  private final boolean resendAll;

  // ordered mode
  private final StateCursor cursor;
  private boolean cursorValid;
  private String lastKey;
  private final List<Change> pendingDeletes;

  // unordered mode
  private final Set<String> seen;

  public HashingDiffer(SyncState previous, boolean orderedByKey, boolean findDeletes, boolean resendAll) {
    this.resendAll = resendAll;
    this.previous = previous;
    this.ordered = orderedByKey;
    this.findDeletes = findDeletes;
    if (ordered) {
      cursor = previous.cursor();
      cursorValid = cursor.next();
      pendingDeletes = new ArrayList<>();
      seen = null;
    } else {
      cursor = null;
      pendingDeletes = null;
      seen = new HashSet<>();
    }
  }

  @Override
  public Change compare(Record record, long hash) {
    String key = record.key();
    Long old = ordered ? advanceTo(key) : lookUp(key);
    if (old == null) {
      return Change.add(record, hash);
    }
    return old == hash && !resendAll ? null : Change.update(record, hash);
  }

  @Override
  public void skip(String key) {
    if (ordered) {
      advanceTo(key);
    } else {
      lookUp(key);
    }
  }

  @Override
  public void finish(Consumer<Change> deletes) {
    if (!findDeletes) {
      return;
    }
    if (ordered) {
      pendingDeletes.forEach(deletes);
      pendingDeletes.clear();
      while (cursorValid) {
        deletes.accept(Change.delete(cursor.key(), cursor.hash()));
        cursorValid = cursor.next();
      }
    } else {
      StateCursor all = previous.cursor();
      while (all.next()) {
        if (!seen.contains(all.key())) {
          deletes.accept(Change.delete(all.key(), all.hash()));
        }
      }
    }
  }

  private Long lookUp(String key) {
    if (!seen.add(key)) {
      throw new DuplicateKeyException(key);
    }
    return previous.hashOf(key);
  }

  /** Moves the state cursor up to {@code key}; returns its hash there, or null if absent. */
  private Long advanceTo(String key) {
    if (lastKey != null) {
      int cmp = KeyOrder.compare(key, lastKey);
      if (cmp == 0) {
        throw new DuplicateKeyException(key);
      }
      if (cmp < 0) {
        throw new KeyOrderException(lastKey, key);
      }
    }
    lastKey = key;
    while (cursorValid) {
      int cmp = KeyOrder.compare(cursor.key(), key);
      if (cmp > 0) {
        return null;
      }
      if (cmp == 0) {
        long hash = cursor.hash();
        cursorValid = cursor.next();
        return hash;
      }
      if (findDeletes) {
        pendingDeletes.add(Change.delete(cursor.key(), cursor.hash()));
      }
      cursorValid = cursor.next();
    }
    return null;
  }
}
