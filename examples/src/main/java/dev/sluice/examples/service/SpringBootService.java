package dev.sluice.examples.service;

import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.source.SqlSource;
import dev.sluice.spring.autoconfigure.SluiceMeters;
import dev.sluice.state.StateStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The Spring Boot version of {@link ScheduledService}: one {@link Sync} bean and properties; the
 * starter schedules it, keeps its state and the scheduler's tables in the application's
 * PostgreSQL, watches the mart for changes, and adds a health indicator and the {@code sluice}
 * endpoint. Here the mart lives in that PostgreSQL too, so the watch query runs there.
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=dev.sluice.examples.service.SpringBootService \
 *     -Dexec.args="--sluice.example.jdbc-url=jdbc:postgresql://localhost/sluice?user=sluice&amp;password=..."
 * </pre>
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class SpringBootService {

  /** The properties this service runs with; what you would put in {@code application.properties}. */
  public static final Map<String, Object> PROPERTIES = Map.of(
      "spring.main.banner-mode", "off",
      "sluice.syncs." + ScheduledService.SYNC + ".schedule", "15m",
      "sluice.syncs." + ScheduledService.SYNC + ".watch-query", "select max(updated_at), count(*) from customers",
      "sluice.syncs." + ScheduledService.SYNC + ".watch-interval", "30s",
      "sluice.syncs." + ScheduledService.SYNC + ".stale-after", "1h",
      "sluice.delivery.max-attempts", "5");

  /**
   * Runs the service until the process is stopped.
   *
   * @param args Spring Boot arguments; {@code --sluice.example.jdbc-url=...} is required
   */
  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(SpringBootService.class);
    app.setDefaultProperties(PROPERTIES);
    app.run(args);
  }

  /**
   * The application's database: the scheduler's tables, the sync's state and, in this example, the mart.
   *
   * @param url its JDBC URL
   * @return the data source
   */
  @Bean
  public DataSource dataSource(@Value("${sluice.example.jdbc-url}") String url) {
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setURL(url);
    return db;
  }

  /** @return the stand-in for the CRM */
  @Bean
  InProcessCrm crm() {
    return new InProcessCrm();
  }

  /**
   * The sync; the starter schedules it on {@code sluice.syncs.customers-to-crm.*}.
   *
   * @param db the application's database, which holds the demo mart
   * @param state the starter's JDBC state store
   * @param delivery the starter's delivery policy, from {@code sluice.delivery.*}
   * @param meters binds the sync's meters to the application's registry
   * @param crm the destination
   * @return the sync
   */
  @Bean
  Sync customersToCrm(DataSource db, StateStore state, DeliveryPolicy delivery, SluiceMeters meters, InProcessCrm crm) {
    createDemoMart(db);
    return Sync.from(SqlSource.query(db, "select * from customers").key("id").orderByKey().build())
        .map(Mapping.builder().copy("email", "plan").rename("name", "full_name")
            .convert("lifetime_value", "ltv", Convert.toDecimal(2)).copy("updated_at").build())
        .to(crm)
        .named(ScheduledService.SYNC)
        .mode(SyncMode.MIRROR)
        .state(state)
        .delivery(delivery)
        .listener(meters.listener(ScheduledService.SYNC, "InProcessCrm"))
        .build();
  }

  private static void createDemoMart(DataSource db) {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute("create table if not exists customers (id int primary key, email text, name text, plan text,"
          + " lifetime_value numeric(12,2), updated_at timestamptz not null)");
      s.execute("insert into customers select i, 'customer' || i || '@example.com', 'Customer ' || i,"
          + " (array['free', 'starter', 'pro', 'enterprise'])[i % 4 + 1], (i * 1234) % 100000 / 100.0,"
          + " timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second' from generate_series(1, 1000) i"
          + " on conflict (id) do nothing");
    } catch (SQLException e) {
      throw new IllegalStateException("the demo mart could not be created: " + e.getMessage(), e);
    }
  }
}
