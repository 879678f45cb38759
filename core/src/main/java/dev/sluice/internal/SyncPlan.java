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

  public SyncPlan(String name, Source source, Mapper mapper, Destination destination, SyncMode mode,
      StateStore state, Differ differ, int batchSize, int concurrency, List<SyncListener> listeners,
      Clock clock, int dryRunSampleSize, String fingerprint, java.nio.file.Path spillDirectory,
      int sortRunRecords, dev.sluice.delivery.DeliveryPolicy delivery) {
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
  }
}
