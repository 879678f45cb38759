package dev.sluice.internal;

import dev.sluice.Record;
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

    /** Whether the record was mapped here, kept its key, and so has a hash to compute. */
    boolean hashable() {
      return mapped != null && !mapped.isRejected() && record.key().equals(mapped.record().key());
    }
  }

  /** What the reader hands over: records, then an end (with the failure, if reading failed). */
  static final class Chunk {
    final Item[] items;
    final int size;
    final boolean last;
    final RuntimeException failure;

    Chunk(Item[] items, int size, boolean last, RuntimeException failure) {
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
  private final Thread thread;
  private volatile boolean stopped;

  /**
   * Starts reading.
   *
   * @param mapper maps each keyed record on the reader thread (and {@code hasher} hashes it there
   *     when the engine is behind); null to leave records unmapped
   */
  ReadAhead(RecordStream stream, Mapper mapper, ToLongFunction<Record> hasher, String threadName) {
    this.stream = stream;
    this.mapper = mapper;
    this.hasher = hasher;
    this.thread = new Thread(this::read, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  private void read() {
    Item[] items = new Item[CHUNK];
    int size = 0;
    try {
      while (!stopped && stream.hasNext()) {
        Record record = stream.next();
        MapResult mapped = mapper == null || record == null || record.key() == null ? null : map(mapper, record);
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
    } catch (RuntimeException e) {
      hand(new Chunk(items, size, true, e));
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
        item.hash = hasher.applyAsLong(item.mapped.record());
        item.hashed = true;
      }
    }
  }

  /** Maps one record; a null result or an exception becomes a rejection, never a crash. */
  static MapResult map(Mapper mapper, Record record) {
    try {
      MapResult result = mapper.map(record);
      return result == null ? MapResult.rejected("the mapper returned null") : result;
    } catch (RuntimeException e) {
      return MapResult.rejected("mapping failed: " + e);
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

  /** The next chunk; blocks until the reader has one. */
  Chunk next() throws InterruptedException {
    return queue.take();
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
