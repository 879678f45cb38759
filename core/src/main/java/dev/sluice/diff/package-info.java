/**
 * Finding what changed: the {@link dev.sluice.diff.Differ} SPI, {@link dev.sluice.diff.Change},
 * content hashes ({@link dev.sluice.diff.RecordHash}) and key order ({@link dev.sluice.diff.KeyOrder}).
 * What a sync remembers between runs lives in {@link dev.sluice.state}.
 */
package dev.sluice.diff;
