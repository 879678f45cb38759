package dev.sluice.internal;

/**
 * Remembers, in the state's hash slot, that a record failed permanently: instead of the hash of
 * what the destination holds, the state keeps a marker derived from the failed record's hash and
 * the number of runs in a row it failed. A marker never matches a real hash (the next run sees
 * the record as changed and sends it again) unless the engine recognises it; once it counts
 * {@code limit} strikes for unchanged data, the record is quarantined: not sent until its data
 * changes. The marker is what a 64-bit mix of hash and count gives, so a real hash is taken for
 * one with a chance of about 2^-64 per record.
 */
final class Quarantine {

  private Quarantine() {}

  /** The marker for a record of {@code hash} that failed permanently {@code strikes} runs in a row. */
  static long marker(long hash, int strikes) {
    long z = hash + 0x9E3779B97F4A7C15L * (strikes + 0x51ED270BL);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The strikes {@code previous} records for a record of {@code hash}, or 0 when it is no marker of it. */
  static int strikes(long previous, long hash, int limit) {
    for (int n = 1; n <= limit; n++) {
      if (marker(hash, n) == previous) {
        return n;
      }
    }
    return 0;
  }
}
