package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.delivery.RollingWindowRateLimiter;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.RateLimitedServer;
import dev.sluice.testkit.RateLimitedServerDestination;
import dev.sluice.testkit.SyntheticSource;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Delivery over real HTTP to a fake API that enforces a rolling-window limit. */
class HttpDeliveryTest {

  @Test
  void deliversEverythingThroughARateLimitedApiAndMirrorsDeletes() {
    try (RateLimitedServer api = RateLimitedServer.start(50, Duration.ofMillis(500))) {
      RollingWindowRateLimiter budget = RollingWindowRateLimiter.of("api", 50, Duration.ofMillis(500));
      DeliveryPolicy policy = DeliveryPolicy.ofDefaults();
      InMemoryStateStore state = new InMemoryStateStore();
      Sync sync = Sync.from(SyntheticSource.of(3_000)).to(new RateLimitedServerDestination(api, 100, budget))
          .named("api").state(state).mode(SyncMode.MIRROR).delivery(policy).build();

      SyncReport first = sync.run();
      SyncReport second = Sync.from(SyntheticSource.of(2_500).withRevision(1, 10))
          .to(new RateLimitedServerDestination(api, 100, budget))
          .named("api").state(state).mode(SyncMode.MIRROR).delivery(policy).build().run();

      assertThat(first.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(first.delivered()).isEqualTo(3_000);
      assertThat(second.deleted()).isEqualTo(500);
      assertThat(api.records().size()).isEqualTo(2_500);
      assertThat(api.records().get(SyntheticSource.key(10)).path("note").asText()).isEqualTo("revision 1");
      assertThat(api.records().get(SyntheticSource.key(10)).path("signed_up_at").asText()).endsWith("Z");
      assertThat(api.rejected()).as("the budget keeps calls under the limit").isZero();
    }
  }
}
