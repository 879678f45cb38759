/**
 * How batches are delivered: {@link dev.sluice.delivery.DeliveryPolicy} — retries, rate-limit
 * waits, the circuit breaker and the isolation of bad records, applied in core around every
 * destination call.
 */
package dev.sluice.delivery;
