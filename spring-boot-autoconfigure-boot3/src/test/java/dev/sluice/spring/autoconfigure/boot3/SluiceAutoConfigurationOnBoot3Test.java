package dev.sluice.spring.autoconfigure.boot3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.scheduler.SluiceScheduler;
import dev.sluice.scheduler.SyncSchedule;
import dev.sluice.spring.autoconfigure.SluiceActuatorAutoConfiguration;
import dev.sluice.spring.autoconfigure.SluiceAutoConfiguration;
import dev.sluice.spring.autoconfigure.SluiceEndpoint;
import dev.sluice.spring.autoconfigure.SluiceMeters;
import dev.sluice.spring.autoconfigure.SluiceProperties;
import dev.sluice.state.JdbcStateStore;
import dev.sluice.state.StateStore;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import dev.sluice.testkit.TestPostgres;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration, built against Spring Boot 4, on Spring Boot 3.5 and its health API. */
class SluiceAutoConfigurationOnBoot3Test {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(SluiceAutoConfiguration.class, SluiceActuatorAutoConfiguration.class));

  private ApplicationContextRunner withDatabase() {
    DataSource db = TestPostgres.freshDatabase();
    return runner.withBean(DataSource.class, () -> db)
        .withPropertyValues("sluice.scheduler.polling-interval=100ms", "sluice.scheduler.instance-name=test");
  }

  @Configuration(proxyBeanMethods = false)
  static class Syncs {
    @Bean
    Sync customers(StateStore state, SluiceMeters meters) {
      InMemorySource source = InMemorySource.ordered().put(Record.builder("k1").set("n", 1).build());
      return Sync.from(source).to(RecordingDestination.create()).named("customers").state(state)
          .listener(meters.listener("customers", "RecordingDestination")).build();
    }
  }

  @Test
  void theseTestsRunOnSpringBoot3() {
    assertThat(SpringBootVersion.getVersion()).isEqualTo("3.5.7");
  }

  @Test
  void withoutADataSourceTheSchedulerAndTheStateStoreBackOff() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(SluiceScheduler.class);
      assertThat(context).doesNotHaveBean(JdbcStateStore.class);
      assertThat(context).doesNotHaveBean(HealthIndicator.class);
      assertThat(context).hasSingleBean(DeliveryPolicy.class);
    });
  }

  @Test
  void sluiceEnabledFalseBacksOffEntirely() {
    withDatabase().withPropertyValues("sluice.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean(SluiceScheduler.class);
      assertThat(context).doesNotHaveBean(SluiceProperties.class);
    });
  }

  @Test
  void propertiesBind() {
    runner.withPropertyValues("sluice.scheduler.threads=2", "sluice.syncs.customers.schedule=15m",
        "sluice.syncs.customers.stale-after=26h", "sluice.delivery.max-attempts=7").run(context -> {
          SluiceProperties p = context.getBean(SluiceProperties.class);
          assertThat(p.getScheduler().getThreads()).isEqualTo(2);
          assertThat(p.getSyncs().get("customers").getSchedule()).isEqualTo(Duration.ofMinutes(15));
          assertThat(p.getSyncs().get("customers").getStaleAfter()).isEqualTo(Duration.ofHours(26));
          assertThat(p.getDelivery().getMaxAttempts()).isEqualTo(7);
        });
  }

  @Test
  void aSyncBeanIsScheduledOnItsProperties() {
    withDatabase().withUserConfiguration(Syncs.class)
        .withPropertyValues("sluice.syncs.customers.cron=0 0 6 * * *", "sluice.syncs.customers.zone=Europe/Berlin")
        .run(context -> {
          SluiceScheduler scheduler = context.getBean(SluiceScheduler.class);
          assertThat(scheduler.syncNames()).containsExactly("customers");
          assertThat(scheduler.schedule("customers"))
              .isEqualTo(SyncSchedule.cron("0 0 6 * * *", java.time.ZoneId.of("Europe/Berlin")));
        });
  }

  @Test
  void theEndpointListsTheSyncsAndTriggersOne() {
    withDatabase().withUserConfiguration(Syncs.class).run(context -> {
      SluiceEndpoint endpoint = context.getBean(SluiceEndpoint.class);

      Map<String, Object> triggered = endpoint.trigger("customers");
      SyncReport report = context.getBean(SluiceScheduler.class).trigger("customers")
          .await(Duration.ofSeconds(30)).report();

      assertThat(triggered).containsEntry("outcome", "QUEUED");
      assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(endpoint.syncs().get("syncs").toString()).contains("customers", "status=SUCCEEDED");
    });
  }

  @Test
  void healthGoesDownForAStaleSyncThroughSpringBoot3sHealthApi() {
    withDatabase().withUserConfiguration(Syncs.class)
        .withPropertyValues("sluice.syncs.customers.stale-after=1ms").run(context -> {
          assertThat(context).hasBean("sluiceHealthIndicator");
          HealthIndicator indicator = context.getBean("sluiceHealthIndicator", HealthIndicator.class);
          Health health = indicator.health();
          assertThat(health.getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.getDetails().get("customers").toString()).contains("stale=true");
          assertThat(indicator.getHealth(false).getStatus()).isEqualTo(Status.DOWN);
        });
  }

  @Test
  void healthIsUpWhenNoSyncIsStaleOrFailing() {
    withDatabase().withUserConfiguration(Syncs.class).run(context ->
        assertThat(context.getBean(HealthIndicator.class).health().getStatus()).isEqualTo(Status.UP));
  }
}
