/** Watching syncs run: {@link dev.sluice.observe.SyncListener} and progress snapshots. */
package dev.sluice.observe;
