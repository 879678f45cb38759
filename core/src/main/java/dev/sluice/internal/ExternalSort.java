package dev.sluice.internal;

import dev.sluice.Sync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sorts more entries than fit in memory. An entry is a text key, a tag byte, a 64-bit value and an
 * opaque payload; entries come out in {@link dev.sluice.diff.KeyOrder} of their keys, entries with
 * equal keys in the order they were added (the sort is stable).
 *
 * <p>Entries are encoded into a byte buffer as they are added, keys in {@link KeyBytes} (whose
 * unsigned byte order is the key order). A full buffer (a number of entries or of bytes) is handed
 * to a thread of its own, which sorts it and writes it to a temporary file (a run) while the
 * caller fills another: up to two buffers are sorted and written while a third fills. Sorting
 * looks at the seven key bytes that follow the prefix all keys of the buffer share, packed with a
 * length mark into one long, and radix-sorts those longs; only keys equal in all those bytes are
 * compared further. At the end the runs are merged through a loser tree (in several passes when
 * there are more than {@code fanIn}), through large channel reads, the last merge on a thread of
 * its own a few chunks ahead of the reader. When everything fits in one buffer, nothing touches
 * the disk.
 *
 * <p>Run files live in a directory of their own under the spill directory, locked while the sort
 * lives; {@link #close} removes it, and a new sort removes the directories that a process which
 * died mid-sort left behind. Not thread-safe: one thread adds, then reads.
 */
public final class ExternalSort implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Sync.LOGGER + ".sort");
  private static final String DIRECTORY_PREFIX = "sluice-sort-";
  /** The read buffer of each run in a merge. */
  public static final int READ_BUFFER_BYTES = 1 << 18;
  private static final int WRITE_BUFFER_BYTES = 1 << 20;
  /** Bytes ahead of an entry: its length, then the key length varint. */
  private static final int LENGTH_BYTES = 4;
  private static final int SPILLS_IN_FLIGHT = 2;

  private final Path spillDirectory;
  private final int maxEntries;
  private final int maxBytes;
  private final int fanIn;
  private Buffer filling;
  /** Buffers handed to the spill thread, oldest first, with their tasks; at most {@value #SPILLS_IN_FLIGHT}. */
  private final java.util.ArrayDeque<Spill> spills = new java.util.ArrayDeque<>();
  private final java.util.ArrayDeque<Buffer> free = new java.util.ArrayDeque<>();
  private final List<RunFile> runs = new ArrayList<>();
  private final List<AutoCloseable> open = new ArrayList<>();
  private ExecutorService spiller;
  private Path directory;
  private FileChannel lockChannel;
  private FileLock lock;
  private int fileCounter;
  private int mergePasses;
  private long entryStart = -1;
  private boolean reading;
  private boolean closed;

  /**
   * A sort.
   *
   * @param spillDirectory where run files go (in a directory of their own), created if absent
   * @param maxEntries entries sorted in memory before a run is written
   * @param maxBytes bytes of encoded entries sorted in memory before a run is written; memory is
   *     up to twice this plus 28 bytes per entry, for each of the three buffers
   * @param fanIn how many runs one merge pass reads at once (each through its own read buffer)
   */
  public ExternalSort(Path spillDirectory, int maxEntries, int maxBytes, int fanIn) {
    if (maxEntries < 1 || maxBytes < 1 || fanIn < 2) {
      throw new IllegalArgumentException("a sort needs maxEntries >= 1, maxBytes >= 1 and fanIn >= 2, was "
          + maxEntries + ", " + maxBytes + ", " + fanIn);
    }
    this.spillDirectory = spillDirectory;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.fanIn = fanIn;
    this.filling = new Buffer(Math.min(maxBytes, 1 << 16), Math.min(maxEntries, 1024));
  }

  /** Adds an entry without payload. */
  public void add(String key, int tag, long value) {
    begin(key, tag, value);
    end();
  }

  /**
   * Starts an entry; append its payload to the returned bytes, then call {@link #end}. The
   * returned object is only valid until then.
   */
  Bytes begin(String key, int tag, long value) {
    if (reading || closed) {
      throw new IllegalStateException("entries can only be added before the sort is read");
    }
    if (entryStart >= 0) {
      throw new IllegalStateException("the previous entry was not ended");
    }
    Bytes b = filling.bytes;
    entryStart = b.length;
    b.putInt(0); // the entry's length, set by end()
    int keyAt = b.length;
    b.put(0); // key length, one byte for keys shorter than 128 bytes; the key moves along otherwise
    int keyStart = b.length;
    KeyBytes.encode(key, b);
    int keyLength = b.length - keyStart;
    if (keyLength >= 0x80) {
      int extra = Bytes.varintSize(keyLength) - 1;
      b.ensure(extra);
      System.arraycopy(b.data, keyStart, b.data, keyStart + extra, keyLength);
      b.length += extra;
      putVarint(b.data, keyAt, keyLength);
      keyStart += extra;
    } else {
      b.data[keyAt] = (byte) keyLength;
    }
    filling.noteKey(keyStart, keyLength);
    b.put(tag);
    b.putLong(value);
    return b;
  }

  /** Ends the entry begun last; may hand the buffer over to be sorted and written. */
  void end() {
    Bytes b = filling.bytes;
    int start = (int) entryStart;
    Bytes.INTS.set(b.data, start, b.length - start - LENGTH_BYTES);
    filling.addOffset(start);
    entryStart = -1;
    if (filling.count >= maxEntries || b.length >= maxBytes) {
      spill();
    }
  }

  /** How many runs went to disk so far (including runs of merge passes). */
  public int spilledRuns() {
    return fileCounter;
  }

  /** How many merge passes ran before the final merge (the runs outnumbered the fan-in). */
  public int mergePasses() {
    return mergePasses;
  }

  /**
   * All entries added, in order. Call once, after the last add. The cursor is closed with the
   * sort.
   */
  public Cursor sorted() {
    if (reading) {
      throw new IllegalStateException("a sort is read once");
    }
    reading = true;
    try {
      if (runs.isEmpty() && spills.isEmpty()) {
        filling.sort();
        return new Cursor(new MemoryRun(filling));
      }
      if (filling.count > 0) {
        spill();
      }
      while (!spills.isEmpty()) {
        awaitSpill();
      }
      shutdownSpiller();
      filling = null;
      free.clear();
      while (runs.size() > fanIn) {
        mergePass();
      }
      List<Run> heads = new ArrayList<>();
      for (RunFile run : runs) {
        FileRun reader = new FileRun(run, READ_BUFFER_BYTES);
        open.add(reader);
        heads.add(reader);
      }
      MergeAhead ahead = new MergeAhead(heads.size() == 1 ? heads.get(0) : new Merge(heads));
      open.add(0, ahead); // stopped before the runs it reads are closed
      return new Cursor(ahead);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the sort runs in " + directory + ": " + e.getMessage(), e);
    }
  }

  /**
   * Hands the filled buffer to the spill thread and continues with a free one; waits for the
   * oldest spill when {@value #SPILLS_IN_FLIGHT} are under way, so at most three buffers exist.
   */
  private void spill() {
    if (spills.size() >= SPILLS_IN_FLIGHT) {
      awaitSpill();
    }
    Buffer full = filling;
    filling = free.isEmpty() ? new Buffer(Math.min(maxBytes, full.bytes.data.length), Math.min(maxEntries, 1024))
        : free.poll();
    filling.clear();
    Path file = newRunFile();
    if (spiller == null) {
      spiller = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sluice-sort-spill");
        t.setDaemon(true);
        return t;
      });
    }
    spills.add(new Spill(full, spiller.submit(() -> {
      full.sort();
      RunFile run = writeRun(file, new MemoryRun(full));
      synchronized (runs) {
        runs.add(run);
      }
      return null;
    })));
  }

  /** A buffer being sorted and written. */
  private static final class Spill {
    final Buffer buffer;
    final Future<?> task;

    Spill(Buffer buffer, Future<?> task) {
      this.buffer = buffer;
      this.task = task;
    }
  }

  /** Waits for the oldest spill; rethrows its failure. */
  private void awaitSpill() {
    Spill oldest = spills.poll();
    if (oldest == null) {
      return;
    }
    try {
      oldest.task.get();
      free.add(oldest.buffer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing a sort run", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException) {
        throw (UncheckedIOException) cause;
      }
      if (cause instanceof IOException) {
        throw new UncheckedIOException("cannot write a sort run to " + directory + ": " + cause.getMessage(),
            (IOException) cause);
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IllegalStateException("writing a sort run failed: " + cause, cause);
    }
  }

  private void shutdownSpiller() {
    if (spiller != null) {
      spiller.shutdownNow();
      spiller = null;
    }
  }

  /**
   * Merges each group of {@code fanIn} consecutive runs into one; the merged runs keep the order
   * of their groups, so entries with equal keys keep the order they were added in.
   */
  private void mergePass() throws IOException {
    List<RunFile> next = new ArrayList<>();
    for (int from = 0; from < runs.size(); from += fanIn) {
      List<RunFile> group = runs.subList(from, Math.min(runs.size(), from + fanIn));
      if (group.size() == 1) {
        next.add(group.get(0));
        continue;
      }
      List<FileRun> readers = new ArrayList<>();
      try {
        for (RunFile run : group) {
          readers.add(new FileRun(run, READ_BUFFER_BYTES));
        }
        next.add(writeRun(newRunFile(), new Merge(readers)));
      } finally {
        for (FileRun reader : readers) {
          reader.close();
        }
      }
      for (RunFile run : group) {
        Files.deleteIfExists(run.path);
      }
    }
    runs.clear();
    runs.addAll(next);
    mergePasses++;
  }

  private Path newRunFile() {
    try {
      if (directory == null) {
        Files.createDirectories(spillDirectory);
        removeAbandoned(spillDirectory);
        directory = Files.createTempDirectory(spillDirectory, DIRECTORY_PREFIX);
        lockChannel = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.lock();
      }
      return directory.resolve("run-" + (fileCounter++) + ".bin");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create sort files in " + spillDirectory + ": " + e.getMessage(), e);
    }
  }

  /** Removes sort directories whose lock nobody holds: a process died while sorting. */
  static void removeAbandoned(Path spillDirectory) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(spillDirectory, DIRECTORY_PREFIX + "*")) {
      for (Path dir : dirs) {
        Path lockFile = dir.resolve("lock");
        if (!Files.isDirectory(dir) || !Files.exists(lockFile)) {
          continue;
        }
        boolean abandoned;
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
          FileLock held = channel.tryLock();
          abandoned = held != null;
          if (held != null) {
            held.release();
          }
        } catch (OverlappingFileLockException e) {
          abandoned = false; // a sort of this process
        }
        if (abandoned) {
          log.info("removing sort files left by a run that did not finish: {}", dir);
          deleteDirectory(dir);
        }
      }
    } catch (IOException e) {
      log.debug("cannot look for abandoned sort files in {}: {}", spillDirectory, e.toString());
    }
  }

  private static void deleteDirectory(Path dir) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      log.warn("cannot remove the sort files in {}: {}", dir, e.toString());
    }
  }

  /**
   * Writes the entries of {@code source}, in its order, to {@code file}, through a direct buffer
   * (a heap buffer would be copied into one by the channel).
   */
  private static RunFile writeRun(Path file, Run source) throws IOException {
    long count = 0;
    int lcp = -1;
    byte[] first = null;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer out = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
      while (source.advance()) {
        if (first == null) {
          first = Arrays.copyOfRange(source.buf, source.keyOff, source.keyOff + source.keyLen);
          lcp = first.length;
        } else if (lcp > 0) {
          int m = Arrays.mismatch(first, 0, lcp, source.buf, source.keyOff, source.keyOff + Math.min(lcp, source.keyLen));
          if (m >= 0) {
            lcp = m;
          }
        }
        int len = source.entryEnd - source.entryStart;
        if (len > out.remaining()) {
          out.flip();
          writeFully(channel, out);
          out.clear();
          if (len > out.remaining()) {
            writeFully(channel, ByteBuffer.wrap(source.buf, source.entryStart, len));
            count++;
            continue;
          }
        }
        out.put(source.buf, source.entryStart, len);
        count++;
      }
      out.flip();
      writeFully(channel, out);
    }
    return new RunFile(file, count, Math.max(lcp, 0), first == null ? new byte[0] : first);
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static void putVarint(byte[] b, int at, int value) {
    while ((value & ~0x7F) != 0) {
      b[at++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    b[at] = (byte) value;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Spill spill : spills) {
      try {
        spill.task.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // The run fails for its own reason; the files go below.
      }
    }
    spills.clear();
    shutdownSpiller();
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        log.debug("closing a sort run failed: {}", e.toString());
      }
    }
    filling = null;
    free.clear();
    if (directory != null) {
      try {
        if (lock != null) {
          lock.release();
        }
        lockChannel.close();
      } catch (IOException e) {
        log.debug("releasing the sort lock failed: {}", e.toString());
      }
      deleteDirectory(directory);
    }
  }

  /**
   * The window a key is sorted by at first: seven bytes from {@code from} (zero-padded), then how
   * many key bytes are left there, 8 meaning more than seven. Unsigned order of windows is the
   * order of those key bytes, a shorter key first.
   */
  static long window(byte[] buf, int keyOff, int keyLen, int from) {
    int rest = keyLen - from;
    int at = keyOff + from;
    long w;
    if (rest >= 7 && at + 8 <= buf.length) {
      w = (long) Bytes.LONGS.get(buf, at) & ~0xFFL;
    } else {
      int take = Math.min(Math.max(rest, 0), 7);
      w = 0;
      for (int k = 0; k < take; k++) {
        w = w << 8 | (buf[at + k] & 0xFF);
      }
      w <<= 8 * (8 - take);
    }
    return w | (rest > 7 ? 8 : Math.max(rest, 0));
  }

  /** Compares the keys of two entries whose windows from {@code from} are equal and both marked 8. */
  static int compareRest(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen, int from) {
    return Arrays.compareUnsigned(a, aOff + from + 7, aOff + aLen, b, bOff + from + 7, bOff + bLen);
  }

  /** One buffer of entries: the encoded bytes, where each entry starts, and the keys' common prefix. */
  private static final class Buffer {
    final Bytes bytes;
    int[] offsets;
    int count;
    int firstKeyOff = -1;
    int firstKeyLen;
    int lcp;
    int[] order;
    long[] windows;

    Buffer(int bytesCapacity, int entriesCapacity) {
      bytes = new Bytes(bytesCapacity);
      offsets = new int[entriesCapacity + 1];
    }

    void clear() {
      bytes.length = 0;
      count = 0;
      firstKeyOff = -1;
      lcp = 0;
    }

    void noteKey(int keyOff, int keyLen) {
      if (firstKeyOff < 0) {
        firstKeyOff = keyOff;
        firstKeyLen = keyLen;
        lcp = keyLen;
      } else if (lcp > 0) {
        byte[] d = bytes.data;
        int m = Arrays.mismatch(d, firstKeyOff, firstKeyOff + lcp, d, keyOff, keyOff + Math.min(lcp, keyLen));
        if (m >= 0) {
          lcp = m;
        }
      }
    }

    void addOffset(int start) {
      if (count + 1 >= offsets.length) {
        offsets = Arrays.copyOf(offsets, offsets.length * 2);
      }
      offsets[count++] = start;
    }

    /** Sorts the entries: {@code order} lists their indexes in key order. */
    void sort() {
      offsets[count] = bytes.length;
      int n = count;
      if (order == null || order.length < n) {
        order = new int[Math.max(n, 16)];
        windows = new long[Math.max(n, 16)];
      }
      byte[] d = bytes.data;
      for (int i = 0; i < n; i++) {
        int p = offsets[i] + LENGTH_BYTES;
        int keyLen = 0;
        int shift = 0;
        int b;
        do {
          b = d[p++];
          keyLen |= (b & 0x7F) << shift;
          shift += 7;
        } while (b < 0);
        order[i] = i;
        windows[i] = window(d, p, keyLen, lcp);
      }
      radixSort(windows, order, n);
      // Keys equal in their window and longer than it: compare the rest of the bytes.
      int i = 0;
      while (i < n) {
        int j = i + 1;
        while (j < n && windows[j] == windows[i]) {
          j++;
        }
        if (j - i > 1 && (windows[i] & 0xFF) == 8) {
          sortByRest(i, j);
        }
        i = j;
      }
    }

    private int keyOffset(int entry) {
      int p = offsets[entry] + LENGTH_BYTES;
      while (bytes.data[p++] < 0) {
        // skip the key length varint
      }
      return p;
    }

    private int keyLength(int entry) {
      byte[] d = bytes.data;
      int p = offsets[entry] + LENGTH_BYTES;
      int keyLen = 0;
      int shift = 0;
      int b;
      do {
        b = d[p++];
        keyLen |= (b & 0x7F) << shift;
        shift += 7;
      } while (b < 0);
      return keyLen;
    }

    /** A stable merge sort of {@code order[from, to)} by the key bytes after the window. */
    private void sortByRest(int from, int to) {
      int[] tmp = new int[to - from];
      mergeSort(from, to, tmp);
    }

    private void mergeSort(int from, int to, int[] tmp) {
      if (to - from < 2) {
        return;
      }
      int mid = (from + to) >>> 1;
      mergeSort(from, mid, tmp);
      mergeSort(mid, to, tmp);
      if (compare(order[mid - 1], order[mid]) <= 0) {
        return;
      }
      System.arraycopy(order, from, tmp, 0, mid - from);
      int i = 0;
      int iEnd = mid - from;
      int j = mid;
      int k = from;
      while (i < iEnd && j < to) {
        order[k++] = compare(order[j], tmp[i]) < 0 ? order[j++] : tmp[i++];
      }
      while (i < iEnd) {
        order[k++] = tmp[i++];
      }
    }

    private int compare(int a, int b) {
      byte[] d = bytes.data;
      return compareRest(d, keyOffset(a), keyLength(a), d, keyOffset(b), keyLength(b), lcp);
    }

    private long[] auxWindows;
    private int[] auxOrder;

    /** LSD radix sort of unsigned longs, carrying the indexes along; stable; skips uniform bytes. */
    private void radixSort(long[] w, int[] idx, int n) {
      if (n < 2) {
        return;
      }
      if (auxWindows == null || auxWindows.length < n) {
        auxWindows = new long[w.length];
        auxOrder = new int[w.length];
      }
      int[][] counts = new int[8][256];
      for (int i = 0; i < n; i++) {
        long v = w[i];
        for (int b = 0; b < 8; b++) {
          counts[b][(int) (v >>> (8 * b)) & 0xFF]++;
        }
      }
      long[] srcW = w;
      int[] srcI = idx;
      long[] dstW = auxWindows;
      int[] dstI = auxOrder;
      for (int b = 0; b < 8; b++) {
        int[] c = counts[b];
        int shift = 8 * b;
        if (c[(int) (srcW[0] >>> shift) & 0xFF] == n) {
          continue;
        }
        int sum = 0;
        for (int k = 0; k < 256; k++) {
          int x = c[k];
          c[k] = sum;
          sum += x;
        }
        for (int i = 0; i < n; i++) {
          long v = srcW[i];
          int at = c[(int) (v >>> shift) & 0xFF]++;
          dstW[at] = v;
          dstI[at] = srcI[i];
        }
        long[] tw = srcW;
        srcW = dstW;
        dstW = tw;
        int[] ti = srcI;
        srcI = dstI;
        dstI = ti;
      }
      if (srcW != w) {
        System.arraycopy(srcW, 0, w, 0, n);
        System.arraycopy(srcI, 0, idx, 0, n);
      }
    }
  }

  /** A run file: where, how many entries, and the prefix its keys share with its first key. */
  private static final class RunFile {
    final Path path;
    final long count;
    final int lcp;
    final byte[] firstKey;

    RunFile(Path path, long count, int lcp, byte[] firstKey) {
      this.path = path;
      this.count = count;
      this.lcp = lcp;
      this.firstKey = firstKey;
    }
  }

  /** A sequence of sorted entries; after {@link #advance}, the fields describe the current one. */
  private abstract static class Run {
    byte[] buf;
    int entryStart;
    int entryEnd;
    int keyOff;
    int keyLen;
    int tag;
    long value;
    int payloadOff;
    long window;
    /** The current key as a string, when the run decoded it already; else null. */
    String key;

    abstract boolean advance() throws IOException;

    /** Reads the entry at {@code p} of {@link #buf}. */
    final void parse(int p) {
      byte[] d = buf;
      entryStart = p;
      int length = (int) Bytes.INTS.get(d, p);
      entryEnd = p + LENGTH_BYTES + length;
      p += LENGTH_BYTES;
      int kl = 0;
      int shift = 0;
      int b;
      do {
        b = d[p++];
        kl |= (b & 0x7F) << shift;
        shift += 7;
      } while (b < 0);
      keyOff = p;
      keyLen = kl;
      p += kl;
      tag = d[p++];
      value = (long) Bytes.LONGS.get(d, p);
      payloadOff = p + 8;
    }
  }

  private static final class MemoryRun extends Run {
    private final Buffer buffer;
    private int next;

    MemoryRun(Buffer buffer) {
      this.buffer = buffer;
      this.buf = buffer.bytes.data;
    }

    @Override
    boolean advance() {
      if (next >= buffer.count) {
        return false;
      }
      parse(buffer.offsets[buffer.order[next++]]);
      return true;
    }
  }

  /** Reads a run file through a large buffer, filled straight from its channel. */
  private static final class FileRun extends Run implements AutoCloseable {
    final RunFile file;
    private final FileChannel channel;
    private ByteBuffer buffer;
    private int pos;
    private int limit;
    private int next;
    private long remaining;

    FileRun(RunFile file, int bufferSize) throws IOException {
      this.file = file;
      this.channel = FileChannel.open(file.path, StandardOpenOption.READ);
      this.buffer = ByteBuffer.allocate(bufferSize);
      this.buf = buffer.array();
      this.remaining = file.count;
    }

    @Override
    boolean advance() throws IOException {
      if (remaining == 0) {
        return false;
      }
      remaining--;
      pos = next;
      fill(LENGTH_BYTES);
      int length = (int) Bytes.INTS.get(buf, pos);
      fill(LENGTH_BYTES + length);
      parse(pos);
      next = entryEnd;
      return true;
    }

    /** Makes at least {@code needed} unread bytes available from {@code pos}. */
    private void fill(int needed) throws IOException {
      if (limit - pos >= needed) {
        return;
      }
      if (needed > buf.length) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, buf.length * 2));
        System.arraycopy(buf, pos, bigger.array(), 0, limit - pos);
        buffer = bigger;
        buf = bigger.array();
      } else {
        System.arraycopy(buf, pos, buf, 0, limit - pos);
      }
      limit -= pos;
      pos = 0;
      while (limit < needed) {
        buffer.limit(buf.length).position(limit);
        int n = channel.read(buffer);
        if (n < 0) {
          throw new IOException("the sort run " + file.path + " ends early");
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
   * Merges runs through a loser tree over their current entries (one comparison per level for
   * each entry), ordered by key window, then key, then run: equal keys come out in run order.
   */
  private static final class Merge extends Run {
    private final Run[] runs;
    private final boolean[] done;
    /** tree[0] is the run whose entry is next; tree[1..k) hold the losers of each match. */
    private final int[] tree;
    private final int k;
    private final int from;
    private boolean started;

    Merge(List<? extends Run> sources) throws IOException {
      k = sources.size();
      runs = sources.toArray(new Run[0]);
      done = new boolean[k];
      tree = new int[Math.max(1, k)];
      // All keys share min(run prefix, prefix of first keys) bytes with the first run's first key.
      int lcp = Integer.MAX_VALUE;
      byte[] reference = null;
      for (Run run : runs) {
        RunFile file = ((FileRun) run).file;
        if (file.count == 0) {
          continue;
        }
        if (reference == null) {
          reference = file.firstKey;
          lcp = file.lcp;
        } else {
          int m = Arrays.mismatch(reference, file.firstKey);
          lcp = Math.min(lcp, Math.min(file.lcp, m < 0 ? reference.length : m));
        }
      }
      from = lcp == Integer.MAX_VALUE ? 0 : lcp;
      Arrays.fill(tree, -1);
      for (int i = 0; i < k; i++) {
        load(i);
      }
      for (int i = k - 1; i >= 0; i--) {
        initial(i);
      }
    }

    private void load(int i) throws IOException {
      Run run = runs[i];
      if (run.advance()) {
        run.window = window(run.buf, run.keyOff, run.keyLen, from);
      } else {
        done[i] = true;
      }
    }

    /** Plays run {@code s} up the tree while it is being built: it waits at the first free node. */
    private void initial(int s) {
      for (int t = (s + k) >> 1; t > 0; t >>= 1) {
        if (tree[t] < 0) {
          tree[t] = s;
          return;
        }
        if (beats(tree[t], s)) {
          int winner = tree[t];
          tree[t] = s;
          s = winner;
        }
      }
      tree[0] = s;
    }

    /** Plays run {@code s}, whose entry changed, from its leaf to the top. */
    private void replay(int s) {
      for (int t = (s + k) >> 1; t > 0; t >>= 1) {
        if (beats(tree[t], s)) {
          int winner = tree[t];
          tree[t] = s;
          s = winner;
        }
      }
      tree[0] = s;
    }

    /** Whether run {@code a}'s entry comes before run {@code b}'s; a finished run never does. */
    private boolean beats(int a, int b) {
      if (done[a] || done[b]) {
        return !done[a] && done[b];
      }
      Run x = runs[a];
      Run y = runs[b];
      int c = Long.compareUnsigned(x.window, y.window);
      if (c == 0 && (x.window & 0xFF) == 8) {
        c = compareRest(x.buf, x.keyOff, x.keyLen, y.buf, y.keyOff, y.keyLen, from);
      }
      return c != 0 ? c < 0 : a < b;
    }

    @Override
    boolean advance() throws IOException {
      if (k == 0) {
        return false;
      }
      if (started) {
        int w = tree[0];
        load(w);
        replay(w);
      }
      started = true;
      int w = tree[0];
      if (done[w]) {
        return false;
      }
      Run current = runs[w];
      buf = current.buf;
      entryStart = current.entryStart;
      entryEnd = current.entryEnd;
      keyOff = current.keyOff;
      keyLen = current.keyLen;
      tag = current.tag;
      value = current.value;
      payloadOff = current.payloadOff;
      return true;
    }
  }

  /**
   * Runs a merge on a thread of its own, a few chunks ahead: it reads the runs, merges them,
   * decodes each key and copies each entry into a chunk, while the caller's thread diffs.
   */
  private static final class MergeAhead extends Run implements AutoCloseable {
    private static final int CHUNK_ENTRIES = 4096;
    private static final int CHUNK_BYTES = 1 << 19;
    private static final int CHUNKS = 8;

    /** Entries copied with their framing, their starts, and their keys decoded. */
    private static final class Chunk {
      byte[] bytes = new byte[CHUNK_BYTES];
      int length;
      final int[] starts = new int[CHUNK_ENTRIES];
      final String[] keys = new String[CHUNK_ENTRIES];
      int count;
      boolean last;
      Throwable failure;
    }

    private final java.util.concurrent.BlockingQueue<Chunk> full = new java.util.concurrent.ArrayBlockingQueue<>(CHUNKS);
    private final java.util.concurrent.BlockingQueue<Chunk> free = new java.util.concurrent.ArrayBlockingQueue<>(CHUNKS);
    private final Thread thread;
    private volatile boolean stopped;
    private Chunk current;
    private int index;

    MergeAhead(Run source) {
      for (int i = 0; i < CHUNKS; i++) {
        free.add(new Chunk());
      }
      thread = new Thread(() -> produce(source), "sluice-sort-merge");
      thread.setDaemon(true);
      thread.start();
    }

    private void produce(Run source) {
      try {
        boolean last = false;
        while (!last && !stopped) {
          Chunk c = free.take();
          c.length = 0;
          c.count = 0;
          try {
            while (c.count < CHUNK_ENTRIES) {
              if (!source.advance()) {
                last = true;
                break;
              }
              int len = source.entryEnd - source.entryStart;
              if (c.length + len > c.bytes.length) {
                if (c.count > 0) {
                  // this chunk is full: hand it over, and the entry starts the next one
                  full.put(c);
                  c = free.take();
                  c.length = 0;
                  c.count = 0;
                }
                if (len > c.bytes.length) {
                  c.bytes = new byte[len];
                }
              }
              System.arraycopy(source.buf, source.entryStart, c.bytes, c.length, len);
              c.starts[c.count] = c.length;
              c.keys[c.count] = KeyBytes.decode(source.buf, source.keyOff, source.keyLen);
              c.length += len;
              c.count++;
            }
          } catch (IOException | RuntimeException | Error e) {
            c.failure = e;
            last = true;
          }
          c.last = last;
          full.put(c);
        }
      } catch (InterruptedException e) {
        // stopped by close()
      }
    }

    @Override
    boolean advance() throws IOException {
      while (current == null || index == current.count) {
        if (current != null) {
          if (current.last) {
            return false;
          }
          free.add(current);
        }
        try {
          current = full.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while merging sort runs", e);
        }
        index = 0;
        if (current.failure != null) {
          Throwable f = current.failure;
          current.count = 0;
          current.last = true;
          if (f instanceof IOException) {
            throw (IOException) f;
          }
          if (f instanceof Error) {
            throw (Error) f;
          }
          throw (RuntimeException) f;
        }
      }
      buf = current.bytes;
      parse(current.starts[index]);
      key = current.keys[index];
      current.keys[index++] = null;
      return true;
    }

    @Override
    public void close() {
      stopped = true;
      thread.interrupt();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads the sorted entries; what it returns describes the current entry until the next call. */
  public static final class Cursor {
    private final Run run;

    private Cursor(Run run) {
      this.run = run;
    }

    /** Moves to the next entry; false after the last. */
    public boolean next() {
      try {
        return run.advance();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read a sort run: " + e.getMessage(), e);
      }
    }

    /** The current entry's key. */
    public String key() {
      return run.key != null ? run.key : KeyBytes.decode(run.buf, run.keyOff, run.keyLen);
    }

    /** The current entry's tag. */
    public int tag() {
      return run.tag;
    }

    /** The current entry's value. */
    public long value() {
      return run.value;
    }

    /** The current entry's payload, to read. */
    Bytes.Reader payload() {
      return new Bytes.Reader(run.buf, run.payloadOff, run.entryEnd - run.payloadOff);
    }
  }
}
