package dev.sluice;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * One of {@link #count()} parts of a sync's keys: the records whose key hashes to {@link #index()}.
 * Several instances of a service (or scheduler workers) each run one shard of the same sync to
 * deliver a large run in parallel; see {@link Sync#shard(int, int)} and {@link Sync#shards(int)}.
 *
 * <p><b>Key → shard</b>, the same on every JVM, platform and Sluice version: take the
 * {@linkplain #keyHash(String) key hash} — the first four bytes of the MD5 digest of the key's
 * UTF-8 bytes, read as an unsigned big-endian 32-bit integer — and take it modulo the count. MD5
 * is used because every warehouse has it, so a SQL source can apply the same split in its query
 * (PostgreSQL: {@code ('x' || substr(md5(key), 1, 8))::bit(32)::bigint % count}); it is not used
 * for security here. A record without a key belongs to shard 0, so that exactly one shard
 * reports it as rejected.
 *
 * <p><b>State.</b> Shard {@code i} of {@code n} of the sync {@code name} keeps its state under
 * {@link #stateName(String) name/shard-i-of-n}, with its own lease: shards never wait for each
 * other, each commits what the destination confirmed of its own records, and a MIRROR delete of a
 * shard comes only from that shard's own complete read. A new count starts new states, empty, so
 * its first runs send every record again and delete nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class Shard {

  /** The most shards a sync may be split into. */
  public static final int MAX_COUNT = 1_024;

  // MessageDigest is not thread-safe; one per thread spares a getInstance per key.
  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide MD5 (MessageDigest's Javadoc).
      throw new IllegalStateException("this JVM provides no MD5", e);
    }
  });

  private final int index;
  private final int count;

  private Shard(int index, int count) {
    this.index = index;
    this.count = count;
  }

  /**
   * Shard {@code index} of {@code count}.
   *
   * @param index which shard, from 0 to {@code count - 1}
   * @param count how many shards the keys are split into, from 1 to {@value #MAX_COUNT}
   * @return the shard
   * @throws IllegalArgumentException if the count or the index is out of range
   */
  public static Shard of(int index, int count) {
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("shard(index, count): count must be between 1 and " + MAX_COUNT + ", was " + count);
    }
    if (index < 0 || index >= count) {
      throw new IllegalArgumentException("shard(index, count): index must be between 0 and count - 1 = " + (count - 1)
          + ", was " + index);
    }
    return new Shard(index, count);
  }

  /** {@return which shard this is, from 0 to {@code count() - 1}} */
  public int index() {
    return index;
  }

  /** {@return how many shards the keys are split into} */
  public int count() {
    return count;
  }

  /**
   * Whether the record with {@code key} belongs to this shard.
   *
   * @param key the record's key; null belongs to shard 0
   * @return whether this shard delivers it
   */
  public boolean contains(String key) {
    return indexOf(key, count) == index;
  }

  /**
   * The shard of {@code key} among {@code count}: {@code keyHash(key) % count}.
   *
   * @param key the record's key; null belongs to shard 0
   * @param count how many shards, from 1 to {@value #MAX_COUNT}
   * @return the shard's index
   */
  public static int indexOf(String key, int count) {
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException("count must be between 1 and " + MAX_COUNT + ", was " + count);
    }
    if (key == null || count == 1) {
      return 0;
    }
    return (int) (keyHash(key) % count);
  }

  /**
   * The stable hash that splits keys: the first four bytes of MD5 over the key's UTF-8 bytes, as
   * an unsigned big-endian integer (0 to 2<sup>32</sup> − 1). A lone surrogate in the key is
   * encoded as {@code ?}, as Java's UTF-8 encoder does.
   *
   * @param key the record's key
   * @return the hash, from 0 to 4294967295
   */
  public static long keyHash(String key) {
    Objects.requireNonNull(key, "key");
    byte[] digest = md5().digest(key.getBytes(StandardCharsets.UTF_8));
    return ((digest[0] & 0xFFL) << 24) | ((digest[1] & 0xFFL) << 16) | ((digest[2] & 0xFFL) << 8) | (digest[3] & 0xFFL);
  }

  /**
   * The name this shard keeps its state under: {@code syncName + "/shard-" + index + "-of-" + count}.
   *
   * @param syncName the sync's name
   * @return the name of the shard's state
   */
  public String stateName(String syncName) {
    return syncName + "/shard-" + index + "-of-" + count;
  }

  /**
   * This shard's part of a budget of {@code permits}: {@code permits / count}, at least 1.
   *
   * @param permits the whole budget's permits per window
   * @return the shard's permits per window
   */
  public int share(int permits) {
    return Math.max(1, permits / count);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shard && ((Shard) o).index == index && ((Shard) o).count == count;
  }

  @Override
  public int hashCode() {
    return index * 31 + count;
  }

  /** {@return "shard i of n", with the index from 0} */
  @Override
  public String toString() {
    return "shard " + index + " of " + count;
  }

  private static MessageDigest md5() {
    return MD5.get();
  }
}
