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
  private Long previousHash;

  @Override
  public Long previousHash() {
    return previousHash;
  }

  // the hash of the key last found in the state
  private long found;

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
    Change.Kind kind = classify(record.key(), hash);
    if (kind == null) {
      return null;
    }
    return kind == Change.Kind.ADD ? Change.add(record, hash) : Change.update(record, hash);
  }

  /**
   * What {@link #compare} would find, from the key and hash alone: null when unchanged, else
   * {@code ADD} or {@code UPDATE}. Lets the engine build the record only for a change.
   */
  public Change.Kind classify(String key, long hash) {
    boolean known = ordered ? advanceTo(key) : lookUp(key);
    previousHash = known ? found : null;
    if (!known) {
      return Change.Kind.ADD;
    }
    return found == hash && !resendAll ? null : Change.Kind.UPDATE;
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

  /** Whether the state holds {@code key}; its hash is then in {@link #found}. */
  private boolean lookUp(String key) {
    if (!seen.add(key)) {
      throw new DuplicateKeyException(key);
    }
    Long hash = previous.hashOf(key);
    if (hash != null) {
      found = hash;
    }
    return hash != null;
  }

  /**
   * Moves the state cursor up to {@code key}; returns whether the state holds it (its hash is
   * then in {@link #found}).
   */
  private boolean advanceTo(String key) {
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
        return false;
      }
      if (cmp == 0) {
        found = cursor.hash();
        cursorValid = cursor.next();
        return true;
      }
      if (findDeletes) {
        pendingDeletes.add(Change.delete(cursor.key(), cursor.hash()));
      }
      cursorValid = cursor.next();
    }
    return false;
  }
}
