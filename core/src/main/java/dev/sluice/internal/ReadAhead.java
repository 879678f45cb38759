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

  /** One read record with its mapping result (null when not mapped here) and the mapped hash. */
  static final class Item {
    final Record record;
    final MapResult mapped;
    final long hash;

    Item(Record record, MapResult mapped, long hash) {
      this.record = record;
      this.mapped = mapped;
      this.hash = hash;
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
   * @param mapper maps (and {@code hasher} hashes) each keyed record on the reader thread; null to
   *     leave records unmapped
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
        long hash = mapped != null && !mapped.isRejected() && record.key().equals(mapped.record().key())
            ? hasher.applyAsLong(mapped.record()) : 0;
        items[size++] = new Item(record, mapped, hash);
        if (size == CHUNK) {
          if (!hand(new Chunk(items, size, false, null))) {
            return;
          }
          items = new Item[CHUNK];
          size = 0;
        }
      }
      hand(new Chunk(items, size, true, null));
    } catch (RuntimeException e) {
      hand(new Chunk(items, size, true, e));
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
