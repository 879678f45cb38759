/**
 * What a sync remembers between runs: the {@link dev.sluice.state.StateStore} SPI, its in-memory,
 * file and JDBC implementations, and their formats.
 */
package dev.sluice.state;
