package dev.sluice.engine;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.source.RecordStream;
import dev.sluice.source.Source;
import dev.sluice.state.FileStateStore;
import dev.sluice.testkit.DiscardingDestination;
import dev.sluice.testkit.SyntheticSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * Syncs an unordered source through the external sort in its own JVM (started by
 * {@link SortPathTest}): {@code run STATE SPILL COUNT REVISION} runs once and prints the report;
 * {@code crash STATE SPILL COUNT} halts the JVM as soon as the first sort run is on disk, while
 * the sort is still writing runs.
 */
public final class SortProbe {

  private SortProbe() {}

  public static void main(String[] args) throws Exception {
    // The engine logs its sort at INFO: capture those lines and print them with the report.
    ch.qos.logback.classic.Logger engineLog =
        (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(dev.sluice.Sync.LOGGER);
    engineLog.setLevel(Level.INFO);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    engineLog.addAppender(lines);
    boolean crash = args[0].equals("crash");
    Path state = Path.of(args[1]);
    Path spill = Path.of(args[2]);
    int count = Integer.parseInt(args[3]);
    int revision = crash ? 0 : Integer.parseInt(args[4]);
    SyncReport report = sync(shuffled(SyntheticSource.of(count).withRevision(revision, 100), count, crash ? spill : null),
        state, spill).run();
    lines.list.forEach(e -> System.out.println(e.getFormattedMessage()));
    System.out.println(report.summary());
    System.exit(report.status() == SyncReport.Status.SUCCEEDED ? 0 : 1);
  }

  static Sync sync(Source source, Path state, Path spill) {
    return Sync.from(source).to(new DiscardingDestination(500)).named("sorted").mode(SyncMode.MIRROR)
        .state(FileStateStore.in(state)).spillDirectory(spill).sortRunRecords(500).build();
  }

  /** The records in a fixed scrambled order; with {@code haltOnceSpilled}, the JVM halts once a run is on disk. */
  static Source shuffled(SyntheticSource source, int count, Path haltOnceSpilled) {
    long stride = 7_919;
    return () -> new RecordStream() {
      private long i;

      @Override
      public boolean hasNext() {
        return i < count;
      }

      @Override
      public Record next() {
        if (i >= count) {
          throw new NoSuchElementException();
        }
        if (haltOnceSpilled != null && i % 100 == 0 && i > 0 && anyRunIn(haltOnceSpilled)) {
          Runtime.getRuntime().halt(3);
        }
        return source.record((i++ * stride) % count);
      }
    };
  }

  private static boolean anyRunIn(Path spill) {
    try (Stream<Path> files = Files.walk(spill)) {
      return files.anyMatch(p -> p.getFileName().toString().startsWith("run-"));
    } catch (IOException e) {
      return false;
    }
  }
}
