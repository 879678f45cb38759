package dev.sluice;

import java.util.Objects;

/** What destinations and listeners may know about the run they serve. Immutable. */
public final class RunContext {

  private final String syncName;
  private final String runId;
  private final SyncMode mode;
  private final boolean dryRun;

  /** Describes one run. */
  public RunContext(String syncName, String runId, SyncMode mode, boolean dryRun) {
    this.syncName = Objects.requireNonNull(syncName, "syncName");
    this.runId = Objects.requireNonNull(runId, "runId");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.dryRun = dryRun;
  }

  /** The name of the sync. */
  public String syncName() {
    return syncName;
  }

  /** The id of this run, unique per run. */
  public String runId() {
    return runId;
  }

  /** The sync's mode. */
  public SyncMode mode() {
    return mode;
  }

  /** Whether this is a dry run, in which nothing is written. */
  public boolean dryRun() {
    return dryRun;
  }

  @Override
  public String toString() {
    return "RunContext{sync=" + syncName + ", run=" + runId + ", mode=" + mode + (dryRun ? ", dry run" : "") + '}';
  }
}
