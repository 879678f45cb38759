package dev.sluice;

/**
 * What a sync does with each kind of change. The state of a sync remembers, per key, the hash of
 * the record the destination last confirmed; the modes differ in which changes they send.
 *
 * <table>
 *   <caption>Changes sent per mode</caption>
 *   <tr><th>mode</th><th>new key (ADD)</th><th>changed record (UPDATE)</th><th>key gone from the
 *       source (DELETE)</th></tr>
 *   <tr><td>{@link #UPSERT}</td><td>sent as upsert</td><td>sent as upsert</td><td>not sent</td></tr>
 *   <tr><td>{@link #UPDATE}</td><td>not sent</td><td>sent as update</td><td>not sent</td></tr>
 *   <tr><td>{@link #INSERT}</td><td>sent as insert</td><td>not sent</td><td>not sent</td></tr>
 *   <tr><td>{@link #MIRROR}</td><td>sent as upsert</td><td>sent as upsert</td><td>sent as
 *       delete</td></tr>
 * </table>
 *
 * <p>A change that a mode does not send is counted as skipped and leaves the state as it was:
 * a key that left the source stays in the state of a non-mirror sync, because the destination
 * still holds it. When a destination lacks the update or insert operation but supports upsert,
 * the engine sends an upsert instead, which has the same effect for those keys.
 */
public enum SyncMode {
  /** Add new records and update changed ones. The default. */
  UPSERT,
  /** Update records whose key the sync has delivered before; never create. */
  UPDATE,
  /** Create records for new keys; never touch existing ones. */
  INSERT,
  /** Make the destination mirror the source: upsert, and delete keys that left the source. */
  MIRROR
}
