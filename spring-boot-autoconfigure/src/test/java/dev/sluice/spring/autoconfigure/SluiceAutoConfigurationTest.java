package dev.sluice.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.scheduler.SluiceScheduler;
import dev.sluice.scheduler.SyncSchedule;
import dev.sluice.scheduler.TriggerHandle;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.state.JdbcStateStore;
import dev.sluice.state.StateStore;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import dev.sluice.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration on Spring Boot 4 (the line it is built against). */
class SluiceAutoConfigurationTest {

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
  void withoutADataSourceTheSchedulerAndTheStateStoreBackOff() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(SluiceScheduler.class);
      assertThat(context).doesNotHaveBean(JdbcStateStore.class);
      assertThat(context).doesNotHaveBean(SluiceEndpoint.class);
      assertThat(context).hasSingleBean(DeliveryPolicy.class);
    });
  }

  @Test
  void sluiceEnabledFalseBacksOffEntirely() {
    withDatabase().withPropertyValues("sluice.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean(SluiceScheduler.class);
      assertThat(context).doesNotHaveBean(DeliveryPolicy.class);
      assertThat(context).doesNotHaveBean(SluiceProperties.class);
    });
  }

  @Test
  void propertiesBind() {
    runner.withPropertyValues("sluice.scheduler.threads=2", "sluice.scheduler.history-size=7",
        "sluice.syncs.customers.schedule=15m", "sluice.syncs.accounts.cron=0 0 6 * * *",
        "sluice.syncs.accounts.zone=Europe/Berlin", "sluice.syncs.accounts.watch-query=select 1",
        "sluice.syncs.accounts.stale-after=26h", "sluice.delivery.max-attempts=7").run(context -> {
          SluiceProperties p = context.getBean(SluiceProperties.class);
          assertThat(p.getScheduler().getThreads()).isEqualTo(2);
          assertThat(p.getScheduler().getHistorySize()).isEqualTo(7);
          assertThat(p.getSyncs().get("customers").getSchedule()).isEqualTo(Duration.ofMinutes(15));
          assertThat(p.getSyncs().get("accounts").getCron()).isEqualTo("0 0 6 * * *");
          assertThat(p.getSyncs().get("accounts").getStaleAfter()).isEqualTo(Duration.ofHours(26));
          assertThat(p.getDelivery().getMaxAttempts()).isEqualTo(7);
          assertThat(SluiceAutoConfiguration.options("accounts", p.getSyncs().get("accounts"),
              new org.postgresql.ds.PGSimpleDataSource()).schedule())
              .isEqualTo(SyncSchedule.cron("0 0 6 * * *", ZoneId.of("Europe/Berlin")));
        });
  }

  @Test
  void aSyncBeanIsScheduledOnItsProperties() {
    withDatabase().withUserConfiguration(Syncs.class)
        .withPropertyValues("sluice.syncs.customers.schedule=15m").run(context -> {
          assertThat(context).hasSingleBean(JdbcStateStore.class);
          SluiceScheduler scheduler = context.getBean(SluiceScheduler.class);
          assertThat(scheduler.syncNames()).containsExactly("customers");
          assertThat(scheduler.schedule("customers")).isEqualTo(SyncSchedule.every(Duration.ofMinutes(15)));
          assertThat(scheduler.nextRun("customers")).isPresent();
        });
  }

  @Test
  void theEndpointListsTheSyncsAndTriggersOne() {
    withDatabase().withUserConfiguration(Syncs.class).run(context -> {
      SluiceEndpoint endpoint = context.getBean(SluiceEndpoint.class);
      SluiceScheduler scheduler = context.getBean(SluiceScheduler.class);

      Map<String, Object> triggered = endpoint.trigger("customers");
      TriggerHandle same = scheduler.trigger("customers");
      SyncReport report = same.await(Duration.ofSeconds(30)).report();

      assertThat(triggered).containsEntry("outcome", "QUEUED");
      assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      @SuppressWarnings("unchecked")
      Map<String, Object> customers = (Map<String, Object>) ((Map<String, Object>) endpoint.syncs().get("syncs"))
          .get("customers");
      assertThat(customers).containsEntry("schedule", "manual").containsEntry("healthy", true);
      assertThat(customers.get("lastRun").toString()).contains("status=SUCCEEDED", "trigger=manual");
      assertThat(endpoint.sync("nope")).isNull();
      assertThat(endpoint.trigger("nope")).isNull();
    });
  }

  @Test
  void healthGoesDownForAStaleSync() {
    withDatabase().withUserConfiguration(Syncs.class)
        .withPropertyValues("sluice.syncs.customers.stale-after=1ms").run(context -> {
          Health health = context.getBean(SluiceHealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.getDetails()).containsKey("customers");
          assertThat(health.getDetails().get("customers").toString()).contains("stale=true");
        });
  }

  @Test
  void healthIsUpWhenNoSyncIsStaleOrFailing() {
    withDatabase().withUserConfiguration(Syncs.class)
        .withPropertyValues("sluice.syncs.customers.stale-after=1h").run(context -> {
          assertThat(context.getBean(SluiceHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
        });
  }

  @Test
  void yourOwnBeansWin() {
    withDatabase().withUserConfiguration(Syncs.class)
        .withBean(StateStore.class, InMemoryStateStore::new)
        .withBean("sluiceHealthIndicator", Object.class, Object::new)
        .run(context -> {
          assertThat(context).doesNotHaveBean(JdbcStateStore.class);
          assertThat(context).doesNotHaveBean(SluiceHealthIndicator.class);
          assertThat(context).hasSingleBean(SluiceScheduler.class);
        });
  }

  @Test
  void aSyncPropertyWithoutASyncBeanFailsNamingTheBeans() {
    withDatabase().withUserConfiguration(Syncs.class).withPropertyValues("sluice.syncs.custmers.schedule=1h")
        .run(context -> assertThat(context).getFailure().rootCause()
            .hasMessageContaining("sluice.syncs.custmers").hasMessageContaining("[customers]"));
  }

  @Test
  void theMeterBinderBindsTheSyncsMetersToTheApplicationsRegistry() {
    withDatabase().withUserConfiguration(Syncs.class).run(context -> {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      context.getBean(SluiceMeters.class).bindTo(registry);

      context.getBean(SluiceScheduler.class).trigger("customers").await(Duration.ofSeconds(30));

      assertThat(registry.get("sluice.records").tag("sync", "customers").tag("outcome", "read").counter().count())
          .isEqualTo(1.0);
    });
  }
}
