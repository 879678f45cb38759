package dev.sluice.internal;

import dev.sluice.diff.KeyOrder;
import java.nio.charset.StandardCharsets;

/**
 * Text as bytes whose unsigned lexicographic order is {@link KeyOrder} (code point order), and
 * which decode back to exactly the same string. Valid text is plain UTF-8. A lone surrogate, which
 * UTF-8 cannot express, gets bytes that UTF-8 never uses, placed where {@link KeyOrder} puts it: a
 * lone high surrogate as the code point just below the first one its pairs would start, followed
 * by {@code 0xFF}; a lone low surrogate as {@code 0xF8} and its two bytes, above every code point.
 */
final class KeyBytes {

  private static final byte LONE_HIGH = (byte) 0xFF;
  private static final int LONE_LOW = 0xF8;

  private KeyBytes() {}

  /** Appends the bytes of {@code s} to {@code out}. */
  static void encode(String s, Bytes out) {
    int n = s.length();
    if (n >= 32) {
      // The JDK encodes long ASCII text with a vectorised copy (into an array of its own, which is
      // why short texts take the loop below); one byte per char means ASCII, unless a lone
      // surrogate became '?' (then the long way below keeps it).
      byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
      if (utf8.length == n && noQuestionMark(utf8)) {
        out.put(utf8, 0, n);
        return;
      }
    }
    out.ensure(n);
    byte[] d = out.data;
    int p = out.length;
    int i = 0;
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        break;
      }
      d[p++] = (byte) c;
    }
    if (i < n) {
      out.length = p;
      out.ensure(5 * (n - i)); // a lone high surrogate takes the most: four bytes and a marker
      d = out.data;
      for (; i < n; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          d[p++] = (byte) c;
        } else if (c < 0x800) {
          d[p++] = (byte) (0xC0 | c >> 6);
          d[p++] = (byte) (0x80 | c & 0x3F);
        } else if (Character.isHighSurrogate(c)) {
          if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
            p = putCodePoint(d, p, Character.toCodePoint(c, s.charAt(++i)));
          } else {
            p = putCodePoint(d, p, 0x10000 + ((c - 0xD800) << 10) - 1);
            d[p++] = LONE_HIGH;
          }
        } else if (Character.isLowSurrogate(c)) {
          d[p++] = (byte) LONE_LOW;
          d[p++] = (byte) (c >> 8);
          d[p++] = (byte) c;
        } else {
          p = putCodePoint(d, p, c);
        }
      }
    }
    out.length = p;
  }

  private static boolean noQuestionMark(byte[] b) {
    for (byte x : b) {
      if (x == '?') {
        return false;
      }
    }
    return true;
  }

  private static int putCodePoint(byte[] d, int p, int cp) {
    if (cp < 0x800) {
      d[p++] = (byte) (0xC0 | cp >> 6);
    } else if (cp < 0x10000) {
      d[p++] = (byte) (0xE0 | cp >> 12);
      d[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
    } else {
      d[p++] = (byte) (0xF0 | cp >> 18);
      d[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
      d[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
    }
    d[p++] = (byte) (0x80 | cp & 0x3F);
    return p;
  }

  /** The string whose bytes are {@code b[offset, offset + length)}. */
  static String decode(byte[] b, int offset, int length) {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (b[i] < 0) {
        return decodeSlow(b, offset, end);
      }
    }
    return new String(b, offset, length, StandardCharsets.ISO_8859_1);
  }

  private static String decodeSlow(byte[] b, int i, int end) {
    char[] out = new char[end - i];
    int n = 0;
    while (i < end) {
      int x = b[i] & 0xFF;
      if (x < 0x80) {
        out[n++] = (char) x;
        i++;
        continue;
      }
      if (x == LONE_LOW) {
        out[n++] = (char) ((b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF));
        i += 3;
        continue;
      }
      int cp;
      if (x < 0xE0) {
        cp = (x & 0x1F) << 6 | (b[i + 1] & 0x3F);
        i += 2;
      } else if (x < 0xF0) {
        cp = (x & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | (b[i + 2] & 0x3F);
        i += 3;
      } else {
        cp = (x & 0x07) << 18 | (b[i + 1] & 0x3F) << 12 | (b[i + 2] & 0x3F) << 6 | (b[i + 3] & 0x3F);
        i += 4;
      }
      if (i < end && b[i] == LONE_HIGH) {
        out[n++] = (char) (0xD800 + ((cp + 1 - 0x10000) >> 10));
        i++;
      } else if (cp >= 0x10000) {
        out[n++] = Character.highSurrogate(cp);
        out[n++] = Character.lowSurrogate(cp);
      } else {
        out[n++] = (char) cp;
      }
    }
    return new String(out, 0, n);
  }
}
