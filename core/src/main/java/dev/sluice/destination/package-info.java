/**
 * The destination SPI: {@link dev.sluice.destination.Destination}, the batches it receives, the
 * per-record outcomes it returns, and the exceptions that classify a whole-batch failure.
 */
package dev.sluice.destination;
