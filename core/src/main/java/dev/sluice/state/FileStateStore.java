package dev.sluice.state;

import dev.sluice.diff.KeyOrder;

import dev.sluice.internal.ExternalSort;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
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
  /** Journal entries sorted in memory per run when folding; about 40 MB. */
  private static final int FOLD_RUN_ENTRIES = 500_000;

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
   * then removes the journal.
   */
  private StateFiles.Header publish(SyncFiles files, StateFiles.Header current, String fingerprint) throws IOException {
    long generation = newGeneration(current.generation);
    long count;
    try (ExternalSort<Journal.Entry> sorted = Journal.sortedEntries(files.journal, directory, FOLD_RUN_ENTRIES);
        FileChannel channel = FileChannel.open(files.temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        StateFiles.SnapshotWriter writer = new StateFiles.SnapshotWriter(Channels.newOutputStream(channel), generation,
            fingerprint)) {
      Iterator<Journal.Entry> changes = Journal.lastPerKey(sorted.sorted());
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

    /** Letters, digits, '-', '_' and '.' stay; anything else becomes %XX per UTF-8 byte. */
    static String safeName(String name) {
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
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final DataOutputStream pendingOut = new DataOutputStream(pending);
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
      try {
        pendingOut.writeByte(StateFiles.PUT);
        StateFiles.writeString(pendingOut, key);
        pendingOut.writeLong(hash);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void remove(String key) {
      checkWritable();
      StateKeys.check(files.syncName, key);
      try {
        pendingOut.writeByte(StateFiles.REMOVE);
        StateFiles.writeString(pendingOut, key);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void checkpoint() {
      checkWritable();
      if (pending.size() == 0) {
        return;
      }
      try {
        if (journal == null) {
          journal = Journal.create(files.journal, header.generation);
        }
        byte[] payload = pending.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer block = ByteBuffer.allocate(8 + payload.length);
        block.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        while (block.hasRemaining()) {
          journal.write(block);
        }
        if (fsync) {
          journal.force(false);
        }
        pending.reset();
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
      long[] count = {0};
      long generation = scan(file, entry -> count[0]++);
      return new Contents(generation, count[0]);
    }

    /** The journal's entries sorted by key, then by the order they were written. */
    static ExternalSort<Entry> sortedEntries(Path file, Path spill, int runSize) throws IOException {
      ExternalSort<Entry> sort = new ExternalSort<>(
          Comparator.<Entry, String>comparing(e -> e.key, KeyOrder.COMPARATOR).thenComparingLong(e -> e.sequence),
          EntryCodec::new, runSize, spill);
      if (Files.exists(file)) {
        scan(file, sort::add);
      }
      return sort;
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

    /** Reads the header and each intact block; returns the generation. A torn tail ends the scan. */
    private static long scan(Path file, java.util.function.Consumer<Entry> consumer) throws IOException {
      try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
        long generation;
        try {
          if (in.readLong() != StateFiles.JOURNAL_MAGIC || in.readInt() != StateFiles.VERSION) {
            throw StateFiles.corrupted(file, "it is not a Sluice journal of this version");
          }
          generation = in.readLong();
        } catch (EOFException e) {
          return NO_GENERATION; // torn while being created: nothing in it
        }
        long sequence = 0;
        while (true) {
          byte[] payload;
          int storedCrc;
          try {
            int length = in.readInt();
            storedCrc = in.readInt();
            if (length < 0 || length > (1 << 28)) {
              log.warn("journal {} ends in a damaged block; the changes in it will be sent again", file);
              break;
            }
            payload = new byte[length];
            in.readFully(payload);
          } catch (EOFException e) {
            break; // the normal end, or a block torn by a crash: that batch is sent again
          }
          CRC32C crc = new CRC32C();
          crc.update(payload);
          if ((int) crc.getValue() != storedCrc) {
            log.warn("journal {} ends in a damaged block; the changes in it will be sent again", file);
            break;
          }
          DataInputStream entries = new DataInputStream(new java.io.ByteArrayInputStream(payload));
          while (entries.available() > 0) {
            byte op = entries.readByte();
            String key = StateFiles.readString(entries);
            long hash = op == StateFiles.PUT ? entries.readLong() : 0;
            consumer.accept(new Entry(key, sequence++, op, hash));
          }
        }
        return generation;
      }
    }

    private static final class EntryCodec implements ExternalSort.Codec<Entry> {
      @Override
      public void write(DataOutputStream out, Entry e) throws IOException {
        StateFiles.writeString(out, e.key);
        out.writeLong(e.sequence);
        out.writeByte(e.op);
        out.writeLong(e.hash);
      }

      @Override
      public Entry read(DataInputStream in) throws IOException {
        return new Entry(StateFiles.readString(in), in.readLong(), in.readByte(), in.readLong());
      }
    }
  }
}
