package dev.sluice;

import dev.sluice.destination.Operation;
import dev.sluice.diff.Change;

/**
 * What a sync does with each kind of change. The state of a sync remembers, per key, the hash of
 * the record the destination last confirmed; each run sorts every key into a kind of change
 * ({@link Change.Kind}: {@code NEW}, {@code CHANGED}, {@code REMOVED}), and the mode decides which
 * {@link Operation} each kind becomes. Modes and operations share names because they are the
 * destinations' own words; the kinds of change are named apart.
 *
 * <table>
 *   <caption>The operation sent, per mode and kind of change</caption>
 *   <tr><th>mode</th><th>{@code NEW} (a key the state does not have)</th>
 *       <th>{@code CHANGED} (its record changed)</th><th>{@code REMOVED} (the key left the
 *       source)</th></tr>
 *   <tr><td>{@link #UPSERT}</td><td>{@code UPSERT}</td><td>{@code UPSERT}</td><td>not sent</td></tr>
 *   <tr><td>{@link #UPDATE}</td><td>{@code UPDATE}: a key the destination does not hold is
 *       answered "not found", which is no failure and is tried again next run; not sent when the
 *       destination has no {@code UPDATE}</td><td>{@code UPDATE} ({@code UPSERT} when the
 *       destination has no {@code UPDATE})</td><td>not sent</td></tr>
 *   <tr><td>{@link #INSERT}</td><td>{@code INSERT} ({@code UPSERT} when the destination has no
 *       {@code INSERT}); a key the destination already holds is answered "already exists", which
 *       is no failure and is not sent again</td><td>not sent</td><td>not sent</td></tr>
 *   <tr><td>{@link #MIRROR}</td><td>{@code UPSERT}</td><td>{@code UPSERT}</td><td>{@code DELETE},
 *       only after a complete read of the source</td></tr>
 * </table>
 *
 * <p>A change that a mode does not send is counted as skipped and leaves the state as it was:
 * a key that left the source stays in the state of a non-mirror sync, because the destination
 * still holds it.
 */
public enum SyncMode {
  /** Create new records and update changed ones (upserts). The default. */
  UPSERT,
  /** Update records the destination holds; never create (a key it does not hold is "not found"). */
  UPDATE,
  /** Create records for new keys; never touch existing ones. */
  INSERT,
  /** Make the destination mirror the source: upsert, and delete keys that left the source. */
  MIRROR
}
