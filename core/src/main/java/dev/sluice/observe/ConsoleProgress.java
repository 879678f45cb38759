package dev.sluice.observe;

import dev.sluice.RunContext;
import dev.sluice.SyncReport;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Prints a line of progress while a run goes — at the run's first progress, then at most every
 * {@code interval}: records read (and the share of the total when the source knows it), the rate,
 * changes delivered and failed, and an estimate of the time left. Then the run's summary. For
 * command-line tools and demos.
 *
 * <pre>
 * customers-to-crm: read 45,000 of 100,000 (45%) at 12,345 rec/s | delivered 1,200, failed 0 | ETA 4 s
 * </pre>
 */
public final class ConsoleProgress implements SyncListener {

  private final PrintStream out;
  private final Duration interval;
  private final Clock clock;
  private Instant started;
  private Instant lastPrinted;

  private ConsoleProgress(PrintStream out, Duration interval, Clock clock) {
    this.out = Objects.requireNonNull(out, "out");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** {@return progress to standard error, at most every two seconds} */
  public static ConsoleProgress toStderr() {
    return new ConsoleProgress(System.err, Duration.ofSeconds(2), Clock.systemUTC());
  }

  /**
   * Progress to {@code out}, at most every {@code interval}, timed by {@code clock}.
   *
   * @param out where to print
   * @param interval the least time between two lines
   * @param clock the clock to read the time from
   * @return the listener
   */
  public static ConsoleProgress to(PrintStream out, Duration interval, Clock clock) {
    return new ConsoleProgress(out, interval, clock);
  }

  @Override
  public synchronized void onRunStarted(RunContext run) {
    started = clock.instant();
    lastPrinted = null;
  }

  @Override
  public synchronized void onProgress(SyncProgress progress) {
    Instant now = clock.instant();
    // The first progress of a run prints at once, so that short runs show some too.
    if (lastPrinted != null && Duration.between(lastPrinted, now).compareTo(interval) < 0) {
      return;
    }
    lastPrinted = now;
    out.println(line(progress, now));
  }

  @Override
  public void onRunFinished(SyncReport report) {
    out.println(report.summary());
  }

  String line(SyncProgress p, Instant now) {
    double seconds = Math.max(0.001, Duration.between(started == null ? now : started, now).toMillis() / 1000.0);
    double rate = p.read() / seconds;
    StringBuilder sb = new StringBuilder(p.syncName()).append(": read ").append(format(p.read()));
    if (p.sizeHint().isPresent() && p.sizeHint().getAsLong() > 0) {
      long total = p.sizeHint().getAsLong();
      sb.append(" of ").append(format(total)).append(" (").append(Math.min(100, p.read() * 100 / total)).append("%)");
    }
    sb.append(" at ").append(format(Math.round(rate))).append(" rec/s | delivered ").append(format(p.delivered()))
        .append(", failed ").append(format(p.failed()));
    if (p.sizeHint().isPresent() && rate > 0) {
      long left = Math.max(0, p.sizeHint().getAsLong() - p.read());
      sb.append(" | ETA ").append(Math.round(left / rate)).append(" s");
    }
    return sb.toString();
  }

  private static String format(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
