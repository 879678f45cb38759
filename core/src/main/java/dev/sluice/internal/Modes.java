package dev.sluice.internal;

import dev.sluice.SyncMode;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Operation;
import dev.sluice.diff.Change;

/** Which operation each mode sends for each kind of change. */
public final class Modes {

  private Modes() {}

  /** The operation to send, or null when the mode does not send this kind of change. */
  static Operation operationFor(SyncMode mode, Change.Kind kind, Capabilities caps) {
    switch (mode) {
      case UPSERT:
        return kind == Change.Kind.DELETE ? null : Operation.UPSERT;
      case UPDATE:
        // A key new to the state may well exist in the destination: it is sent as an update, which
        // never creates (the destination answers "not found"). Without an UPDATE operation only
        // known keys go, as upserts, since an upsert of a new key would create it.
        if (kind == Change.Kind.DELETE) {
          return null;
        }
        if (kind == Change.Kind.ADD) {
          return caps.supports(Operation.UPDATE) ? Operation.UPDATE : null;
        }
        return preferred(Operation.UPDATE, caps);
      case INSERT:
        return kind != Change.Kind.ADD ? null : preferred(Operation.INSERT, caps);
      case MIRROR:
        return kind == Change.Kind.DELETE ? Operation.DELETE : Operation.UPSERT;
      default:
        throw new IllegalArgumentException("unknown mode " + mode);
    }
  }

  /** Why the destination cannot serve the mode, or null when it can. */
  public static String unsupported(SyncMode mode, Capabilities caps) {
    switch (mode) {
      case UPSERT:
        return caps.supports(Operation.UPSERT) ? null : "needs the UPSERT operation";
      case UPDATE:
        return caps.supports(Operation.UPDATE) || caps.supports(Operation.UPSERT) ? null
            : "needs the UPDATE (or UPSERT) operation";
      case INSERT:
        return caps.supports(Operation.INSERT) || caps.supports(Operation.UPSERT) ? null
            : "needs the INSERT (or UPSERT) operation";
      case MIRROR:
        return caps.supports(Operation.UPSERT) && caps.supports(Operation.DELETE) ? null
            : "needs the UPSERT and DELETE operations";
      default:
        throw new IllegalArgumentException("unknown mode " + mode);
    }
  }

  private static Operation preferred(Operation op, Capabilities caps) {
    return caps.supports(op) ? op : Operation.UPSERT;
  }
}
