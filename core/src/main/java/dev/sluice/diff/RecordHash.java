package dev.sluice.diff;

import dev.sluice.Record;
import dev.sluice.internal.CanonicalHasher;

/**
 * The 64-bit content hash that the state of a sync keeps per key.
 *
 * <p>It covers a record's fields, not its key, through a canonical encoding: field order does not
 * change it; numbers compare by value ({@code 1}, {@code 1L}, {@code 1.0} and
 * {@code new BigDecimal("1.00")} hash alike, while {@code 1.5} and {@code 1.50} do too); instants
 * by their point in time; maps regardless of their key order. Text, lists and nested values
 * must be equal to hash alike. The encoding is versioned and stable across releases.
 */
public final class RecordHash {

  private RecordHash() {}

  /**
   * {@return the content hash of {@code record}}
   *
   * @param record the record
   */
  public static long of(Record record) {
    return CanonicalHasher.local().hash(record);
  }

  /**
   * {@return the hash as 16 lower-case hex digits, as shown in reports and state dumps}
   *
   * @param hash the record's content hash
   */
  public static String toHex(long hash) {
    String hex = Long.toHexString(hash);
    return "0".repeat(16 - hex.length()) + hex;
  }
}
