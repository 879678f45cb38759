package dev.sluice;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** What destinations and listeners may know about the run they serve. Immutable. */
public final class RunContext {

  private final String syncName;
  private final String runId;
  private final SyncMode mode;
  private final boolean dryRun;
  private final List<String> fields;

  /**
   * Describes one run whose mapper does not declare its fields.
   *
   * @param syncName the name of the sync
   * @param runId the run's id
   * @param mode the sync mode
   * @param dryRun whether it is a dry run
   */
  public RunContext(String syncName, String runId, SyncMode mode, boolean dryRun) {
    this(syncName, runId, mode, dryRun, null);
  }

  /**
   * Describes one run.
   *
   * @param fields the fields every mapped record has, or null when the mapper does not say
   * @param syncName the name of the sync
   * @param runId the run's id
   * @param mode the sync mode
   * @param dryRun whether it is a dry run
   */
  public RunContext(String syncName, String runId, SyncMode mode, boolean dryRun, List<String> fields) {
    this.syncName = Objects.requireNonNull(syncName, "syncName");
    this.runId = Objects.requireNonNull(runId, "runId");
    this.mode = Objects.requireNonNull(mode, "mode");
    this.dryRun = dryRun;
    this.fields = fields == null ? null : List.copyOf(fields);
  }

  /**
   * {@return the names of the fields every record of this run has, when the mapper declares them
   * ({@link dev.sluice.map.Mapper#fields()}): what a destination checks against its schema in
   * {@link dev.sluice.destination.Destination#open(RunContext)}}
   */
  public Optional<List<String>> fields() {
    return Optional.ofNullable(fields);
  }

  /** {@return the name of the sync} */
  public String syncName() {
    return syncName;
  }

  /** {@return the id of this run, unique per run} */
  public String runId() {
    return runId;
  }

  /** {@return the sync's mode} */
  public SyncMode mode() {
    return mode;
  }

  /** {@return whether this is a dry run, in which nothing is written} */
  public boolean dryRun() {
    return dryRun;
  }

  @Override
  public String toString() {
    return "RunContext{sync=" + syncName + ", run=" + runId + ", mode=" + mode + (dryRun ? ", dry run" : "") + '}';
  }
}
