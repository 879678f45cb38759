package dev.sluice.warehouse;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.source.DuckDb;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of a warehouse-engine mirror sync of the table {@code src} of a DuckDB file into a
 * destination that appends what it accepts to a log file, with an optional crash. Started by
 * {@link WarehouseCrashTest}. Arguments: database file, log file, crash ("none", "mid-batch:N",
 * "anytime:SEED"), minutes to add to the clock (a rerun after a crash takes over the dead run's
 * lease as if it had expired).
 */
public final class WarehouseCrashProbe {

  static final String SYNC = "warehouse-crash";

  private WarehouseCrashProbe() {}

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    Path log = Path.of(args[1]);
    String[] crash = args[2].split(":");
    long n = crash.length > 1 ? Long.parseLong(crash[1]) : 0;
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(Long.parseLong(args[3])));
    if (crash[0].equals("anytime")) {
      killAfter(new Random(n).nextInt(1_500_000));
    }
    try (DuckDb db = DuckDb.open(file)) {
      Warehouse warehouse = Warehouse.builder(db.dataSource()).createTables(true).clock(clock)
          .stageEvery(1_000, Duration.ofSeconds(5)) // a kill then also lands while staging
          .build();
      LogDestination destination = new LogDestination(log, crash[0].equals("mid-batch") ? (int) n : -1);
      SyncReport report = Sync.from(warehouse.query("select * from src").key("id").copy("email", "score").build())
          .to(destination)
          .named(SYNC)
          .mode(SyncMode.MIRROR)
          .state(warehouse)
          .differ(warehouse.differ())
          .batchSize(200)
          .clock(clock)
          .build()
          .run();
      System.out.println(report.summary());
      System.exit(report.status() == SyncReport.Status.SUCCEEDED ? 0 : 1);
    }
  }

  static void pauseForKill() {
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
  static void killAfter(long micros) {
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

  /** Appends "U id email score" / "D id" lines for what it accepts; the parent reads them back. */
  static final class LogDestination implements Destination {
    private final FileOutputStream out;
    private final int pauseAtBatch;
    private final AtomicInteger batches = new AtomicInteger();

    LogDestination(Path log, int pauseAtBatch) throws IOException {
      this.out = new FileOutputStream(log.toFile(), true);
      this.pauseAtBatch = pauseAtBatch;
    }

    @Override
    public Capabilities capabilities() {
      return Capabilities.builder().operations(Operation.UPSERT, Operation.DELETE).maxRecordsPerBatch(200)
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
          sb.append("U ").append(r.key()).append(' ').append(r.get("email")).append(' ').append(r.get("score")).append('\n');
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
}
