package dev.sluice.examples.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SyncReport;
import dev.sluice.scheduler.SluiceScheduler;
import dev.sluice.scheduler.SyncSchedule;
import dev.sluice.spring.autoconfigure.SluiceEndpoint;
import dev.sluice.spring.autoconfigure.SluiceHealthIndicator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

class SpringBootServiceTest {

  @Test
  void theStarterSchedulesTheSyncBeanAndTheEndpointTriggersIt() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      Map<String, Object> properties = new HashMap<>(SpringBootService.PROPERTIES);
      properties.put("sluice.example.jdbc-url", postgres.getJdbcUrl("postgres", "postgres"));
      properties.put("sluice.scheduler.polling-interval", "100ms");
      properties.put("logging.level.root", "warn");
      SpringApplication app = new SpringApplication(SpringBootService.class);
      app.setDefaultProperties(properties);
      try (ConfigurableApplicationContext context = app.run()) {
        SluiceScheduler scheduler = context.getBean(SluiceScheduler.class);
        assertThat(scheduler.schedule(ScheduledService.SYNC)).isEqualTo(SyncSchedule.every(Duration.ofMinutes(15)));

        Map<String, Object> triggered = context.getBean(SluiceEndpoint.class).trigger(ScheduledService.SYNC);
        SyncReport report = scheduler.trigger(ScheduledService.SYNC).await(Duration.ofSeconds(30)).report();

        assertThat(triggered).containsKey("outcome");
        assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
        assertThat(context.getBean(InProcessCrm.class).size()).isEqualTo(1000);
        assertThat(context.getBean(SluiceHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
      }
    }
  }
}
