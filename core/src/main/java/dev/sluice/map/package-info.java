/**
 * Mapping source records to destination records: the {@link dev.sluice.map.Mapper} SPI, the
 * {@link dev.sluice.map.Mapping} builder and ready-made {@link dev.sluice.map.Convert converters};
 * {@link dev.sluice.map.StrictConvert} for connectors writing typed fields.
 */
package dev.sluice.map;
