package dev.sluice.engine;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.state.FileStateStore;
import dev.sluice.diff.RecordHash;
import dev.sluice.state.StateCursor;
import dev.sluice.state.StateStore;
import dev.sluice.state.SyncState;
import dev.sluice.testkit.SyntheticSource;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of a 100k-record mirror sync into a destination that appends what it accepts to a log
 * file, with an optional crash. Started by {@link CrashTest}. Arguments: state directory, log file,
 * revision, record count, crash ("none", "mid-batch:N", "before-journal:N", "publish:SEED",
 * "anytime:SEED").
 *
 * <p>"mid-batch" and "before-journal" print {@code PAUSED} at the chosen point and wait for the
 * parent to kill the process with SIGKILL; "publish" and "anytime" send SIGKILL to themselves after
 * a seeded delay (from the start of the commit, or of the run).
 */
public final class CrashProbe {

  private CrashProbe() {}

  public static void main(String[] args) throws Exception {
    Path stateDir = Path.of(args[0]);
    Path log = Path.of(args[1]);
    int revision = Integer.parseInt(args[2]);
    int count = Integer.parseInt(args[3]);
    String[] crash = args[4].split(":");
    String point = crash[0];
    long n = crash.length > 1 ? Long.parseLong(crash[1]) : 0;

    if (point.equals("anytime")) {
      killAfter(new Random(n).nextInt(400_000));
    }
    StateStore state = FileStateStore.in(stateDir);
    if (point.equals("before-journal") || point.equals("publish")) {
      state = new CrashingStore(state, point, n);
    }
    LogDestination destination = new LogDestination(log, point.equals("mid-batch") ? (int) n : -1);
    SyncReport report = Sync.from(SyntheticSource.of(count).withRevision(revision, 7))
        .to(destination)
        .named("crash-test")
        .state(state)
        .mode(SyncMode.MIRROR)
        .batchSize(500)
        .build()
        .run();
    System.out.println(report.summary());
    System.exit(report.status() == SyncReport.Status.SUCCEEDED ? 0 : 1);
  }

  /** Prints {@code PAUSED} and waits for the parent's SIGKILL (halts with status 3 if none comes). */
  public static void pauseForKill() {
    System.out.println("PAUSED");
    System.out.flush();
    try {
      System.in.read();
    } catch (IOException e) {
      // The parent kills us; nothing to do.
    }
    Runtime.getRuntime().halt(3); // not killed: fail loudly rather than continue
  }

  /** Sends SIGKILL to this process after {@code micros} microseconds. */
  public static void killAfter(long micros) {
    long pid = ProcessHandle.current().pid();
    Thread killer = new Thread(() -> {
      long deadline = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(micros);
      while (System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(deadline - System.nanoTime());
      }
      try {
        new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
      } catch (IOException | InterruptedException e) {
        Runtime.getRuntime().halt(4);
      }
    });
    killer.setDaemon(true);
    killer.start();
  }

  /**
   * Appends "U key …" / "D key" lines for what it accepts (the upsert line's rest by
   * {@code upsertLine}; by default the record's hash); the parent reads them back. With
   * {@code pauseAtBatch}, pauses for the kill halfway through writing that batch.
   */
  public static final class LogDestination implements Destination {
    private final FileOutputStream out;
    private final int pauseAtBatch;
    private final int maxRecords;
    private final java.util.function.Function<Record, String> upsertLine;
    private final AtomicInteger batches = new AtomicInteger();

    LogDestination(Path log, int pauseAtBatch) throws IOException {
      this(log, pauseAtBatch, 500, r -> RecordHash.toHex(RecordHash.of(r)));
    }

    public LogDestination(Path log, int pauseAtBatch, int maxRecords, java.util.function.Function<Record, String> upsertLine)
        throws IOException {
      this.out = new FileOutputStream(log.toFile(), true);
      this.pauseAtBatch = pauseAtBatch;
      this.maxRecords = maxRecords;
      this.upsertLine = upsertLine;
    }

    @Override
    public Capabilities capabilities() {
      return Capabilities.builder().operations(Operation.UPSERT, Operation.DELETE).maxRecordsPerBatch(maxRecords)
          .idempotentWrites(true).build();
    }

    @Override
    public BatchResult write(Batch batch) {
      StringBuilder first = new StringBuilder();
      StringBuilder second = new StringBuilder();
      for (int i = 0; i < batch.size(); i++) {
        Record r = batch.records().get(i);
        StringBuilder sb = i < batch.size() / 2 ? first : second;
        if (batch.operation() == Operation.DELETE) {
          sb.append("D ").append(r.key()).append('\n');
        } else {
          sb.append("U ").append(r.key()).append(' ').append(upsertLine.apply(r)).append('\n');
        }
      }
      synchronized (this) {
        try {
          out.write(first.toString().getBytes(StandardCharsets.UTF_8));
          if (batches.incrementAndGet() == pauseAtBatch) {
            pauseForKill();
          }
          out.write(second.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return BatchResult.allSucceeded(batch);
    }
  }

  /** Pauses before the n-th checkpoint reaches the journal, or kills itself during the commit. */
  static final class CrashingStore implements StateStore {
    private final StateStore delegate;
    private final String point;
    private final long n;

    CrashingStore(StateStore delegate, String point, long n) {
      this.delegate = delegate;
      this.point = point;
      this.n = n;
    }

    @Override
    public SyncState open(String syncName) {
      SyncState state = delegate.open(syncName);
      AtomicInteger checkpoints = new AtomicInteger();
      return new SyncState() {
        @Override
        public String fingerprint() {
          return state.fingerprint();
        }

        @Override
        public StateCursor cursor() {
          return state.cursor();
        }

        @Override
        public long size() {
          return state.size();
        }

        @Override
        public void put(String key, long hash) {
          state.put(key, hash);
        }

        @Override
        public void remove(String key) {
          state.remove(key);
        }

        @Override
        public void checkpoint() {
          if (point.equals("before-journal") && checkpoints.incrementAndGet() == n) {
            pauseForKill();
          }
          state.checkpoint();
        }

        @Override
        public void commit(String fingerprint) {
          if (point.equals("publish")) {
            killAfter(new Random(n).nextInt(60_000));
          }
          state.commit(fingerprint);
          if (point.equals("publish")) {
            pauseForKill(); // the commit finished before the kill: wait for it
          }
        }

        @Override
        public void close() {
          state.close();
        }
      };
    }
  }
}
