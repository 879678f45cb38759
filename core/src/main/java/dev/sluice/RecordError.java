package dev.sluice;

import java.util.Objects;

/**
 * A record that a run did not deliver: rejected by the mapping, or failed at the destination.
 * Immutable.
 */
public final class RecordError {

  private final String key;
  private final String reason;
  private final boolean retryable;

  /**
   * Describes one record's failure.
   *
   * @param key the record key; null for a source row that had no key
   * @param reason why, naming the field or what the destination said
   * @param retryable whether the failure may pass without changing the record
   */
  public RecordError(String key, String reason, boolean retryable) {
    this.key = key;
    this.reason = Objects.requireNonNull(reason, "reason");
    this.retryable = retryable;
  }

  /** {@return the record key, or null for a row without one} */
  public String key() {
    return key;
  }

  /** {@return why the record was not delivered} */
  public String reason() {
    return reason;
  }

  /**
   * {@return whether the failure may pass without changing the record (always false for rejections)}
   */
  public boolean retryable() {
    return retryable;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RecordError)) {
      return false;
    }
    RecordError e = (RecordError) o;
    return Objects.equals(key, e.key) && reason.equals(e.reason) && retryable == e.retryable;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, reason, retryable);
  }

  @Override
  public String toString() {
    return key + ": " + reason + (retryable ? " (retryable)" : "");
  }
}
