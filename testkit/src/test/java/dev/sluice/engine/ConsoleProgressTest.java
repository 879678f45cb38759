package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunContext;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.testkit.DiscardingDestination;
import dev.sluice.testkit.SyntheticSource;
import dev.sluice.testkit.MutableClock;
import dev.sluice.observe.ConsoleProgress;
import dev.sluice.observe.SyncListener;
import dev.sluice.observe.SyncProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

  @Test
  void printsTheFirstProgressOfARunAtOnceThenAtMostOncePerInterval() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    ConsoleProgress progress = ConsoleProgress.to(new PrintStream(bytes, true, StandardCharsets.UTF_8),
        Duration.ofSeconds(2), clock);

    progress.onRunStarted(new RunContext("customers", "r1", SyncMode.UPSERT, false));
    clock.advance(Duration.ofMillis(200));
    progress.onProgress(new SyncProgress("customers", "r1", Duration.ofMillis(200), 2_000, 0, 0, 0, 100_000));
    clock.advance(Duration.ofSeconds(1));
    progress.onProgress(new SyncProgress("customers", "r1", Duration.ofMillis(1200), 10_000, 100, 50, 0, 100_000));
    clock.advance(Duration.ofSeconds(3));
    progress.onProgress(new SyncProgress("customers", "r1", Duration.ofMillis(4200), 42_000, 400, 390, 2, 100_000));

    assertThat(bytes.toString(StandardCharsets.UTF_8).trim().split("\\R")).containsExactly(
        "customers: read 2,000 of 100,000 (2%) at 10,000 rec/s | delivered 0, failed 0 | ETA 10 s",
        "customers: read 42,000 of 100,000 (42%) at 10,000 rec/s | delivered 390, failed 2 | ETA 6 s");
  }

  @Test
  void aRunThatSendsNothingStillReportsProgressWhileItReads() {
    List<SyncProgress> heard = new CopyOnWriteArrayList<>();
    Sync sync = Sync.from(SyntheticSource.of(50_000))
        .to(new DiscardingDestination(500))
        .named("progress")
        .listener(new SyncListener() {
          @Override
          public void onProgress(SyncProgress progress) {
            heard.add(progress);
          }
        })
        .build();
    sync.run();
    heard.clear();

    SyncReport second = sync.run();

    assertThat(second.delivered()).isZero();
    assertThat(heard).hasSizeGreaterThanOrEqualTo(4);
    assertThat(heard).extracting(SyncProgress::read).isSorted().allSatisfy(read -> assertThat(read).isPositive());
  }
}
