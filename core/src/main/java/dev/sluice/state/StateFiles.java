package dev.sluice.state;

import dev.sluice.diff.KeyOrder;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import dev.sluice.internal.Binary;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;

/**
 * The binary formats of {@link FileStateStore}.
 *
 * <p><b>Snapshot</b> ({@code NAME.state}): magic {@code SLUICE-S}, format version, generation
 * (random, ties a journal to its snapshot), fingerprint; then the entries in ascending
 * {@link KeyOrder}, each as the number of leading characters shared with the previous key, the rest
 * of the key in UTF-8 (length-prefixed) and the 64-bit hash; then magic {@code SLUICE-E}, the entry
 * count and the CRC32C of everything before it.
 *
 * <p><b>Journal</b> ({@code NAME.journal}): magic {@code SLUICE-J}, format version, the generation of
 * the snapshot it extends; then one block per checkpoint: payload length, CRC32C of the payload,
 * payload (entries: 1 = put with key and hash, 2 = remove with key). A torn last block is ignored.
 */
final class StateFiles {

  static final long SNAPSHOT_MAGIC = 0x534c554943452d53L; // "SLUICE-S"
  static final long END_MAGIC = 0x534c554943452d45L; // "SLUICE-E"
  static final long JOURNAL_MAGIC = 0x534c554943452d4aL; // "SLUICE-J"
  static final int VERSION = 1;
  static final byte PUT = 1;
  static final byte REMOVE = 2;
  private static final int BUFFER = 1 << 16;
  private static final VarHandle BIG_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private StateFiles() {}

  /** The header of a snapshot: what a session needs before reading entries. */
  static final class Header {
    final long generation;
    final String fingerprint;
    final long count;

    Header(long generation, String fingerprint, long count) {
      this.generation = generation;
      this.fingerprint = fingerprint;
      this.count = count;
    }
  }

  /**
   * Reads the whole snapshot once, checking magic, order and checksum.
   *
   * @throws StateStoreException naming the file when it is torn or corrupted
   */
  static Header verify(Path file) {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
      long size = Files.size(file);
      if (!endsWithEndMarker(file, size)) {
        throw corrupted(file, startsWithMagic(file) ? "it ends early (torn write)" : "it is not a Sluice state file");
      }
      CheckedInputStream checked = new CheckedInputStream(raw, new CRC32C());
      DataInputStream in = new DataInputStream(checked);
      if (in.readLong() != SNAPSHOT_MAGIC) {
        throw corrupted(file, "it is not a Sluice state file");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw corrupted(file, "format version " + version + " is not supported by this Sluice version");
      }
      long generation = in.readLong();
      String fingerprint = readString(in);
      // The checksum covers everything up to the trailer: stream those bytes without decoding.
      long covered = size - 16;
      long remaining = covered - (8 + 4 + 8 + 4 + (fingerprint == null ? 0 : fingerprint.getBytes(StandardCharsets.UTF_8).length));
      byte[] chunk = new byte[BUFFER];
      while (remaining > 0) {
        int n = in.read(chunk, 0, (int) Math.min(chunk.length, remaining));
        if (n < 0) {
          throw new EOFException();
        }
        remaining -= n;
      }
      long expected = checked.getChecksum().getValue();
      DataInputStream trailer = new DataInputStream(raw);
      long count = trailer.readLong();
      long storedChecksum = trailer.readLong();
      if (storedChecksum != expected) {
        throw corrupted(file, "its checksum does not match");
      }
      if (count < 0) {
        throw corrupted(file, "its entry count is negative");
      }
      return new Header(generation, fingerprint, count);
    } catch (EOFException e) {
      throw corrupted(file, "it ends early (torn write)");
    } catch (FileSystemException e) {
      throw new StateStoreException("cannot read the state file " + file + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw corrupted(file, String.valueOf(e.getMessage()));
    }
  }

  private static boolean startsWithMagic(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      return in.readLong() == SNAPSHOT_MAGIC;
    } catch (EOFException e) {
      return false;
    }
  }

  /** Whether the end marker (flag 1 and the end magic) sits just before the 16-byte trailer. */
  private static boolean endsWithEndMarker(Path file, long size) throws IOException {
    if (size < 8 + 4 + 8 + 4 + 9 + 16) {
      return false;
    }
    try (java.io.RandomAccessFile in = new java.io.RandomAccessFile(file.toFile(), "r")) {
      in.seek(size - 25);
      return in.readUnsignedByte() == 1 && in.readLong() == END_MAGIC;
    }
  }

  static StateStoreException corrupted(Path file, String why) {
    return new StateStoreException("the state file " + file + " is damaged: " + why + ". Sluice refuses to"
        + " guess what the destination holds; restore the file from a backup, or delete it (and its"
        + " .journal) to send every record again on the next run");
  }

  /**
   * Reads a snapshot's entries one after another, straight from a file channel into a large
   * buffer (the snapshot was verified when the session opened, so no checksum here). Each entry
   * starts with flag 0; flag 1 and the end magic end them. Not thread-safe.
   */
  static final class SnapshotReader implements AutoCloseable {
    private static final int READ_BUFFER = 1 << 20;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER);
    private final byte[] data = buffer.array();
    private int pos;
    private int limit;
    private char[] chars = new char[64];
    private int length;
    private String key;
    private long hash;

    /** Opens {@code file} and skips its header. */
    SnapshotReader(Path file) throws IOException {
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
      try {
        fill(8 + 4 + 8 + 4);
        pos += 8 + 4 + 8;
        int fingerprintBytes = readInt();
        if (fingerprintBytes > 0) {
          skip(fingerprintBytes);
        }
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    }

    /** Reads the next entry; false at the end marker. Keys must ascend, or it throws. */
    boolean next() throws IOException {
      fill(1);
      int flag = data[pos++];
      if (flag == 1) {
        fill(8);
        if (readLong() != END_MAGIC) {
          throw new IOException("bad end marker");
        }
        return false;
      }
      if (flag != 0) {
        throw new IOException("bad entry flag " + flag);
      }
      int shared = readVarint();
      int suffixBytes = readVarint();
      if (shared > length) {
        throw new IOException("bad shared prefix " + shared);
      }
      fill(suffixBytes + 8);
      if (shared + suffixBytes > chars.length) {
        chars = java.util.Arrays.copyOf(chars, Math.max(shared + suffixBytes, chars.length * 2));
      }
      int oldLength = length;
      char oldAtShared = shared < oldLength ? chars[shared] : 0;
      int n = shared;
      int end = pos + suffixBytes;
      for (int i = pos; i < end; i++) {
        byte b = data[i];
        if (b < 0) {
          n = -1;
          break;
        }
        chars[n++] = (char) b;
      }
      if (n < 0) {
        String rest = new String(data, pos, suffixBytes, StandardCharsets.UTF_8);
        if (shared + rest.length() > chars.length) {
          chars = java.util.Arrays.copyOf(chars, Math.max(shared + rest.length(), chars.length * 2));
        }
        rest.getChars(0, rest.length(), chars, shared);
        n = shared + rest.length();
      }
      pos = end;
      String previous = key;
      length = n;
      key = new String(chars, 0, length);
      hash = readLong();
      if (previous != null && !ascends(previous, shared, oldLength, oldAtShared)) {
        throw new IOException("keys out of order at '" + key + "'");
      }
      return true;
    }

    /**
     * Whether the key just read follows {@code previous}, which it shares {@code shared} chars
     * with: decided by the first differing char, unless a surrogate makes code point order differ
     * from char order there.
     */
    private boolean ascends(String previous, int shared, int oldLength, char oldAtShared) {
      if (shared == oldLength) {
        return length > shared;
      }
      if (length == shared) {
        return false;
      }
      char now = chars[shared];
      if (now != oldAtShared && !Character.isSurrogate(now) && !Character.isSurrogate(oldAtShared)) {
        return now > oldAtShared;
      }
      return KeyOrder.compare(previous, key) < 0;
    }

    String key() {
      return key;
    }

    long hash() {
      return hash;
    }

    private int readVarint() throws IOException {
      int value = 0;
      for (int shift = 0; shift < 32; shift += 7) {
        fill(1);
        int b = data[pos++] & 0xFF;
        value |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IOException("varint too long");
    }

    private int readInt() {
      int v = (data[pos] & 0xFF) << 24 | (data[pos + 1] & 0xFF) << 16 | (data[pos + 2] & 0xFF) << 8 | (data[pos + 3] & 0xFF);
      pos += 4;
      return v;
    }

    private long readLong() {
      long v = (long) BIG_ENDIAN_LONGS.get(data, pos);
      pos += 8;
      return v;
    }

    private void skip(int bytes) throws IOException {
      while (bytes > 0) {
        fill(1);
        int n = Math.min(bytes, limit - pos);
        pos += n;
        bytes -= n;
      }
    }

    /** Makes at least {@code needed} unread bytes available in {@code data[pos..limit)}. */
    private void fill(int needed) throws IOException {
      if (limit - pos >= needed) {
        return;
      }
      if (needed > data.length) {
        throw new IOException("entry of " + needed + " bytes is larger than any key");
      }
      System.arraycopy(data, pos, data, 0, limit - pos);
      limit -= pos;
      pos = 0;
      while (limit < needed) {
        buffer.limit(data.length).position(limit);
        int n = channel.read(buffer);
        if (n < 0) {
          throw new EOFException();
        }
        limit += n;
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /**
   * Writes a snapshot entry by entry, then its trailer: entries are encoded into a large buffer,
   * and the checksum is taken over each buffer as a whole. Not thread-safe.
   */
  static final class SnapshotWriter implements AutoCloseable {
    private final OutputStream target;
    private final CRC32C crc = new CRC32C();
    private final byte[] buf = new byte[1 << 20];
    private int len;
    private String previous = "";
    private long count;

    SnapshotWriter(OutputStream target, long generation, String fingerprint) throws IOException {
      this.target = target;
      java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(header);
      out.writeLong(SNAPSHOT_MAGIC);
      out.writeInt(VERSION);
      out.writeLong(generation);
      writeString(out, fingerprint);
      out.flush();
      byte[] bytes = header.toByteArray();
      put(bytes, 0, bytes.length);
    }

    void write(String key, long hash) throws IOException {
      int shared = 0;
      int max = Math.min(previous.length(), key.length());
      while (shared < max && previous.charAt(shared) == key.charAt(shared)) {
        shared++;
      }
      if (shared > 0 && Character.isHighSurrogate(key.charAt(shared - 1))) {
        shared--; // never split a surrogate pair: the rest must be valid UTF-16 on its own
      }
      int rest = key.length() - shared;
      room(1 + 5 + 5 + rest * 3 + 8);
      buf[len++] = 0;
      boolean ascii = true;
      for (int i = shared; i < key.length(); i++) {
        if (key.charAt(i) >= 0x80) {
          ascii = false;
          break;
        }
      }
      len = putVarint(buf, len, shared);
      if (ascii) {
        len = putVarint(buf, len, rest);
        for (int i = shared; i < key.length(); i++) {
          buf[len++] = (byte) key.charAt(i);
        }
      } else {
        byte[] suffix = key.substring(shared).getBytes(StandardCharsets.UTF_8);
        len = putVarint(buf, len, suffix.length);
        System.arraycopy(suffix, 0, buf, len, suffix.length);
        len += suffix.length;
      }
      BIG_ENDIAN_LONGS.set(buf, len, hash);
      len += 8;
      previous = key;
      count++;
    }

    /** Writes the end marker, count and checksum, and flushes; the caller forces to disk. */
    void finish() throws IOException {
      room(9);
      buf[len++] = 1;
      BIG_ENDIAN_LONGS.set(buf, len, END_MAGIC);
      len += 8;
      drain();
      byte[] trailer = new byte[16];
      BIG_ENDIAN_LONGS.set(trailer, 0, count);
      BIG_ENDIAN_LONGS.set(trailer, 8, crc.getValue());
      target.write(trailer);
      target.flush();
    }

    long count() {
      return count;
    }

    private void put(byte[] bytes, int offset, int length) throws IOException {
      room(length);
      System.arraycopy(bytes, offset, buf, len, length);
      len += length;
    }

    /** Makes room for {@code bytes} more in the buffer (keys are far smaller than the buffer). */
    private void room(int bytes) throws IOException {
      if (len + bytes > buf.length) {
        drain();
        if (bytes > buf.length) {
          throw new IOException("a key of " + bytes + " bytes is too long for a state file");
        }
      }
    }

    private void drain() throws IOException {
      crc.update(buf, 0, len);
      target.write(buf, 0, len);
      len = 0;
    }

    private static int putVarint(byte[] b, int at, int value) {
      while ((value & ~0x7F) != 0) {
        b[at++] = (byte) ((value & 0x7F) | 0x80);
        value >>>= 7;
      }
      b[at++] = (byte) value;
      return at;
    }

    @Override
    public void close() throws IOException {
      target.close();
    }
  }

  static void putLong(byte[] buf, int at, long value) {
    BIG_ENDIAN_LONGS.set(buf, at, value);
  }

  static void writeString(DataOutputStream out, String s) throws IOException {
    Binary.writeString(out, s);
  }

  static String readString(DataInputStream in) throws IOException {
    return Binary.readString(in);
  }
}
