/**
 * Finding what changed: the {@link dev.sluice.diff.Differ} SPI, {@link dev.sluice.diff.Change},
 * content hashes, and the {@link dev.sluice.diff.StateStore} SPI with its in-memory
 * implementation.
 */
package dev.sluice.diff;
