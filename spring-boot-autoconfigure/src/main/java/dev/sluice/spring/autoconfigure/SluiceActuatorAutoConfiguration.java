package dev.sluice.spring.autoconfigure;

import dev.sluice.scheduler.SluiceScheduler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator support: the {@code sluice} endpoint and a health indicator, on Spring Boot 4 and 3
 * (whose health APIs differ; each is chosen by the classes present, named as strings).
 */
@AutoConfiguration(after = SluiceAutoConfiguration.class)
@ConditionalOnClass(SluiceScheduler.class)
@ConditionalOnBean(SluiceScheduler.class)
@ConditionalOnProperty(prefix = "sluice", name = "enabled", havingValue = "true", matchIfMissing = true)
public class SluiceActuatorAutoConfiguration {

  /** The endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
  static class EndpointConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SluiceEndpoint sluiceEndpoint(SluiceScheduler scheduler) {
      return new SluiceEndpoint(scheduler);
    }
  }

  /** Spring Boot 4's health API. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  static class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "sluiceHealthIndicator")
    SluiceHealthIndicator sluiceHealthIndicator(SluiceScheduler scheduler) {
      return new SluiceHealthIndicator(scheduler);
    }
  }

  /** Spring Boot 3's health API. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = LegacyHealthIndicatorFactory.INDICATOR)
  @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
  static class LegacyHealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "sluiceHealthIndicator")
    static LegacyHealthIndicatorFactory sluiceHealthIndicator(ObjectProvider<SluiceScheduler> scheduler) {
      return new LegacyHealthIndicatorFactory(scheduler);
    }
  }
}
