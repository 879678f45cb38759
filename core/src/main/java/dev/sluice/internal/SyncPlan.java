package dev.sluice.internal;

import dev.sluice.SyncMode;
import dev.sluice.destination.Destination;
import dev.sluice.diff.Differ;
import dev.sluice.state.StateStore;
import dev.sluice.map.Mapper;
import dev.sluice.observe.SyncListener;
import dev.sluice.source.Source;
import java.time.Clock;
import java.util.List;

/** Everything a built sync knows; validated by {@code Sync.Builder.build()}. Immutable. */
public final class SyncPlan {
  public final String name;
  public final Source source;
  public final Mapper mapper;
  public final Destination destination;
  public final SyncMode mode;
  public final StateStore state;
  public final Differ differ;
  public final int batchSize;
  public final int concurrency;
  public final List<SyncListener> listeners;
  public final Clock clock;
  public final int dryRunSampleSize;
  public final String fingerprint;
  public final java.nio.file.Path spillDirectory;
  public final int sortRunRecords;
  public final dev.sluice.delivery.DeliveryPolicy delivery;
  public final Delivery.Guards guards;
  /** Runs in a row a record may fail permanently before it is quarantined; 0 never. */
  public final int quarantineAfter;
  /** Hash of {@link Destination#identity()}: which system the state describes. */
  public final String destinationId;
  /** Hash of {@link Source#describe()}: what the state was read from. */
  public final String sourceId;

  public SyncPlan(String name, Source source, Mapper mapper, Destination destination, SyncMode mode,
      StateStore state, Differ differ, int batchSize, int concurrency, List<SyncListener> listeners,
      Clock clock, int dryRunSampleSize, String fingerprint, java.nio.file.Path spillDirectory,
      int sortRunRecords, dev.sluice.delivery.DeliveryPolicy delivery, int quarantineAfter) {
    this.quarantineAfter = quarantineAfter;
    this.name = name;
    this.source = source;
    this.mapper = mapper;
    this.destination = destination;
    this.mode = mode;
    this.state = state;
    this.differ = differ;
    this.batchSize = batchSize;
    this.concurrency = concurrency;
    this.listeners = List.copyOf(listeners);
    this.clock = clock;
    this.dryRunSampleSize = dryRunSampleSize;
    this.fingerprint = fingerprint;
    this.spillDirectory = spillDirectory;
    this.sortRunRecords = sortRunRecords;
    this.delivery = delivery;
    this.guards = Delivery.guards(name, delivery);
    this.destinationId = shortHash("destination: " + destination.identity());
    this.sourceId = shortHash("source: " + source.describe());
  }

  /** What a commit records with the state: the fingerprint and what the state was written for. */
  public String stored() {
    return fingerprint + ";d=" + destinationId + ";s=" + sourceId;
  }

  private static String shortHash(String text) {
    return dev.sluice.diff.RecordHash.toHex(dev.sluice.diff.RecordHash.of(
        dev.sluice.Record.builder("identity").set("text", text).build()));
  }

  /** The parts of a stored fingerprint; the identities are null in a state written before they were recorded. */
  public static final class Stored {
    public final String fingerprint;
    public final String destination;
    public final String source;

    private Stored(String fingerprint, String destination, String source) {
      this.fingerprint = fingerprint;
      this.destination = destination;
      this.source = source;
    }

    /** Parses what {@link #stored()} wrote (or an older plain fingerprint, or null). */
    public static Stored parse(String stored) {
      if (stored == null) {
        return new Stored(null, null, null);
      }
      String[] parts = stored.split(";");
      String destination = null;
      String source = null;
      for (int i = 1; i < parts.length; i++) {
        if (parts[i].startsWith("d=")) {
          destination = parts[i].substring(2);
        } else if (parts[i].startsWith("s=")) {
          source = parts[i].substring(2);
        }
      }
      return new Stored(parts[0], destination, source);
    }
  }
}
