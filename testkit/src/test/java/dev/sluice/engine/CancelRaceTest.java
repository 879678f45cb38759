package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.RunContext;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.destination.BatchResult;
import dev.sluice.observe.SyncListener;
import dev.sluice.testkit.DiscardingDestination;
import dev.sluice.testkit.SyntheticSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A run cancelled from another thread at any moment reports honestly: either it completed
 * (SUCCEEDED, every change delivered) or it says it was stopped (ABORTED) — never SUCCEEDED with
 * changes left unsent.
 */
class CancelRaceTest {

  @RepeatedTest(20)
  void aRunCancelledFromAnotherThreadIsNeverReportedAsSucceededWithChangesUnsent() throws Exception {
    AtomicInteger batches = new AtomicInteger();
    CountDownLatch someDelivered = new CountDownLatch(1);
    int cancelAfter = 1 + (int) (Math.random() * 40);
    Sync sync = Sync.from(SyntheticSource.of(50_000))
        .to(new DiscardingDestination(500))
        .concurrency(2)
        .listener(new SyncListener() {
          @Override
          public void onBatchCompleted(RunContext run, BatchResult result) {
            if (batches.incrementAndGet() == cancelAfter) {
              someDelivered.countDown();
            }
          }
        })
        .build();

    CompletableFuture<SyncReport> run = CompletableFuture.supplyAsync(sync::run);
    someDelivered.await(30, TimeUnit.SECONDS);
    sync.cancel();
    SyncReport report = run.get(60, TimeUnit.SECONDS);

    if (report.status() == SyncReport.Status.SUCCEEDED) {
      assertThat(report.delivered()).as(report.summary()).isEqualTo(report.added());
    } else {
      assertThat(report.status()).as(report.summary()).isEqualTo(SyncReport.Status.ABORTED);
      assertThat(report.failure()).hasValueSatisfying(f -> assertThat(f).contains("cancelled"));
    }
  }
}
