package dev.sluice.state;

import dev.sluice.diff.KeyOrder;

import dev.sluice.internal.Binary;
import dev.sluice.internal.ExternalSort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateStore} in files: the embedded default for state that survives restarts. Pick it
 * for a service on one machine (or one volume); pick {@link JdbcStateStore} when several instances
 * share the state or the machine's disk is not kept.
 *
 * <p>Per sync, in one directory: {@code NAME.state}, a key-sorted snapshot (keys front-coded, a
 * 64-bit hash each, a CRC32C checksum); {@code NAME.journal}, the changes confirmed since that
 * snapshot, appended and forced to disk at each checkpoint (after each batch); and
 * {@code NAME.lock}. A commit writes the next snapshot to a temporary file, forces it to disk and
 * renames it over the old one, so a reader sees either the old or the new snapshot, never a mix.
 * When a process dies mid-run, the next open folds the journal into a new snapshot: no change the
 * destination confirmed is lost (a confirmation that had not reached the journal means the record
 * is sent once more, which idempotent writes absorb).
 *
 * <p>A damaged snapshot (torn, truncated, wrong checksum, keys out of order) is refused with a
 * {@link StateStoreException} that says how to recover, never read as an empty state (that would
 * re-send or, in mirror mode, mis-delete everything). A second session for a sync whose files are
 * locked, by this process or another, is refused. Memory stays bounded whatever the state's size:
 * snapshots are streamed, journals sorted on disk.
 */
public final class FileStateStore implements StateStore {

  private static final Logger log = LoggerFactory.getLogger(FileStateStore.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Journal entries sorted in memory per run when a journal out of order is sorted on disk. */
  private static final int FOLD_RUN_ENTRIES = 500_000;
  private static final int FOLD_RUN_BYTES = 16 << 20;
  private static final int FOLD_FAN_IN = 64;
  private static final int BLOCK_HEADER = 8;

  private final Path directory;
  private final boolean fsync;

  private FileStateStore(Path directory, boolean fsync) {
    this.directory = directory;
    this.fsync = fsync;
  }

  /**
   * {@return a store in {@code directory}, created if absent} Checkpoints and commits are forced to disk
   * (fsync), so confirmed changes survive a power loss, not only a crashed process.
   *
   * @param directory the directory
   */
  public static FileStateStore in(Path directory) {
    Objects.requireNonNull(directory, "directory");
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new StateStoreException("cannot create the state directory " + directory + ": " + e.getMessage(), e);
    }
    return new FileStateStore(directory, true);
  }

  /**
   * {@return the same store without forcing writes to disk: faster, and still safe when the process dies,
   * since the operating system keeps what was written; not safe when the machine loses power}
   */
  public FileStateStore withoutFsync() {
    return new FileStateStore(directory, false);
  }

  /** {@return the directory holding the state files} */
  public Path directory() {
    return directory;
  }

  @Override
  public SyncState open(String syncName) {
    Objects.requireNonNull(syncName, "syncName");
    SyncFiles files = new SyncFiles(directory, syncName);
    FileChannel lockChannel;
    FileLock lock;
    try {
      lockChannel = FileChannel.open(files.lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StateStoreException("cannot open the lock file " + files.lock + ": " + e.getMessage(), e);
    }
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException | IOException e) {
      lock = null;
    }
    if (lock == null) {
      closeQuietly(lockChannel);
      throw new StateStoreException("sync '" + syncName + "' is already running against the state in "
          + directory + " (its lock file is held by this or another process); one run of a sync at a time");
    }
    try {
      Files.deleteIfExists(files.temp);
      StateFiles.Header header = recover(files);
      return new Session(files, header, lockChannel, lock);
    } catch (RuntimeException | IOException e) {
      closeQuietly(lockChannel);
      if (e instanceof StateStoreException) {
        throw (StateStoreException) e;
      }
      throw new StateStoreException("cannot open the state of sync '" + syncName + "': " + e.getMessage(), e);
    }
  }

  /** Verifies the snapshot and folds a journal left by a run that did not commit. */
  private StateFiles.Header recover(SyncFiles files) throws IOException {
    StateFiles.Header header = Files.exists(files.snapshot)
        ? StateFiles.verify(files.snapshot)
        : new StateFiles.Header(0, null, 0);
    if (Files.exists(files.journal)) {
      Journal.Contents journal = Journal.read(files.journal);
      if (journal.generation != header.generation) {
        // Left behind after its snapshot was already published: its changes are in the snapshot.
        Files.delete(files.journal);
      } else if (journal.entries == 0) {
        Files.delete(files.journal);
      } else {
        log.info("state of sync '{}': folding {} confirmed changes left by an interrupted run", files.syncName,
            journal.entries);
        header = publish(files, header, header.fingerprint);
      }
    }
    return header;
  }

  /**
   * Writes snapshot + journal as the next snapshot (temp file, force, rename, force directory),
   * then removes the journal. A run's journal is nearly in key order (records are diffed in key
   * order; only batches that complete out of turn move), so it is first folded in as it is read,
   * through a window that puts such batches back in place; a journal out of order by more than
   * the window is sorted on disk instead.
   */
  private StateFiles.Header publish(SyncFiles files, StateFiles.Header current, String fingerprint) throws IOException {
    long generation = newGeneration(current.generation);
    if (Files.exists(files.journal)) {
      try (Journal.Reader reader = new Journal.Reader(files.journal)) {
        return publish(files, generation, fingerprint, Journal.lastPerKey(new Journal.NearlySorted(reader)));
      } catch (Journal.OutOfOrder e) {
        log.debug("journal {} is out of key order beyond the window ({}); sorting it on disk", files.journal,
            e.getMessage());
      }
    }
    try (ExternalSort sorted = Journal.sortedEntries(files.journal, directory)) {
      return publish(files, generation, fingerprint, Journal.lastPerKey(Journal.entries(sorted.sorted())));
    }
  }

  /** Merges the current snapshot with {@code changes} (ascending, one per key) into the next. */
  private StateFiles.Header publish(SyncFiles files, long generation, String fingerprint,
      Iterator<Journal.Entry> changes) throws IOException {
    long count;
    try (FileChannel channel = FileChannel.open(files.temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        StateFiles.SnapshotWriter writer = new StateFiles.SnapshotWriter(Channels.newOutputStream(channel), generation,
            fingerprint)) {
      try (SnapshotCursor old = Files.exists(files.snapshot) ? new SnapshotCursor(files.snapshot) : null) {
        boolean hasOld = old != null && old.next();
        Journal.Entry change = changes.hasNext() ? changes.next() : null;
        while (hasOld || change != null) {
          int cmp = !hasOld ? 1 : change == null ? -1 : KeyOrder.compare(old.key(), change.key);
          if (cmp < 0) {
            writer.write(old.key(), old.hash());
            hasOld = old.next();
          } else {
            if (cmp == 0) {
              hasOld = old.next();
            }
            if (change.op == StateFiles.PUT) {
              writer.write(change.key, change.hash);
            }
            change = changes.hasNext() ? changes.next() : null;
          }
        }
      }
      writer.finish();
      count = writer.count();
      if (fsync) {
        channel.force(true);
      }
    }
    Files.move(files.temp, files.snapshot, StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    if (fsync) {
      forceDirectory();
    }
    Files.deleteIfExists(files.journal);
    return new StateFiles.Header(generation, fingerprint, count);
  }

  private void forceDirectory() {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException e) {
      // Some file systems cannot force a directory; the rename is still atomic.
      log.debug("cannot force the state directory to disk: {}", e.getMessage());
    }
  }

  private static long newGeneration(long previous) {
    long next;
    do {
      next = RANDOM.nextLong();
    } while (next == 0 || next == previous || next == Journal.NO_GENERATION);
    return next;
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing a lock file failed: {}", e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "FileStateStore{" + directory + '}';
  }

  /** The file names of one sync. */
  private static final class SyncFiles {
    // File names hold 255 bytes; ".state.tmp" is the longest suffix.
    private static final int MAX_BASE_NAME = 240;

    final String syncName;
    final Path snapshot;
    final Path temp;
    final Path journal;
    final Path lock;

    SyncFiles(Path directory, String syncName) {
      this.syncName = syncName;
      String base = safeName(syncName);
      this.snapshot = directory.resolve(base + ".state");
      this.temp = directory.resolve(base + ".state.tmp");
      this.journal = directory.resolve(base + ".journal");
      this.lock = directory.resolve(base + ".lock");
    }

    /**
     * Letters, digits, '-', '_' and '.' stay; anything else becomes %XX per UTF-8 byte. A name
     * whose safe form is longer than a file name may be is cut, and the SHA-256 of the whole name
     * (its first 16 hex digits) appended after a '~', which the safe form never holds.
     */
    static String safeName(String name) {
      String safe = encoded(name);
      if (safe.length() <= MAX_BASE_NAME) {
        return safe;
      }
      try {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
            .digest(name.getBytes(StandardCharsets.UTF_8));
        return safe.substring(0, MAX_BASE_NAME - 17) + "~" + java.util.HexFormat.of().formatHex(digest, 0, 8);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }

    private static String encoded(String name) {
      StringBuilder sb = new StringBuilder();
      for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
        char c = (char) (b & 0xFF);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
            || (c == '.' && sb.length() > 0)) {
          sb.append(c);
        } else {
          sb.append('%').append(String.format("%02X", b & 0xFF));
        }
      }
      return sb.toString();
    }
  }

  /** One run's session: reads the snapshot, journals confirmations, publishes at commit. */
  private final class Session implements SyncState {
    private final SyncFiles files;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private StateFiles.Header header;
    private final List<SnapshotCursor> cursors = new ArrayList<>();
    // The next journal block: length and CRC32C (8 bytes, set at checkpoint), then its entries.
    private byte[] pending = new byte[1 << 16];
    private int pendingLength = BLOCK_HEADER;
    private FileChannel journal;
    private boolean committed;
    private boolean closed;

    Session(SyncFiles files, StateFiles.Header header, FileChannel lockChannel, FileLock lock) {
      this.files = files;
      this.header = header;
      this.lockChannel = lockChannel;
      this.lock = lock;
    }

    @Override
    public String fingerprint() {
      return header.fingerprint;
    }

    @Override
    public StateCursor cursor() {
      if (!Files.exists(files.snapshot)) {
        return EmptyCursor.INSTANCE;
      }
      try {
        SnapshotCursor cursor = new SnapshotCursor(files.snapshot);
        cursors.add(cursor);
        return cursor;
      } catch (IOException e) {
        throw new StateStoreException("cannot read the state file " + files.snapshot + ": " + e.getMessage(), e);
      }
    }

    @Override
    public long size() {
      return header.count;
    }

    @Override
    public void put(String key, long hash) {
      checkWritable();
      StateKeys.check(files.syncName, key);
      room(1 + Binary.maxBytes(key) + 8);
      pending[pendingLength++] = StateFiles.PUT;
      pendingLength = Binary.putString(pending, pendingLength, key);
      StateFiles.putLong(pending, pendingLength, hash);
      pendingLength += 8;
    }

    @Override
    public void remove(String key) {
      checkWritable();
      StateKeys.check(files.syncName, key);
      room(1 + Binary.maxBytes(key));
      pending[pendingLength++] = StateFiles.REMOVE;
      pendingLength = Binary.putString(pending, pendingLength, key);
    }

    private void room(int bytes) {
      if (pending.length - pendingLength < bytes) {
        pending = java.util.Arrays.copyOf(pending, Math.max(pendingLength + bytes, pending.length * 2));
      }
    }

    @Override
    public void checkpoint() {
      checkWritable();
      if (pendingLength == BLOCK_HEADER) {
        return;
      }
      try {
        if (journal == null) {
          journal = Journal.create(files.journal, header.generation);
        }
        CRC32C crc = new CRC32C();
        crc.update(pending, BLOCK_HEADER, pendingLength - BLOCK_HEADER);
        ByteBuffer block = ByteBuffer.wrap(pending, 0, pendingLength);
        block.putInt(0, pendingLength - BLOCK_HEADER).putInt(4, (int) crc.getValue());
        while (block.hasRemaining()) {
          journal.write(block);
        }
        if (fsync) {
          journal.force(false);
        }
        pendingLength = BLOCK_HEADER;
      } catch (IOException e) {
        throw new StateStoreException("cannot write the journal " + files.journal + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void commit(String fingerprint) {
      checkpoint();
      committed = true;
      try {
        boolean changed = journal != null;
        closeJournal();
        if (!changed && java.util.Objects.equals(fingerprint, header.fingerprint) && Files.exists(files.snapshot)) {
          return; // nothing confirmed and nothing to record: the snapshot stands as it is
        }
        header = publish(files, header, fingerprint);
      } catch (IOException e) {
        throw new StateStoreException("cannot publish the state of sync '" + files.syncName + "': " + e.getMessage()
            + "; the confirmed changes stay in " + files.journal + " and are folded in on the next run", e);
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      for (SnapshotCursor cursor : cursors) {
        cursor.close();
      }
      try {
        closeJournal();
      } catch (IOException e) {
        log.warn("closing the journal failed: {}", e.getMessage());
      }
      try {
        lock.release();
      } catch (IOException e) {
        log.debug("releasing the lock failed: {}", e.getMessage());
      }
      closeQuietly(lockChannel);
    }

    private void closeJournal() throws IOException {
      if (journal != null) {
        journal.close();
        journal = null;
      }
    }

    private void checkWritable() {
      if (closed || committed) {
        throw new IllegalStateException("the state session of sync '" + files.syncName + "' is "
            + (closed ? "closed" : "already committed"));
      }
    }
  }

  /** Streams a verified snapshot's entries. */
  private static final class SnapshotCursor implements StateCursor, AutoCloseable {
    private final StateFiles.SnapshotReader reader;

    SnapshotCursor(Path file) throws IOException {
      this.reader = new StateFiles.SnapshotReader(file);
    }

    @Override
    public boolean next() {
      try {
        return reader.next();
      } catch (IOException e) {
        throw new StateStoreException("reading the state file failed: " + e.getMessage()
            + "; the file changed or is damaged", e);
      }
    }

    @Override
    public String key() {
      return reader.key();
    }

    @Override
    public long hash() {
      return reader.hash();
    }

    @Override
    public void close() {
      try {
        reader.close();
      } catch (IOException e) {
        log.debug("closing a state cursor failed: {}", e.getMessage());
      }
    }
  }

  private enum EmptyCursor implements StateCursor {
    INSTANCE;

    @Override
    public boolean next() {
      return false;
    }

    @Override
    public String key() {
      throw new IllegalStateException("no entry");
    }

    @Override
    public long hash() {
      throw new IllegalStateException("no entry");
    }
  }

  /** The journal file: creation, reading (to a torn tail), and sorting its entries by key. */
  static final class Journal {

    /** Matches no snapshot: generations are never this value. */
    static final long NO_GENERATION = Long.MIN_VALUE;

    static final class Entry {
      final String key;
      final long sequence;
      final byte op;
      final long hash;

      Entry(String key, long sequence, byte op, long hash) {
        this.key = key;
        this.sequence = sequence;
        this.op = op;
        this.hash = hash;
      }
    }

    static final class Contents {
      final long generation;
      final long entries;

      Contents(long generation, long entries) {
        this.generation = generation;
        this.entries = entries;
      }
    }

    static FileChannel create(Path file, long generation) throws IOException {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
      ByteBuffer header = ByteBuffer.allocate(20);
      header.putLong(StateFiles.JOURNAL_MAGIC).putInt(StateFiles.VERSION).putLong(generation).flip();
      while (header.hasRemaining()) {
        channel.write(header);
      }
      return channel;
    }

    /** Counts the entries of the intact blocks. */
    static Contents read(Path file) throws IOException {
      try (Reader reader = new Reader(file)) {
        long count = 0;
        while (reader.next() != null) {
          count++;
        }
        return new Contents(reader.generation, count);
      }
    }

    /** The journal's entries sorted on disk by key, then by the order they were written. */
    static ExternalSort sortedEntries(Path file, Path spill) throws IOException {
      ExternalSort sort = new ExternalSort(spill, FOLD_RUN_ENTRIES, FOLD_RUN_BYTES, FOLD_FAN_IN);
      if (Files.exists(file)) {
        try (Reader reader = new Reader(file)) {
          for (Entry e = reader.next(); e != null; e = reader.next()) {
            sort.add(e.key, e.op, e.hash);
          }
        }
      }
      return sort;
    }

    /** The entries of a sort of journal entries. */
    static Iterator<Entry> entries(ExternalSort.Cursor sorted) {
      return new Iterator<>() {
        private Entry next = advance();

        private Entry advance() {
          return sorted.next() ? new Entry(sorted.key(), 0, (byte) sorted.tag(), sorted.value()) : null;
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public Entry next() {
          if (next == null) {
            throw new java.util.NoSuchElementException();
          }
          Entry current = next;
          next = advance();
          return current;
        }
      };
    }

    /** Of consecutive entries with the same key, only the last. */
    static Iterator<Entry> lastPerKey(Iterator<Entry> sorted) {
      return new Iterator<>() {
        private Entry next = sorted.hasNext() ? sorted.next() : null;

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public Entry next() {
          Entry current = next;
          next = sorted.hasNext() ? sorted.next() : null;
          while (next != null && next.key.equals(current.key)) {
            current = next;
            next = sorted.hasNext() ? sorted.next() : null;
          }
          return current;
        }
      };
    }

    /** Thrown by {@link NearlySorted} when the journal is out of order by more than its window. */
    static final class OutOfOrder extends RuntimeException {
      private static final long serialVersionUID = 1L;

      OutOfOrder(String message) {
        super(message, null, false, false);
      }
    }

    /**
     * The entries of a journal in key order (then in the order written), provided that no entry
     * comes more than {@value #WINDOW} entries after one with a greater key; throws
     * {@link OutOfOrder} otherwise. Entries are read in chunks, each sorted and merged into a
     * sorted window of which everything beyond {@value #WINDOW} entries is handed on.
     */
    static final class NearlySorted implements Iterator<Entry> {
      static final int WINDOW = 1 << 16;
      private static final int CHUNK = 1 << 13;
      private static final Comparator<Entry> ORDER =
          Comparator.<Entry, String>comparing(e -> e.key, KeyOrder.COMPARATOR).thenComparingLong(e -> e.sequence);

      private final Reader reader;
      private final Entry[] window = new Entry[4 * WINDOW];
      private final Entry[] chunk = new Entry[CHUNK];
      private int start;
      private int end;
      private boolean exhausted;
      private Entry last;

      NearlySorted(Reader reader) {
        this.reader = reader;
      }

      @Override
      public boolean hasNext() {
        try {
          while (!exhausted && end - start <= WINDOW) {
            refill();
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return start < end;
      }

      @Override
      public Entry next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        last = window[start];
        window[start++] = null;
        return last;
      }

      /**
       * Reads a chunk, sorts it and merges it into the window from the back, so that only the
       * window's entries greater than the chunk's least move.
       */
      private void refill() throws IOException {
        int n = 0;
        Entry e;
        while (n < CHUNK && (e = reader.next()) != null) {
          chunk[n++] = e;
        }
        if (n < CHUNK) {
          exhausted = true;
        }
        if (n == 0) {
          return;
        }
        java.util.Arrays.sort(chunk, 0, n, ORDER);
        if (last != null && KeyOrder.compare(chunk[0].key, last.key) < 0) {
          throw new OutOfOrder("'" + chunk[0].key + "' comes after '" + last.key + "'");
        }
        if (end + n > window.length) {
          System.arraycopy(window, start, window, 0, end - start);
          java.util.Arrays.fill(window, end - start, end, null);
          end -= start;
          start = 0;
        }
        int i = end - 1;
        int j = n - 1;
        int k = end + n - 1;
        while (j >= 0) {
          if (i >= start && ORDER.compare(window[i], chunk[j]) > 0) {
            window[k--] = window[i--];
          } else {
            window[k--] = chunk[j];
            chunk[j--] = null;
          }
        }
        end += n;
      }
    }

    /**
     * Reads a journal's entries in the order written: the header, then each intact block, read
     * from its channel through a large buffer. A torn or damaged last block ends the entries.
     */
    static final class Reader implements AutoCloseable {
      private final Path file;
      private final FileChannel channel;
      private ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
      private int limit;
      private int pos;
      private int blockEnd;
      private long sequence;
      private boolean ended;
      final long generation;

      Reader(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        long gen = NO_GENERATION;
        try {
          if (available(20)) {
            if (buffer.getLong(0) != StateFiles.JOURNAL_MAGIC || buffer.getInt(8) != StateFiles.VERSION) {
              throw StateFiles.corrupted(file, "it is not a Sluice journal of this version");
            }
            gen = buffer.getLong(12);
            pos = 20;
          } else {
            ended = true; // torn while being created: nothing in it
          }
        } catch (IOException | RuntimeException e) {
          channel.close();
          throw e;
        }
        this.generation = gen;
        this.blockEnd = pos;
      }

      /** The next entry, or null after the last. */
      Entry next() throws IOException {
        while (pos == blockEnd) {
          if (ended || !nextBlock()) {
            ended = true;
            return null;
          }
        }
        byte[] d = buffer.array();
        byte op = d[pos++];
        int length = buffer.getInt(pos);
        pos += 4;
        String key = Binary.decode(d, pos, length);
        pos += length;
        long hash = 0;
        if (op == StateFiles.PUT) {
          hash = buffer.getLong(pos);
          pos += 8;
        }
        return new Entry(key, sequence++, op, hash);
      }

      /** Moves to the next intact block; false at the end or at a torn or damaged block. */
      private boolean nextBlock() throws IOException {
        if (!available(8)) {
          return false; // the normal end, or a block torn by a crash: that batch is sent again
        }
        int length = buffer.getInt(pos);
        int storedCrc = buffer.getInt(pos + 4);
        if (length < 0 || length > (1 << 28)) {
          log.warn("journal {} ends in a damaged block; the changes in it will be sent again", file);
          return false;
        }
        if (!available(8 + length)) {
          return false;
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), pos + 8, length);
        if ((int) crc.getValue() != storedCrc) {
          log.warn("journal {} ends in a damaged block; the changes in it will be sent again", file);
          return false;
        }
        pos += 8;
        blockEnd = pos + length;
        return true;
      }

      /** Whether {@code needed} bytes from {@code pos} are in the buffer (reading more if not). */
      private boolean available(int needed) throws IOException {
        if (limit - pos >= needed) {
          return true;
        }
        byte[] d = buffer.array();
        if (needed > d.length) {
          ByteBuffer bigger = ByteBuffer.allocate(needed);
          System.arraycopy(d, pos, bigger.array(), 0, limit - pos);
          buffer = bigger;
        } else {
          System.arraycopy(d, pos, d, 0, limit - pos);
        }
        limit -= pos;
        blockEnd -= pos;
        pos = 0;
        while (limit < needed) {
          buffer.limit(buffer.capacity()).position(limit);
          int n = channel.read(buffer);
          if (n < 0) {
            return false;
          }
          limit += n;
        }
        return true;
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    }
  }
}
