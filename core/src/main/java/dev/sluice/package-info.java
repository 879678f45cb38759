/**
 * Sluice: reverse ETL as a library. Start with {@link dev.sluice.Sync#from(dev.sluice.source.Source)};
 * a run returns a {@link dev.sluice.SyncReport}.
 */
package dev.sluice;
