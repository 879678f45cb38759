package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunContext;
import dev.sluice.SyncMode;
import dev.sluice.testkit.MutableClock;
import dev.sluice.observe.ConsoleProgress;
import dev.sluice.observe.SyncProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {

  @Test
  void printsRateShareAndEtaAtMostOncePerInterval() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    ConsoleProgress progress = ConsoleProgress.to(new PrintStream(bytes, true, StandardCharsets.UTF_8),
        Duration.ofSeconds(2), clock);

    progress.onRunStarted(new RunContext("customers", "r1", SyncMode.UPSERT, false));
    clock.advance(Duration.ofSeconds(1));
    progress.onProgress(new SyncProgress("customers", "r1", Duration.ofSeconds(1), 10_000, 100, 50, 0, 100_000));
    clock.advance(Duration.ofSeconds(3));
    progress.onProgress(new SyncProgress("customers", "r1", Duration.ofSeconds(4), 40_000, 400, 390, 2, 100_000));

    assertThat(bytes.toString(StandardCharsets.UTF_8).trim()).isEqualTo(
        "customers: read 40,000 of 100,000 (40%) at 10,000 rec/s | delivered 390, failed 2 | ETA 6 s");
  }
}
