package dev.sluice.diff;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import dev.sluice.internal.Binary;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

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

  /** Reads entries one after another: each starts with flag 0; flag 1 and the end magic end them. */
  static final class SnapshotReader {
    private final DataInputStream in;
    private char[] chars = new char[64];
    private byte[] bytes = new byte[64];
    private int length;
    private String key;
    private long hash;

    SnapshotReader(DataInputStream in) {
      this.in = in;
    }

    /** Reads the next entry; false at the end marker. Keys must ascend, or it throws. */
    boolean next() throws IOException {
      int flag = in.readUnsignedByte();
      if (flag == 1) {
        if (in.readLong() != END_MAGIC) {
          throw new IOException("bad end marker");
        }
        return false;
      }
      if (flag != 0) {
        throw new IOException("bad entry flag " + flag);
      }
      int shared = readVarint(in);
      int suffixBytes = readVarint(in);
      if (shared > length) {
        throw new IOException("bad shared prefix " + shared);
      }
      if (suffixBytes > bytes.length) {
        bytes = new byte[Math.max(suffixBytes, bytes.length * 2)];
      }
      in.readFully(bytes, 0, suffixBytes);
      if (shared + suffixBytes > chars.length) {
        chars = java.util.Arrays.copyOf(chars, Math.max(shared + suffixBytes, chars.length * 2));
      }
      int n = shared;
      boolean ascii = true;
      for (int i = 0; i < suffixBytes; i++) {
        byte b = bytes[i];
        if (b < 0) {
          ascii = false;
          break;
        }
        chars[n++] = (char) b;
      }
      if (!ascii) {
        String rest = new String(bytes, 0, suffixBytes, StandardCharsets.UTF_8);
        rest.getChars(0, rest.length(), chars, shared);
        n = shared + rest.length();
      }
      String previous = key;
      length = n;
      key = new String(chars, 0, length);
      hash = in.readLong();
      if (previous != null && KeyOrder.compare(previous, key) >= 0) {
        throw new IOException("keys out of order at '" + key + "'");
      }
      return true;
    }

    String key() {
      return key;
    }

    long hash() {
      return hash;
    }
  }

  /** Writes a snapshot entry by entry, then its trailer. Not thread-safe. */
  static final class SnapshotWriter implements AutoCloseable {
    private final OutputStream raw;
    private final CheckedOutputStream checked;
    private final DataOutputStream out;
    private String previous = "";
    private long count;

    SnapshotWriter(OutputStream target, long generation, String fingerprint) throws IOException {
      this.raw = new BufferedOutputStream(target, BUFFER);
      this.checked = new CheckedOutputStream(raw, new CRC32C());
      this.out = new DataOutputStream(checked);
      out.writeLong(SNAPSHOT_MAGIC);
      out.writeInt(VERSION);
      out.writeLong(generation);
      writeString(out, fingerprint);
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
      byte[] suffix = key.substring(shared).getBytes(StandardCharsets.UTF_8);
      out.writeByte(0);
      writeVarint(out, shared);
      writeVarint(out, suffix.length);
      out.write(suffix);
      out.writeLong(hash);
      previous = key;
      count++;
    }

    /** Writes the end marker, count and checksum, and flushes; the caller forces to disk. */
    void finish() throws IOException {
      out.writeByte(1);
      out.writeLong(END_MAGIC);
      out.flush();
      DataOutputStream trailer = new DataOutputStream(raw);
      trailer.writeLong(count);
      trailer.writeLong(checked.getChecksum().getValue());
      trailer.flush();
    }

    long count() {
      return count;
    }

    @Override
    public void close() throws IOException {
      raw.close();
    }
  }

  static void writeVarint(DataOutputStream out, int value) throws IOException {
    while ((value & ~0x7F) != 0) {
      out.writeByte((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.writeByte(value);
  }

  static int readVarint(DataInputStream in) throws IOException {
    int value = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("varint too long");
  }

  static void writeString(DataOutputStream out, String s) throws IOException {
    Binary.writeString(out, s);
  }

  static String readString(DataInputStream in) throws IOException {
    return Binary.readString(in);
  }
}
