package dev.sluice.internal;

import dev.sluice.Record;
import dev.sluice.ValueLimits;
import dev.sluice.map.MapResult;
import dev.sluice.map.Mapper;
import dev.sluice.source.RecordStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/**
 * Reads (and maps) a source on a thread of its own, handing chunks of records to the engine's
 * thread, so that reading and decoding overlap with hashing, diffing and planning. The queue is
 * bounded: a slow consumer holds the reader back, and memory stays at a few chunks.
 */
final class ReadAhead implements AutoCloseable {

  static final int CHUNK = 1024;
  /** Stack size of the threads that read, map and write. */
  static final long STACK_BYTES = 8L << 20;
  private static final int CHUNKS_IN_FLIGHT = 4;

  /**
   * One read record with its mapping result (null when not mapped here) and, when
   * {@link #hashed}, the mapped record's hash. Written by the reader before the chunk is handed
   * over, read by the engine after: the queue orders the two.
   */
  static final class Item {
    final Record record;
    final MapResult mapped;
    long hash;
    boolean hashed;

    Item(Record record, MapResult mapped) {
      this.record = record;
      this.mapped = mapped;
    }

    /** Whether the record was mapped (and checked) here, and so has a hash to compute. */
    boolean hashable() {
      return mapped != null && !mapped.isRejected();
    }
  }

  /** What the reader hands over: records, then an end (with the failure, if reading failed). */
  static final class Chunk {
    final Item[] items;
    final int size;
    final boolean last;
    final Throwable failure;

    Chunk(Item[] items, int size, boolean last, Throwable failure) {
      this.items = items;
      this.size = size;
      this.last = last;
      this.failure = failure;
    }
  }

  private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(CHUNKS_IN_FLIGHT);
  private final RecordStream stream;
  private final Mapper mapper;
  private final ToLongFunction<Record> hasher;
  private final RecordCheck check;
  private final Thread thread;
  private final dev.sluice.Shard shard;
  // Written by the reader thread only; read by the engine once the reader has ended.
  private volatile long otherShards;
  private volatile boolean stopped;
  // Set once the reader has handed over its last chunk (or died trying): lets next() end.
  private volatile boolean ended;

  /**
   * Starts reading, only the records of {@code shard} (null: all): the others are dropped as they
   * are read, before they cost a mapping, and counted ({@link #otherShards()}).
   *
   * @param mapper maps each keyed record on the reader thread (and {@code hasher} hashes it there
   *     when the engine is behind); null to leave records unmapped
   */
  ReadAhead(RecordStream stream, Mapper mapper, ToLongFunction<Record> hasher, RecordCheck check, String threadName,
      dev.sluice.Shard shard) {
    this.shard = shard;
    this.stream = stream;
    this.mapper = mapper;
    this.hasher = hasher;
    this.check = check;
    // A deep stack: mapping code and nested values recurse, and a StackOverflowError here must stay rare.
    this.thread = new Thread(null, this::read, threadName, STACK_BYTES);
    thread.setDaemon(true);
    thread.start();
  }

  private void read() {
    Item[] items = new Item[CHUNK];
    int size = 0;
    try {
      while (!stopped && stream.hasNext()) {
        Record record = stream.next();
        if (shard != null && !shard.contains(record == null ? null : record.key())) {
          otherShards++;
          continue;
        }
        MapResult mapped = mapper == null || record == null || record.key() == null ? null
            : prepare(mapper, record, check);
        items[size++] = new Item(record, mapped);
        if (size == CHUNK) {
          hashIfAhead(items, size);
          if (!hand(new Chunk(items, size, false, null))) {
            return;
          }
          items = new Item[CHUNK];
          size = 0;
        }
      }
      hashIfAhead(items, size);
      hand(new Chunk(items, size, true, null));
    } catch (Throwable e) {
      // Whatever ends the reader (an OutOfMemoryError too) ends the run with a report, never a hang.
      hand(new Chunk(items, size, true, e));
    } finally {
      ended = true;
    }
  }

  /**
   * Hashes a chunk here when the engine's thread is behind (chunks are waiting for it): the two
   * threads share the hashing, whichever has time for it, and the engine hashes what comes
   * unhashed.
   */
  private void hashIfAhead(Item[] items, int size) {
    if (queue.size() < CHUNKS_IN_FLIGHT / 2) {
      return;
    }
    for (int i = 0; i < size; i++) {
      Item item = items[i];
      if (item.hashable()) {
        try {
          item.hash = hasher.applyAsLong(item.mapped.record());
          item.hashed = true;
        } catch (RuntimeException | StackOverflowError e) {
          // Left unhashed: the engine hashes it again and rejects the record with the reason.
        }
      }
    }
  }

  /**
   * Checks, maps and checks again one keyed record: an unreadable row, a key no state store can
   * keep, a mapper that fails or changes the key, and a mapped value beyond {@link
   * dev.sluice.ValueLimits} each reject the record, with a reason that names the key or field.
   */
  static MapResult prepare(Mapper mapper, Record record, RecordCheck check) {
    String key = record.key();
    String keyProblem = RecordCheck.keyProblem(key);
    if (keyProblem != null) {
      return MapResult.rejected(keyProblem);
    }
    if (record.unreadableReason() != null) {
      return MapResult.rejected(record.unreadableReason());
    }
    MapResult result = map(mapper, record);
    if (result.isRejected()) {
      return result;
    }
    if (!key.equals(result.record().key())) {
      return MapResult.rejected("the mapper changed the key to '" + ValueLimits.escape(String.valueOf(result.record().key()))
          + "'; keys come from the source");
    }
    String problem;
    try {
      problem = check.problem(result.record());
    } catch (StackOverflowError e) {
      problem = "a value is nested too deeply to check";
    }
    return problem == null ? result : MapResult.rejected(problem);
  }

  /**
   * Maps one record; a null result, an exception, an assertion or a stack overflow in the mapping
   * code becomes a rejection of that record, never a crash. Other errors (out of memory) end the run.
   */
  static MapResult map(Mapper mapper, Record record) {
    try {
      MapResult result = mapper.map(record);
      return result == null ? MapResult.rejected("the mapper returned null") : result;
    } catch (RuntimeException | AssertionError | StackOverflowError e) {
      return MapResult.rejected("mapping failed: " + (e instanceof StackOverflowError
          ? "the mapping code overflowed the stack (a value nested too deeply, or endless recursion)" : e.toString()));
    }
  }

  private boolean hand(Chunk chunk) {
    try {
      while (!stopped) {
        if (queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /**
   * The next chunk; blocks until the reader has one, or ended without handing one over, or
   * {@code stopping} says the run stops (then null: the reader may be blocked in the source).
   */
  Chunk next(java.util.function.BooleanSupplier stopping) throws InterruptedException {
    while (true) {
      Chunk chunk = queue.poll(100, TimeUnit.MILLISECONDS);
      if (chunk != null) {
        return chunk;
      }
      if (stopping.getAsBoolean()) {
        return null;
      }
      if (ended && queue.isEmpty()) {
        return new Chunk(new Item[0], 0, true,
            new IllegalStateException("the reader thread ended without handing over its records"));
      }
    }
  }

  /** {@return the records read so far that belong to other shards, and were dropped} */
  long otherShards() {
    return otherShards;
  }

  /** Stops the reader (if still reading) and waits for it to end. */
  @Override
  public void close() {
    stopped = true;
    queue.clear();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
