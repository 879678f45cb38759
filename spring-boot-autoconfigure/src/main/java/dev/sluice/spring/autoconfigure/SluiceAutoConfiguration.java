package dev.sluice.spring.autoconfigure;

import dev.sluice.Sync;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.scheduler.ChangeSignal;
import dev.sluice.scheduler.SluiceScheduler;
import dev.sluice.scheduler.SyncAlerts;
import dev.sluice.scheduler.SyncOptions;
import dev.sluice.scheduler.SyncSchedule;
import dev.sluice.state.JdbcStateStore;
import dev.sluice.state.StateStore;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Runs every {@link Sync} bean with a {@link SluiceScheduler} whose tables live in the
 * application's {@link DataSource}, and keeps sync state in a {@link JdbcStateStore} there unless
 * you define a {@link StateStore}. Each bean here backs off when you define your own; without a
 * {@code DataSource} the scheduler and the state store are not defined; {@code sluice.enabled=false}
 * turns everything off.
 *
 * <p>Ordered after the DataSource auto-configuration of Spring Boot 4
 * ({@code org.springframework.boot.jdbc.autoconfigure}) and of Spring Boot 3
 * ({@code org.springframework.boot.autoconfigure.jdbc}), named as strings because the class moved.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"})
@ConditionalOnClass(SluiceScheduler.class)
@ConditionalOnProperty(prefix = "sluice", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(SluiceProperties.class)
public class SluiceAutoConfiguration {

  /**
   * Delivery defaults from {@code sluice.delivery.*}, for your {@code Sync.Builder.delivery(...)}.
   *
   * @param properties Sluice's properties
   * @return the delivery policy
   */
  @Bean
  @ConditionalOnMissingBean
  public DeliveryPolicy sluiceDeliveryPolicy(SluiceProperties properties) {
    SluiceProperties.Delivery d = properties.getDelivery();
    DeliveryPolicy.Builder b = DeliveryPolicy.custom();
    if (d.getMaxAttempts() != null) {
      b.maxAttempts(d.getMaxAttempts());
    }
    if (d.getInitialBackoff() != null || d.getMaxBackoff() != null) {
      if (d.getInitialBackoff() == null || d.getMaxBackoff() == null) {
        throw new IllegalStateException("set sluice.delivery.initial-backoff and sluice.delivery.max-backoff together");
      }
      b.backoff(d.getInitialBackoff(), d.getMaxBackoff());
    }
    if (d.getMaxRateLimitWait() != null) {
      b.maxRateLimitWait(d.getMaxRateLimitWait());
    }
    if (d.getSplitRejectedBatches() != null) {
      b.splitRejectedBatches(d.getSplitRejectedBatches());
    }
    return b.build();
  }

  /**
   * A JDBC state store on the application's DataSource, for your {@code Sync.Builder.state(...)}.
   *
   * @param dataSource the database of the scheduler's tables
   * @param properties Sluice's properties
   * @return a JDBC state store on the application's DataSource, for your {@code
   *     Sync.Builder.state(...)}
   */
  @Bean
  @ConditionalOnBean(DataSource.class)
  @ConditionalOnMissingBean(StateStore.class)
  @ConditionalOnProperty(prefix = "sluice.state", name = "jdbc", havingValue = "true", matchIfMissing = true)
  public JdbcStateStore sluiceStateStore(DataSource dataSource, SluiceProperties properties) {
    return JdbcStateStore.builder(dataSource)
        .createTables(properties.getState().isCreateTables())
        .tablePrefix(properties.getState().getTablePrefix())
        .build();
  }

  /**
   * The scheduler, with every {@code Sync} bean registered on its {@code sluice.syncs.<name>}
   * options.
   *
   * @param dataSource the database of the scheduler's tables
   * @param properties Sluice's properties
   * @param syncs the Sync beans
   * @param alerts the alert listeners
   * @return the scheduler, with every {@code Sync} bean registered on its {@code
   *     sluice.syncs.<name>} options
   */
  @Bean
  @ConditionalOnBean(DataSource.class)
  @ConditionalOnMissingBean
  public SluiceScheduler sluiceScheduler(DataSource dataSource, SluiceProperties properties,
      ObjectProvider<Sync> syncs, ObjectProvider<SyncAlerts> alerts) {
    SluiceProperties.Scheduler s = properties.getScheduler();
    SluiceScheduler.Builder b = SluiceScheduler.builder(dataSource)
        .threads(s.getThreads())
        .pollingInterval(s.getPollingInterval())
        .historySize(s.getHistorySize())
        .stalenessCheckInterval(s.getStalenessCheckInterval())
        .createTables(s.isCreateTables());
    if (s.getInstanceName() != null && !s.getInstanceName().isBlank()) {
      b.instanceName(s.getInstanceName());
    }
    Set<String> names = new LinkedHashSet<>();
    syncs.orderedStream().forEach(sync -> {
      names.add(sync.name());
      b.sync(sync, options(sync.name(), properties.getSyncs().get(sync.name()), dataSource));
    });
    List<String> unknown = new ArrayList<>(properties.getSyncs().keySet());
    unknown.removeAll(names);
    if (!unknown.isEmpty()) {
      throw new IllegalStateException("sluice.syncs." + unknown.get(0) + " is set, but no Sync bean is named '"
          + unknown.get(0) + "'; the Sync beans are named " + names + " (Sync.Builder.named(...))");
    }
    alerts.orderedStream().forEach(b::alerts);
    return b.build();
  }

  static SyncOptions options(String name, SluiceProperties.SyncProperties p, DataSource dataSource) {
    if (p == null) {
      return SyncOptions.schedule(SyncSchedule.manual());
    }
    if (p.getSchedule() != null && p.getCron() != null) {
      throw new IllegalStateException("sluice.syncs." + name + " sets both schedule and cron; keep one");
    }
    SyncSchedule schedule = p.getSchedule() != null ? SyncSchedule.every(p.getSchedule())
        : p.getCron() != null ? SyncSchedule.cron(p.getCron(), ZoneId.of(p.getZone()))
        : SyncSchedule.manual();
    SyncOptions options = SyncOptions.schedule(schedule);
    if (p.getWatchQuery() != null && !p.getWatchQuery().isBlank()) {
      options = options.watch(ChangeSignal.sql(dataSource, p.getWatchQuery()), p.getWatchInterval());
    }
    if (p.getStaleAfter() != null) {
      options = options.staleAfter(p.getStaleAfter());
    }
    if (p.getPartialAlertAbove() != null) {
      options = options.partialAlertAbove(p.getPartialAlertAbove());
    }
    return options;
  }

  /**
   * Starts the scheduler once the context is refreshed and stops it, with the shutdown deadline, on
   * close.
   *
   * @param scheduler the scheduler
   * @param properties Sluice's properties
   * @return the lifecycle
   */
  @Bean
  @ConditionalOnBean(SluiceScheduler.class)
  @ConditionalOnMissingBean
  public SluiceSchedulerLifecycle sluiceSchedulerLifecycle(SluiceScheduler scheduler, SluiceProperties properties) {
    return new SluiceSchedulerLifecycle(scheduler, properties.getScheduler().getShutdownDeadline());
  }

  /** Micrometer: {@link SluiceMeters} binds syncs' meters to the application's registry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
  static class MetersConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SluiceMeters sluiceMeters() {
      return new SluiceMeters();
    }
  }
}
