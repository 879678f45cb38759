package dev.sluice.internal;

/**
 * Strikes of records that failed permanently, kept in a small state of their own next to the
 * sync's (named after the sync with {@code #strikes}): per key, a marker derived from the failed
 * record's hash and the number of runs in a row it failed. The sync's own state stays exactly what
 * the destination confirmed. Once a marker counts {@code limit} strikes for unchanged data, the
 * record is quarantined: not sent until its data changes (then no marker matches). A 64-bit mix
 * of hash and count, so other data is taken for marked data with a chance of about 2^-64.
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
