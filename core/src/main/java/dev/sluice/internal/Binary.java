package dev.sluice.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Length-prefixed UTF-8 strings (length -1 = null) for Sluice's binary files, through streams or
 * straight into and out of byte arrays: both ways give the same bytes.
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
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  public static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    checkLength(n);
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
      byte[] rest = s.substring(i).getBytes(StandardCharsets.UTF_8);
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

  /** The string of {@code length} bytes that {@link #writeString} wrote after its length. */
  public static String decode(byte[] buf, int offset, int length) throws IOException {
    checkLength(length);
    for (int i = offset, end = offset + length; i < end; i++) {
      if (buf[i] < 0) {
        return new String(buf, offset, length, StandardCharsets.UTF_8);
      }
    }
    return new String(buf, offset, length, StandardCharsets.ISO_8859_1);
  }

  private static void checkLength(int n) throws IOException {
    if (n > MAX_LENGTH) {
      throw new IOException("string length " + n + " is implausible");
    }
  }
}
