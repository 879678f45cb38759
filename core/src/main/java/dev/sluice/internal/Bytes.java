package dev.sluice.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable byte array with the few encoders the sort and its record codec need: varints,
 * big-endian longs and ints, and text in {@link KeyBytes}' lossless encoding. Not thread-safe.
 */
final class Bytes {

  static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  byte[] data;
  int length;

  Bytes(int capacity) {
    data = new byte[Math.max(16, capacity)];
  }

  /** Makes room for {@code extra} more bytes. */
  void ensure(int extra) {
    if (data.length - length < extra) {
      long wanted = Math.max((long) length + extra, (long) data.length * 2);
      if (wanted > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("a sort buffer cannot grow beyond 2 GiB");
      }
      data = Arrays.copyOf(data, (int) wanted);
    }
  }

  void put(int b) {
    ensure(1);
    data[length++] = (byte) b;
  }

  void putInt(int v) {
    ensure(4);
    INTS.set(data, length, v);
    length += 4;
  }

  void putLong(long v) {
    ensure(8);
    LONGS.set(data, length, v);
    length += 8;
  }

  /** An unsigned LEB128 varint. */
  void putVarint(int v) {
    ensure(5);
    while ((v & ~0x7F) != 0) {
      data[length++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    data[length++] = (byte) v;
  }

  /** A signed long, zigzag-encoded as a varint: small magnitudes take few bytes. */
  void putSignedVarlong(long v) {
    ensure(10);
    long z = (v << 1) ^ (v >> 63);
    while ((z & ~0x7FL) != 0) {
      data[length++] = (byte) ((z & 0x7F) | 0x80);
      z >>>= 7;
    }
    data[length++] = (byte) z;
  }

  void put(byte[] bytes, int offset, int count) {
    ensure(count);
    System.arraycopy(bytes, offset, data, length, count);
    length += count;
  }

  /** Text as its {@link KeyBytes} length (a varint) and bytes: every string comes back exactly. */
  void putText(String s) {
    int at = length;
    ensure(5);
    length += 1; // most texts are shorter than 128 bytes: one varint byte, fixed below if not
    int start = length;
    KeyBytes.encode(s, this);
    int n = length - start;
    if (n < 0x80) {
      data[at] = (byte) n;
      return;
    }
    int extra = varintSize(n) - 1;
    ensure(extra);
    System.arraycopy(data, start, data, start + extra, n);
    length += extra;
    int p = at;
    int v = n;
    while ((v & ~0x7F) != 0) {
      data[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    data[p] = (byte) v;
  }

  static int varintSize(int v) {
    int n = 1;
    while ((v & ~0x7F) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /** Reads what {@link Bytes} wrote, from a region of an array. Not thread-safe. */
  static final class Reader {
    private final byte[] data;
    int pos;
    private final int end;

    Reader(byte[] data, int offset, int length) {
      this.data = data;
      this.pos = offset;
      this.end = offset + length;
    }

    private void need(int n) {
      if (end - pos < n) {
        throw new IllegalStateException("corrupt sort entry: it ends early");
      }
    }

    int get() {
      need(1);
      return data[pos++];
    }

    int getInt() {
      need(4);
      int v = (int) INTS.get(data, pos);
      pos += 4;
      return v;
    }

    long getLong() {
      need(8);
      long v = (long) LONGS.get(data, pos);
      pos += 8;
      return v;
    }

    int getVarint() {
      int value = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        int b = get() & 0xFF;
        value |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IllegalStateException("corrupt sort entry: a varint is too long");
    }

    long getSignedVarlong() {
      long z = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        long b = get() & 0xFF;
        z |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return (z >>> 1) ^ -(z & 1);
        }
      }
      throw new IllegalStateException("corrupt sort entry: a varint is too long");
    }

    byte[] getBytes(int n) {
      need(n);
      byte[] b = Arrays.copyOfRange(data, pos, pos + n);
      pos += n;
      return b;
    }

    String getText() {
      int n = getVarint();
      need(n);
      String s = KeyBytes.decode(data, pos, n);
      pos += n;
      return s;
    }
  }
}
