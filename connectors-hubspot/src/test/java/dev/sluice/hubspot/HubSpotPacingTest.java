package dev.sluice.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.delivery.RateLimitRegistry;
import dev.sluice.delivery.RollingWindowRateLimiter;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.hubspot.HubSpotFake;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every request HubSpot sees — batch writes, the reads that resolve ids before an archive, schema
 * reads — is paid for from the account's budget, against a fake that enforces a strict rolling
 * window.
 */
class HubSpotPacingTest {

  private final HubSpotFake fake = HubSpotFake.start().rateLimit(6, Duration.ofSeconds(1));

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void aMirrorRunWithDeletesFollowedAtOnceByAnUpsertRunOnTheSamePortalDrawsNo429() {
    Fakes.defineCustomerProperties(fake);
    RateLimiter portal = RollingWindowRateLimiter.of("hubspot:portal-9", 6, Duration.ofSeconds(1));
    InMemoryStateStore state = new InMemoryStateStore();
    InMemorySource customers = InMemorySource.create();
    for (int i = 0; i < 600; i++) {
      customers.put(Record.builder(String.format("C-%04d", i)).set("score", i).build());
    }

    try (HubSpot mirror = Fakes.contacts(fake).rateLimit(portal).build();
        HubSpot upserts = Fakes.contacts(fake).rateLimit(portal).build()) {
      SyncReport first = Sync.from(customers).to(mirror).named("mirror").state(state).mode(SyncMode.MIRROR)
          .delivery(Fakes.FAST).build().run();
      for (int i = 0; i < 400; i++) {
        customers.remove(String.format("C-%04d", i));
      }
      SyncReport deletes = Sync.from(customers).to(mirror).named("mirror").state(state).mode(SyncMode.MIRROR)
          .delivery(Fakes.FAST).build().run();
      SyncReport next = Sync.from(customers).to(upserts).named("other").delivery(Fakes.FAST).build().run();

      assertThat(first.delivered()).isEqualTo(600);
      assertThat(deletes.deleted()).isEqualTo(400);
      assertThat(deletes.requests().requests()).as("a schema read, then batch/read and batch/archive per 100 deletes")
          .isEqualTo(9);
      assertThat(deletes.requests().attempts()).isEqualTo(4);
      assertThat(next.delivered()).isEqualTo(200);
      assertThat(fake.objects("contacts")).hasSize(200);
      assertThat(fake.rateLimited()).as("429s drawn from the strict fake").isZero();
      assertThat(maxInAnyWindow(fake, 1_000)).isLessThanOrEqualTo(6);
    }
  }

  @Test
  void destinationsOfOnePortalShareTheBudgetOfTheRegistryTheApplicationOwns() {
    Fakes.defineCustomerProperties(fake);
    fake.rateLimit(1_000, Duration.ofSeconds(10));
    RateLimitRegistry budgets = RateLimitRegistry.create();
    try (HubSpot a = Fakes.contacts(fake).portal("9", budgets).build();
        HubSpot b = Fakes.contacts(fake).portal("9", budgets).build()) {
      InMemorySource one = InMemorySource.create().put("C-1", java.util.Map.of("score", 1));

      Sync.from(one).to(a).named("a").build().run();
      Sync.from(one).to(b).named("b").build().run();

      RollingWindowRateLimiter shared = (RollingWindowRateLimiter) budgets.find("hubspot:9").orElseThrow();
      assertThat(shared.getMetrics().getAvailablePermissions()).as("two schema reads and two upserts")
          .isEqualTo(shared.permits() - 4);
      assertThat(shared.inFlight()).isZero();
    }
  }

  private static int maxInAnyWindow(HubSpotFake fake, long windowMillis) {
    java.util.List<Long> millis = new java.util.ArrayList<>();
    fake.acceptedAt().forEach(n -> millis.add(n / 1_000_000));
    int max = 0;
    int start = 0;
    for (int end = 0; end < millis.size(); end++) {
      while (millis.get(end) - millis.get(start) >= windowMillis) {
        start++;
      }
      max = Math.max(max, end - start + 1);
    }
    return max;
  }
}
