/**
 * Spring Boot auto-configuration for Sluice: every {@code Sync} bean is run by a
 * {@link dev.sluice.scheduler.SluiceScheduler} over the application's {@code DataSource}, with
 * properties under {@code sluice.*}, an Actuator health indicator and endpoint.
 */
package dev.sluice.spring.autoconfigure;
