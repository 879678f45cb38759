package dev.sluice.internal;

import dev.sluice.SyncMode;
import dev.sluice.destination.Destination;
import dev.sluice.diff.Differ;
import dev.sluice.state.StateStore;
import dev.sluice.map.Mapper;
import dev.sluice.observe.SyncListener;
import dev.sluice.source.Source;
import dev.sluice.Shard;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.delivery.RollingWindowRateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a built sync knows; validated by {@code Sync.Builder.build()}. Immutable. Public only
 * for {@code Sync}, which builds it and reads its name, mode and fingerprint through the accessors;
 * the engine reads the fields.
 */
public final class SyncPlan {
  final String name;
  final Source source;
  final Mapper mapper;
  final Destination destination;
  final SyncMode mode;
  final StateStore state;
  final Differ differ;
  final int batchSize;
  final int concurrency;
  final List<SyncListener> listeners;
  final Clock clock;
  final int dryRunSampleSize;
  final String fingerprint;
  final java.nio.file.Path spillDirectory;
  final int sortRunRecords;
  final dev.sluice.delivery.DeliveryPolicy delivery;
  final Delivery.Guards guards;
  /** Runs in a row a record may fail permanently before it is quarantined; 0 never. */
  final int quarantineAfter;
  /** Hash of {@link Destination#identity()}: which system the state describes. */
  final String destinationId;
  /** Hash of {@link Source#describe()}: what the state was read from. */
  final String sourceId;
  /** The part of the keys this sync delivers; null for all of them. */
  final Shard shard;
  /** The name of the whole sync, of which this plan may be a shard ({@link #name} is then the shard's). */
  final String wholeName;
  /** For a shard of several, its share of each budget, taken once per write; empty otherwise. */
  final List<RateLimiter> shares;
  /**
   * The guards and shares of every shard made from the whole sync, so that a shard made again (a
   * {@code sync.shard(i, n)} per scheduled run) keeps its breaker and paces on the same limiters
   * across its runs, as the whole sync does.
   */
  private final java.util.concurrent.ConcurrentMap<Shard, ShardParts> shardParts;

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
    this.shard = null;
    this.wholeName = name;
    this.shares = List.of();
    this.shardParts = new java.util.concurrent.ConcurrentHashMap<>();
  }

  /** The same plan restricted to {@code shard}, or to no shard (all keys) if null. */
  private SyncPlan(SyncPlan whole, Shard shard) {
    this.quarantineAfter = whole.quarantineAfter;
    this.wholeName = whole.wholeName;
    // A shard runs under its own name: it keys its state, its lease, its logs, reports and meters.
    this.name = shard == null ? whole.wholeName : shard.stateName(whole.wholeName);
    this.source = whole.source;
    this.mapper = whole.mapper;
    this.destination = whole.destination;
    this.mode = whole.mode;
    this.state = whole.state;
    this.differ = whole.differ;
    this.batchSize = whole.batchSize;
    this.concurrency = whole.concurrency;
    this.listeners = whole.listeners;
    this.clock = whole.clock;
    this.dryRunSampleSize = whole.dryRunSampleSize;
    this.fingerprint = whole.fingerprint;
    this.spillDirectory = whole.spillDirectory;
    this.sortRunRecords = whole.sortRunRecords;
    this.delivery = whole.delivery;
    this.destinationId = whole.destinationId;
    this.sourceId = whole.sourceId;
    this.shard = shard;
    this.shardParts = whole.shardParts;
    if (shard == null) {
      this.guards = Delivery.guards(name, delivery);
      this.shares = List.of();
    } else {
      // A shard has a breaker and retry of its own, as a sync on another instance would.
      ShardParts parts = shardParts.computeIfAbsent(shard,
          s -> new ShardParts(Delivery.guards(name, delivery), shares(s, destination, delivery)));
      this.guards = parts.guards;
      this.shares = parts.shares;
    }
  }

  /** What the runs of one shard share: its breaker and retry, its shares of the budgets. */
  private static final class ShardParts {
    final Delivery.Guards guards;
    final List<RateLimiter> shares;

    ShardParts(Delivery.Guards guards, List<RateLimiter> shares) {
      this.guards = guards;
      this.shares = shares;
    }
  }

  /**
   * {@return the whole sync's plan restricted to {@code shard} (null: every key), keeping the other
   * settings, named {@code name/shard-i-of-n}; a count of 1 is the whole sync under that name}
   */
  public SyncPlan withShard(Shard shard) {
    return new SyncPlan(this, shard);
  }

  /** {@return the part of the keys this plan delivers, if it is a shard} */
  public java.util.Optional<Shard> shard() {
    return java.util.Optional.ofNullable(shard);
  }

  /**
   * A shard's share of each budget the writes are paced by (the delivery policy's, the
   * destination's): {@code permits / count} per the same window, rolling, counted per write, on
   * the policy's clock.
   */
  private static List<RateLimiter> shares(Shard shard, Destination destination, DeliveryPolicy delivery) {
    if (shard.count() == 1) {
      return List.of();
    }
    List<RateLimiter> budgets = new ArrayList<>();
    delivery.rateLimit().ifPresent(budgets::add);
    destination.capabilities().rateLimit().filter(b -> !budgets.contains(b)).ifPresent(budgets::add);
    List<RateLimiter> shares = new ArrayList<>();
    for (RateLimiter budget : budgets) {
      int permits;
      Duration window;
      if (budget instanceof RollingWindowRateLimiter) {
        permits = ((RollingWindowRateLimiter) budget).configuredPermits();
        window = ((RollingWindowRateLimiter) budget).window();
      } else {
        permits = budget.getRateLimiterConfig().getLimitForPeriod();
        window = budget.getRateLimiterConfig().getLimitRefreshPeriod();
      }
      shares.add(RollingWindowRateLimiter.builder(shard.stateName(budget.getName()), shard.share(permits), window)
          .clock(delivery.clock(), delivery.sleeper())
          .timeout(budget.getRateLimiterConfig().getTimeoutDuration())
          .build());
    }
    return List.copyOf(shares);
  }

  /** {@return the sync's name} */
  public String name() {
    return name;
  }

  /** {@return the sync's mode} */
  public SyncMode mode() {
    return mode;
  }

  /** {@return the hash of the mapper's and the destination's descriptions} */
  public String fingerprint() {
    return fingerprint;
  }

  /** {@return the sync for {@code toString()}: name, source, destination and mode} */
  public String describe() {
    return name + ": " + source.describe() + " -> " + destination.getClass().getSimpleName() + ", mode=" + mode;
  }

  /** What a commit records with the state: the fingerprint and what the state was written for. */
  String stored() {
    return fingerprint + ";d=" + destinationId + ";s=" + sourceId;
  }

  private static String shortHash(String text) {
    return dev.sluice.diff.RecordHash.toHex(dev.sluice.diff.RecordHash.of(
        dev.sluice.Record.builder("identity").set("text", text).build()));
  }

  /** The parts of a stored fingerprint; the identities are null in a state written before they were recorded. */
  static final class Stored {
    public final String fingerprint;
    public final String destination;
    public final String source;

    private Stored(String fingerprint, String destination, String source) {
      this.fingerprint = fingerprint;
      this.destination = destination;
      this.source = source;
    }

    /** Parses what {@link #stored()} wrote (or an older plain fingerprint, or null). */
    static Stored parse(String stored) {
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
