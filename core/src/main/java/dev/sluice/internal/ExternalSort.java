package dev.sluice.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.function.Supplier;

/**
 * Sorts more values than fit in memory: values collect in a buffer of {@code runSize}; a full
 * buffer is sorted and written to a temporary file (a run); at the end the runs are merged. When
 * everything fits in one buffer, nothing touches the disk. The sort is stable: equal values come
 * out in the order they went in. Not thread-safe.
 */
public final class ExternalSort<T> implements AutoCloseable {

  /** Writes and reads one value. */
  public interface Codec<T> {
    void write(DataOutputStream out, T value) throws IOException;

    T read(DataInputStream in) throws IOException;
  }

  private static final int BUFFER_BYTES = 1 << 16;

  private final Comparator<? super T> order;
  private final Supplier<? extends Codec<T>> codecs;
  private final int runSize;
  private final Path directory;
  private final List<T> buffer = new ArrayList<>();
  private final List<Path> runs = new ArrayList<>();
  private final List<DataInputStream> readers = new ArrayList<>();

  /**
   * A sort.
   *
   * @param codecs makes a codec per run file and direction, since codecs may keep state
   */
  public ExternalSort(Comparator<? super T> order, Supplier<? extends Codec<T>> codecs, int runSize, Path directory) {
    this.order = order;
    this.codecs = codecs;
    this.runSize = runSize;
    this.directory = directory;
  }

  public void add(T value) {
    buffer.add(value);
    if (buffer.size() >= runSize) {
      spill();
    }
  }

  /** How many runs went to disk. */
  public int spilledRuns() {
    return runs.size();
  }

  /** All values added, in order. Call once, after the last {@link #add}. */
  public Iterator<T> sorted() {
    if (runs.isEmpty()) {
      buffer.sort(order);
      return buffer.iterator();
    }
    if (!buffer.isEmpty()) {
      spill();
    }
    return merge();
  }

  private void spill() {
    buffer.sort(order);
    try {
      Files.createDirectories(directory);
      Path run = Files.createTempFile(directory, "sluice-sort-", ".run");
      runs.add(run);
      try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), BUFFER_BYTES))) {
        out.writeInt(buffer.size());
        Codec<T> codec = codecs.get();
        for (T value : buffer) {
          codec.write(out, value);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a sort run to " + directory + ": " + e.getMessage(), e);
    }
    buffer.clear();
  }

  private Iterator<T> merge() {
    PriorityQueue<Head<T>> heads = new PriorityQueue<>((a, b) -> {
      int c = order.compare(a.value, b.value);
      return c != 0 ? c : Integer.compare(a.run, b.run);
    });
    try {
      for (int i = 0; i < runs.size(); i++) {
        DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(runs.get(i)), BUFFER_BYTES));
        readers.add(in);
        Head<T> head = new Head<>(i, in.readInt(), in, codecs.get());
        if (head.advance()) {
          heads.add(head);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a sort run: " + e.getMessage(), e);
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return !heads.isEmpty();
      }

      @Override
      public T next() {
        Head<T> head = heads.poll();
        if (head == null) {
          throw new NoSuchElementException();
        }
        T value = head.value;
        try {
          if (head.advance()) {
            heads.add(head);
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read a sort run: " + e.getMessage(), e);
        }
        return value;
      }
    };
  }

  @Override
  public void close() {
    for (DataInputStream in : readers) {
      try {
        in.close();
      } catch (IOException e) {
        // Deleting the file below is what matters.
      }
    }
    for (Path run : runs) {
      try {
        Files.deleteIfExists(run);
      } catch (IOException e) {
        run.toFile().deleteOnExit();
      }
    }
    buffer.clear();
  }

  private static final class Head<T> {
    final int run;
    int remaining;
    final DataInputStream in;
    final Codec<T> codec;
    T value;

    Head(int run, int count, DataInputStream in, Codec<T> codec) {
      this.run = run;
      this.remaining = count;
      this.in = in;
      this.codec = codec;
    }

    boolean advance() throws IOException {
      if (remaining == 0) {
        return false;
      }
      remaining--;
      value = codec.read(in);
      return true;
    }
  }
}
