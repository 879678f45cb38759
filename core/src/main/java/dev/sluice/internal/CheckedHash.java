package dev.sluice.internal;

import dev.sluice.Record;
import java.util.function.ToLongFunction;

/**
 * The engine's hash of a mapped record when its differ uses the default {@link
 * dev.sluice.diff.RecordHash}: the same hash, computed with the value checks of {@link
 * RecordCheck} folded in. The hasher walks every value anyway and notes one that may be beyond
 * {@link dev.sluice.ValueLimits}; only then are the record's values checked, so a clean record
 * costs no second pass. A record beyond the limits throws {@link ValueProblem}, which rejects it
 * with the reason. Thread-safe: each thread hashes with its own hasher.
 */
final class CheckedHash implements ToLongFunction<Record> {

  private final RecordCheck check;

  CheckedHash(RecordCheck check) {
    this.check = check;
  }

  @Override
  public long applyAsLong(Record record) {
    CanonicalHasher hasher = CanonicalHasher.local();
    long hash = hasher.hash(record);
    if (hasher.metSuspectValue()) {
      String problem = check.valuesProblem(record);
      if (problem != null) {
        throw new ValueProblem(problem);
      }
    }
    return hash;
  }

  /** A mapped value beyond the limits, met while hashing: rejects its record with the message. */
  static final class ValueProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ValueProblem(String message) {
      super(message, null, false, false);
    }
  }
}
