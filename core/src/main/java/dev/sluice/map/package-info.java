/**
 * Mapping source records to destination records: the {@link dev.sluice.map.Mapper} SPI, the
 * {@link dev.sluice.map.Mapping} builder and ready-made {@link dev.sluice.map.Convert converters}.
 */
package dev.sluice.map;
