package dev.sluice.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Length-prefixed strings (length -1 = null) for Sluice's binary files: UTF-8, except that a lone
 * UTF-16 surrogate is written as the three bytes of its code unit (as WTF-8 does), so that every
 * Java string comes back exactly as it was written — plain UTF-8 would turn it into {@code ?}.
 * Through streams, or straight into byte arrays ({@link #putString}): both give the same bytes.
 */
public final class Binary {

  /** Longer strings than this in a file mean the file is damaged. */
  private static final int MAX_LENGTH = 1 << 24;

  private Binary() {}

  public static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] bytes = encode(s);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  public static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    if (n > MAX_LENGTH) {
      throw new IOException("string length " + n + " is implausible");
    }
    byte[] bytes = new byte[n];
    in.readFully(bytes);
    return decode(bytes, 0, n);
  }

  /** The most bytes {@link #putString} may write for {@code s}. */
  public static int maxBytes(String s) {
    return 4 + 3 * s.length();
  }

  /**
   * Writes {@code s} (not null) as {@link #writeString} does into {@code buf} at {@code pos},
   * which has {@link #maxBytes} room; returns the position after it.
   */
  public static int putString(byte[] buf, int pos, String s) {
    int n = s.length();
    int p = pos + 4;
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        break;
      }
      buf[p++] = (byte) c;
      i++;
    }
    if (i < n) {
      byte[] rest = encode(s.substring(i));
      System.arraycopy(rest, 0, buf, p, rest.length);
      p += rest.length;
    }
    int length = p - pos - 4;
    buf[pos] = (byte) (length >>> 24);
    buf[pos + 1] = (byte) (length >>> 16);
    buf[pos + 2] = (byte) (length >>> 8);
    buf[pos + 3] = (byte) length;
    return p;
  }

  /** The bytes of {@code s}: UTF-8, with lone surrogates kept as their code unit. */
  public static byte[] encode(String s) {
    int n = s.length();
    boolean lone = false;
    for (int i = 0; i < n && !lone; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        lone = true;
      }
    }
    if (!lone) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    byte[] b = new byte[n * 3];
    int p = 0;
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
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return java.util.Arrays.copyOf(b, p);
  }

  /** The string {@link #encode} wrote into {@code bytes[from, from + length)}. */
  public static String decode(byte[] bytes, int from, int length) {
    String s = new String(bytes, from, length, StandardCharsets.UTF_8);
    if (s.indexOf('\uFFFD') < 0) {
      return s;
    }
    // A replacement character: either real, or a lone surrogate written as its code unit.
    StringBuilder sb = new StringBuilder(length);
    int end = from + length;
    int i = from;
    while (i < end) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        sb.append((char) b);
        i++;
      } else if ((b & 0xE0) == 0xC0 && continuation(bytes, i + 1, end, 1)) {
        sb.append((char) (((b & 0x1F) << 6) | (bytes[i + 1] & 0x3F)));
        i += 2;
      } else if ((b & 0xF0) == 0xE0 && continuation(bytes, i + 1, end, 2)) {
        sb.append((char) (((b & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F)));
        i += 3;
      } else if ((b & 0xF8) == 0xF0 && continuation(bytes, i + 1, end, 3)) {
        int cp = ((b & 0x07) << 18) | ((bytes[i + 1] & 0x3F) << 12) | ((bytes[i + 2] & 0x3F) << 6) | (bytes[i + 3] & 0x3F);
        sb.appendCodePoint(cp <= Character.MAX_CODE_POINT ? cp : 0xFFFD);
        i += 4;
      } else {
        sb.append('\uFFFD');
        i++;
      }
    }
    return sb.toString();
  }

  private static boolean continuation(byte[] bytes, int at, int end, int count) {
    if (at + count > end) {
      return false;
    }
    for (int k = 0; k < count; k++) {
      if ((bytes[at + k] & 0xC0) != 0x80) {
        return false;
      }
    }
    return true;
  }
}
