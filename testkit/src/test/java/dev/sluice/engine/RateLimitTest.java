package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.delivery.RateLimit;
import dev.sluice.testkit.FaultyDestination;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.RecordingDestination;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rolling-window budget, on a fake clock that its waits move forward. */
class RateLimitTest {

  /** Time moves only when the rate limit waits: it sleeps by advancing this clock. */
  private final MutableClock time = new MutableClock(Instant.EPOCH);

  @Test
  void neverGrantsMoreThanThePermitsInAnyRollingWindowAndRunsAtTheCeiling() throws Exception {
    RateLimit limit = RateLimit.of(100, Duration.ofSeconds(10), time, time::advance);
    List<Long> grants = new ArrayList<>();

    for (int i = 0; i < 1_000; i++) {
      limit.acquire();
      grants.add(time.millis());
    }

    assertThat(maxInAnyWindow(grants, 10_000)).isEqualTo(100);
    assertThat(time.millis()).as("1,000 calls at 100 per 10 s (+3%) take 92.7 s, not more").isEqualTo(92_700);
  }

  @Test
  void pausesEveryCallerAfterARateLimitAnswer() throws Exception {
    RateLimit limit = RateLimit.of(100, Duration.ofSeconds(10), time, time::advance);
    limit.acquire();

    limit.rateLimited(Duration.ofSeconds(7));
    limit.acquire();

    assertThat(time.millis()).isEqualTo(7_000);
  }

  @Test
  void followsTheLimitTheApiReportsAndLeavesOthersTheirShare() throws Exception {
    RateLimit limit = RateLimit.of(100, Duration.ofSeconds(10), time, time::advance);

    limit.observe(50, 50);
    assertThat(limit.permits()).as("the API halved its limit").isEqualTo(50);

    limit.acquire();
    limit.observe(50, 29);
    assertThat(limit.permits()).as("20 calls in the window were someone else's").isEqualTo(30);

    time.advance(Duration.ofSeconds(11));
    limit.observe(190, 190);
    assertThat(limit.permits()).isEqualTo(190);
  }

  @Test
  void sharesOneBudgetByKey() {
    String key = "portal-" + System.nanoTime();
    RateLimit first = RateLimit.shared(key, () -> RateLimit.of(10, Duration.ofSeconds(1)));

    assertThat(RateLimit.shared(key, () -> RateLimit.of(99, Duration.ofSeconds(1)))).isSameAs(first);
    assertThat(RateLimit.shared(key + "-other", () -> RateLimit.of(10, Duration.ofSeconds(1)))).isNotSameAs(first);
  }

  @Test
  void pacesTwoSyncsSharingABudgetToItsCeilingTogether() throws Exception {
    RateLimit shared = RateLimit.of(5, Duration.ofSeconds(1), time, time::advance);
    List<Long> calls = Collections.synchronizedList(new ArrayList<>());
    RecordingDestination crm = RecordingDestination.builder().maxRecordsPerBatch(1).build();
    DeliveryPolicy policy = DeliveryPolicy.custom().rateLimit(shared).build();
    FaultyDestination counted = FaultyDestination.wrap(crm);
    for (String name : List.of("contacts", "companies")) {
      InMemorySource source = InMemorySource.create();
      for (int i = 0; i < 20; i++) {
        source.put(Record.builder(name + i).set("n", i).build());
      }
      SyncReport report = Sync.from(source).to(new dev.sluice.destination.Destination() {
        @Override
        public dev.sluice.destination.Capabilities capabilities() {
          return counted.capabilities();
        }

        @Override
        public dev.sluice.destination.BatchResult write(dev.sluice.destination.Batch batch) {
          calls.add(time.millis());
          return counted.write(batch);
        }
      }).named(name).delivery(policy).concurrency(1).build().run();
      assertThat(report.delivered()).isEqualTo(20);
    }

    assertThat(maxInAnyWindow(calls, 1_000)).isLessThanOrEqualTo(5);
    assertThat(time.millis()).as("40 calls at 5 per second (+50 ms)").isEqualTo(7_350);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> RateLimit.of(0, Duration.ofSeconds(1))).hasMessage("permits must be at least 1, was 0");
    assertThatThrownBy(() -> RateLimit.of(1, Duration.ZERO)).hasMessage("window must be positive, was PT0S");
  }

  private static int maxInAnyWindow(List<Long> times, long windowMillis) {
    List<Long> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    int max = 0;
    int start = 0;
    for (int end = 0; end < sorted.size(); end++) {
      while (sorted.get(end) - sorted.get(start) >= windowMillis) {
        start++;
      }
      max = Math.max(max, end - start + 1);
    }
    return max;
  }
}
