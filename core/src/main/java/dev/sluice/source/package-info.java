/**
 * The source SPI: {@link dev.sluice.source.Source} opens a {@link dev.sluice.source.RecordStream}
 * per run; simple sources over collections and streams.
 */
package dev.sluice.source;
