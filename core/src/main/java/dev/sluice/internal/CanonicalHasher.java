package dev.sluice.internal;

import dev.sluice.Record;
import dev.sluice.RecordShape;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Hashes a record's fields through a canonical byte encoding, so that equal content gives an
 * equal hash however it was built. Not thread-safe: one instance per thread.
 *
 * <p>Encoding, version 1 (changing it makes every sync re-send everything, so it must not change
 * silently): fields sorted by name (UTF-16 order), each as its name then its value; every value
 * is a tag byte and a body. Numbers that are integers within the range of a long (whatever their
 * Java type: {@code 1}, {@code 1L}, {@code 1.0}, {@code BigDecimal("1.00")}) are one tag and
 * 8 bytes; other finite numbers are the scale and unscaled digits of their shortest decimal form;
 * instants are seconds and nanoseconds since the epoch; dates are days since the epoch; text is
 * UTF-8 with its length; lists keep their order; maps are sorted by key. A decimal is written
 * in its shortest form (trailing zeros stripped): as a scale and a long when its digits fit in one,
 * otherwise as a scale and the two's-complement bytes of its digits.
 */
public final class CanonicalHasher {

  private static final byte NULL = 0;
  private static final byte FALSE = 1;
  private static final byte TRUE = 2;
  private static final byte INTEGER = 3;
  private static final byte DECIMAL = 4;
  private static final byte NON_FINITE = 5;
  private static final byte TEXT = 6;
  private static final byte INSTANT = 7;
  private static final byte DATE = 8;
  private static final byte LIST = 9;
  private static final byte MAP = 10;
  private static final byte FIELD = 11;
  private static final byte BIG_DECIMAL = 12;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private static final ThreadLocal<CanonicalHasher> LOCAL = ThreadLocal.withInitial(CanonicalHasher::new);

  private byte[] buf = new byte[256];
  private int len;
  // Set by the last hash() when it met a value ValueLimits may refuse: a lone surrogate, a number
  // that is not finite, a decimal beyond the limits (hashed without expanding it).
  private boolean suspect;

  private RecordShape lastShape;
  private int[] lastOrder;
  // The encoded field names of lastShape, in sorted order: the same for every record of a shape.
  private byte[][] lastNames;

  /** The 64-bit content hash of a record's fields (its key is not part of it). */
  public long hash(Record record) {
    len = 0;
    suspect = false;
    int[] order = sortedOrder(record.shape());
    byte[][] names = lastNames;
    for (int j = 0; j < order.length; j++) {
      byte[] name = names[j];
      ensure(name.length);
      System.arraycopy(name, 0, buf, len, name.length);
      len += name.length;
      putValue(record.get(order[j]));
    }
    return XxHash64.hash(buf, 0, len);
  }

  /** {@return this thread's hasher: the one {@link dev.sluice.diff.RecordHash} and the engine hash with} */
  public static CanonicalHasher local() {
    return LOCAL.get();
  }

  /**
   * {@return whether the last {@link #hash} met a value that {@link dev.sluice.ValueLimits} may
   * refuse (a lone surrogate, NaN or an infinity, a decimal beyond the limits): then the record's
   * values must be checked before it is used; when false, none of its values is beyond them}
   */
  boolean metSuspectValue() {
    return suspect;
  }

  private int[] sortedOrder(RecordShape shape) {
    if (shape != lastShape) {
      Integer[] idx = new Integer[shape.size()];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = i;
      }
      Arrays.sort(idx, Comparator.comparing(shape::name));
      int[] order = new int[idx.length];
      for (int i = 0; i < idx.length; i++) {
        order[i] = idx[i];
      }
      byte[][] names = new byte[order.length][];
      for (int j = 0; j < order.length; j++) {
        len = 0;
        putByte(FIELD);
        putText(shape.name(order[j]));
        names[j] = Arrays.copyOf(buf, len);
      }
      len = 0;
      lastNames = names;
      lastOrder = order;
      lastShape = shape;
    }
    return lastOrder;
  }

  private void putValue(Object v) {
    if (v == null) {
      putByte(NULL);
    } else if (v instanceof String) {
      putByte(TEXT);
      putText((String) v);
    } else if (v instanceof Long || v instanceof Integer) {
      putInteger(((Number) v).longValue());
    } else if (v instanceof BigDecimal) {
      putDecimal((BigDecimal) v);
    } else if (v instanceof Double) {
      double d = (Double) v;
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        suspect = true;
        putByte(NON_FINITE);
        putByte((byte) (Double.isNaN(d) ? 0 : d > 0 ? 1 : 2));
      } else if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
        putInteger((long) d);
      } else {
        putDecimal(BigDecimal.valueOf(d));
      }
    } else if (v instanceof Boolean) {
      putByte((Boolean) v ? TRUE : FALSE);
    } else if (v instanceof Instant) {
      Instant t = (Instant) v;
      putByte(INSTANT);
      putLong(t.getEpochSecond());
      putInt(t.getNano());
    } else if (v instanceof LocalDate) {
      putByte(DATE);
      putLong(((LocalDate) v).toEpochDay());
    } else if (v instanceof List) {
      List<?> list = (List<?>) v;
      putByte(LIST);
      putInt(list.size());
      for (Object o : list) {
        putValue(o);
      }
    } else if (v instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) v;
      Object[] keys = map.keySet().toArray();
      Arrays.sort(keys);
      putByte(MAP);
      putInt(keys.length);
      for (Object k : keys) {
        putText((String) k);
        putValue(map.get(k));
      }
    } else {
      // Records normalise their values, so this is a programming error, not bad data.
      throw new IllegalArgumentException("cannot hash a " + v.getClass().getName());
    }
  }

  private void putInteger(long value) {
    putByte(INTEGER);
    putLong(value);
  }

  private void putDecimal(BigDecimal d) {
    int scale = d.scale();
    if (scale > dev.sluice.ValueLimits.MAX_DECIMAL_SCALE || scale < -dev.sluice.ValueLimits.MAX_DECIMAL_SCALE) {
      // Beyond the limits (the record is refused): hashed without expanding it.
      suspect = true;
      putByte(BIG_DECIMAL);
      putInt(scale);
      return;
    }
    if (d.signum() == 0) {
      putInteger(0);
      return;
    }
    if (scale >= 0 && d.precision() <= 18) {
      // Digits fit in a long: strip trailing zeros arithmetically, without new BigDecimals.
      long unscaled = scale == 0 ? d.longValue() : d.unscaledValue().longValue();
      while (scale > 0 && unscaled % 10 == 0) {
        unscaled /= 10;
        scale--;
      }
      if (scale == 0) {
        putInteger(unscaled);
      } else {
        putByte(DECIMAL);
        putInt(scale);
        putLong(unscaled);
      }
      return;
    }
    if (dev.sluice.ValueLimits.decimalProblem(d) != null) {
      // Beyond the limits: stripping its zeros could cost minutes; the record is refused anyway.
      suspect = true;
      putByte(BIG_DECIMAL);
      putInt(scale);
      return;
    }
    BigDecimal s = d.stripTrailingZeros();
    if (s.scale() <= 0 && s.compareTo(LONG_MIN) >= 0 && s.compareTo(LONG_MAX) <= 0) {
      putInteger(s.longValueExact());
      return;
    }
    BigInteger unscaled = s.unscaledValue();
    if (unscaled.bitLength() < 64) {
      putByte(DECIMAL);
      putInt(s.scale());
      putLong(unscaled.longValue());
      return;
    }
    putByte(BIG_DECIMAL);
    putInt(s.scale());
    byte[] bytes = unscaled.toByteArray();
    putInt(bytes.length);
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, len, bytes.length);
    len += bytes.length;
  }

  private void putText(String s) {
    int n = s.length();
    // Length prefix patched in afterwards: the UTF-8 length is known only once encoded.
    int lengthAt = len;
    ensure(4 + n * 3);
    len += 4;
    int p = len;
    byte[] b = buf;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xF0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        // Lone surrogates are encoded as their code unit, which keeps the encoding injective.
        suspect |= Character.isSurrogate(c);
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    int bytes = p - len;
    len = lengthAt;
    putInt(bytes);
    len = p;
  }

  private void putByte(byte v) {
    ensure(1);
    buf[len++] = v;
  }

  private void putInt(int v) {
    ensure(4);
    INTS.set(buf, len, v);
    len += 4;
  }

  private void putLong(long v) {
    ensure(8);
    LONGS.set(buf, len, v);
    len += 8;
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  /** XXH64 of raw bytes, exposed for tests of the hash function itself. */
  static long xxh64(byte[] bytes) {
    return XxHash64.hash(bytes, 0, bytes.length);
  }
}
