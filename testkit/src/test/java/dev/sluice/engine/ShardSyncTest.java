package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.RunContext;
import dev.sluice.Shard;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.delivery.RollingWindowRateLimiter;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.diff.Change;
import dev.sluice.diff.Differ;
import dev.sluice.observe.SyncListener;
import dev.sluice.source.Databases;
import dev.sluice.source.RecordStream;
import dev.sluice.source.Source;
import dev.sluice.state.FileStateStore;
import dev.sluice.state.JdbcStateStore;
import dev.sluice.state.StateStore;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.RecordingDestination;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One sync split into shards: disjoint deliveries, per-shard state, MIRROR, failures, a new count, the budget. */
class ShardSyncTest {

  @TempDir
  Path dir;

  private final ExecutorService instances = Executors.newFixedThreadPool(4);
  // Retry backoff and rate-limit waits move this clock instead of sleeping.
  private final MutableClock time = new MutableClock(Instant.EPOCH);

  @AfterEach
  void stopInstances() {
    instances.shutdownNow();
  }

  @Test
  void shardsRunInParallelDeliverDisjointSetsWhoseUnionIsTheSourceEachRecordOnce() throws Exception {
    InMemorySource source = rows(2_000, 1);
    RecordingDestination crm = RecordingDestination.create();
    Sync whole = sync(source, crm, FileStateStore.in(dir)).build();

    List<SyncReport> first = runInParallel(whole.shards(4));

    assertThat(first).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.SUCCEEDED));
    List<String> sent = crm.keysSent(Operation.UPSERT);
    assertThat(sent).hasSize(2_000).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(sent)).isEqualTo(keys(source));
    assertThat(crm.size()).isEqualTo(2_000);
    for (SyncReport report : first) {
      Shard shard = report.shard().orElseThrow();
      long expected = keys(source).stream().filter(shard::contains).count();
      assertThat(report.read()).as("%s reads only its records", shard).isEqualTo(expected);
      assertThat(report.delivered()).isEqualTo(expected);
      assertThat(report.otherShards()).isEqualTo(2_000 - expected);
      assertThat(report.syncName()).isEqualTo("customers/shard-" + shard.index() + "-of-4");
      assertThat(report.summary()).startsWith("customers/shard-" + shard.index() + "-of-4 run ")
          .contains("other shards' records " + (2_000 - expected));
    }
    assertThat(first.stream().mapToLong(SyncReport::delivered).sum()).isEqualTo(2_000);

    crm.clearBatches();
    List<SyncReport> second = runInParallel(whole.shards(4));

    assertThat(crm.batches()).as("an unchanged source sends nothing").isEmpty();
    assertThat(second).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
      assertThat(r.freshState()).isFalse();
      assertThat(r.unchanged()).isEqualTo(r.read());
    });
  }

  @Test
  void eachInstanceBuildingItsOwnShardDeliversOnlyTheRecordsOfThatShard() {
    InMemorySource source = rows(600, 1);
    RecordingDestination crm = RecordingDestination.create();
    StateStore state = FileStateStore.in(dir);
    Map<Integer, Set<String>> sentBy = new HashMap<>();

    for (int i = 0; i < 3; i++) {
      Set<String> sent = Collections.synchronizedSet(new HashSet<>());
      sentBy.put(i, sent);
      sync(source, crm, state).shard(i, 3).listener(keysOf(sent)).build().run();
    }

    for (int i = 0; i < 3; i++) {
      int shard = i;
      assertThat(sentBy.get(i)).isNotEmpty().allMatch(k -> Shard.indexOf(k, 3) == shard);
    }
    Set<String> union = new TreeSet<>();
    sentBy.values().forEach(union::addAll);
    assertThat(union).isEqualTo(keys(source));
    assertThat(sentBy.values().stream().mapToInt(Set::size).sum()).isEqualTo(600);
  }

  @Test
  void mirrorDeletesOnlyKeysRemovedFromTheSourceEachByItsOwnShard() throws Exception {
    InMemorySource source = rows(300, 1);
    RecordingDestination crm = RecordingDestination.create();
    StateStore state = JdbcStateStore.builder(Databases.h2()).createTables(true).build();
    Sync whole = sync(source, crm, state).mode(SyncMode.MIRROR).build();
    runInParallel(whole.shards(3));
    Set<String> removed = new TreeSet<>();
    for (int i = 0; i < 300; i += 7) {
      removed.add(key(i));
      source.remove(key(i));
    }
    source.put(row(1, 2));
    source.put(row(5, 2));
    crm.clearBatches();

    List<SyncReport> reports = runInParallel(whole.shards(3));

    assertThat(new TreeSet<>(crm.keysSent(Operation.DELETE))).isEqualTo(removed);
    assertThat(crm.keysSent(Operation.DELETE)).doesNotHaveDuplicates();
    assertThat(crm.keysSent(Operation.UPSERT)).containsExactlyInAnyOrder(key(1), key(5));
    assertThat(crm.contents().keySet()).isEqualTo(keys(source));
    for (SyncReport report : reports) {
      Shard shard = report.shard().orElseThrow();
      assertThat(report.status()).isEqualTo(Status.SUCCEEDED);
      assertThat(report.removedRecords()).as("%s deletes its own removed keys", shard)
          .isEqualTo(removed.stream().filter(shard::contains).count());
    }
  }

  @Test
  void aShardThatFailsLeavesOnlyItsOwnRecordsPendingAndItsNextRunDeliversThem() throws Exception {
    InMemorySource source = rows(300, 1);
    RecordingDestination crm = RecordingDestination.create();
    StateStore state = FileStateStore.in(dir);
    Sync whole = sync(source, crm, state).build();
    Set<String> failing = keys(source).stream().filter(k -> Shard.indexOf(k, 3) == 1).limit(12)
        .collect(Collectors.toCollection(TreeSet::new));
    failing.forEach(k -> crm.failKey(k, true, "503 from the CRM"));

    List<SyncReport> first = runInParallel(whole.shards(3));

    assertThat(first.get(0).status()).isEqualTo(Status.SUCCEEDED);
    assertThat(first.get(2).status()).isEqualTo(Status.SUCCEEDED);
    assertThat(first.get(1).status()).isEqualTo(Status.PARTIAL);
    assertThat(first.get(1).failed()).isEqualTo(12);
    assertThat(crm.contents().keySet()).doesNotContainAnyElementsOf(failing).hasSize(288);

    crm.clearFailures();
    crm.clearBatches();
    List<SyncReport> second = runInParallel(whole.shards(3));

    assertThat(new TreeSet<>(crm.keysSent(Operation.UPSERT))).isEqualTo(failing);
    assertThat(second.get(1).delivered()).isEqualTo(12);
    assertThat(second.get(0).delivered()).isZero();
    assertThat(second.get(2).delivered()).isZero();
    assertThat(crm.contents().keySet()).isEqualTo(keys(source));
  }

  @Test
  void aShardStoppedMidRunCommitsWhatWasConfirmedAndTheOthersAreNotHeldBack() {
    InMemorySource source = rows(300, 1);
    RecordingDestination crm = RecordingDestination.create();
    StateStore state = FileStateStore.in(dir);
    AtomicReference<Sync> dying = new AtomicReference<>();
    SyncListener dieAfterFirstBatch = new SyncListener() {
      @Override
      public void onBatchCompleted(RunContext run, BatchResult result) {
        dying.get().cancel();
      }
    };
    dying.set(sync(source, crm, state).shard(2, 3).listener(dieAfterFirstBatch).build());
    Sync healthy = sync(source, crm, state).build();
    long inShard2 = keys(source).stream().filter(k -> Shard.indexOf(k, 3) == 2).count();

    SyncReport died = dying.get().run();
    SyncReport zero = healthy.shard(0, 3).run();
    SyncReport one = healthy.shard(1, 3).run();

    assertThat(died.status()).isEqualTo(Status.ABORTED);
    assertThat(died.delivered()).isEqualTo(10);
    assertThat(zero.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(one.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(crm.size()).isEqualTo(300 - (inShard2 - 10));

    crm.clearBatches();
    SyncReport rerun = healthy.shard(2, 3).run();

    assertThat(rerun.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(rerun.unchanged()).as("what the dead run confirmed is not sent again").isEqualTo(10);
    assertThat(rerun.delivered()).isEqualTo(inShard2 - 10);
    assertThat(crm.keysSent(Operation.UPSERT)).hasSize((int) (inShard2 - 10)).allMatch(k -> Shard.indexOf(k, 3) == 2);
    assertThat(crm.contents().keySet()).isEqualTo(keys(source));
  }

  @Test
  void aNewShardCountStartsAfreshResendingEverythingAndDeletingNothing() throws Exception {
    InMemorySource source = rows(500, 1);
    RecordingDestination crm = RecordingDestination.create();
    StateStore state = FileStateStore.in(dir);
    Sync whole = sync(source, crm, state).mode(SyncMode.MIRROR).build();
    assertThat(whole.run().status()).isEqualTo(Status.SUCCEEDED);
    runInParallel(whole.shards(2));
    crm.clearBatches();

    List<SyncReport> three = runInParallel(whole.shards(3));

    assertThat(crm.keysSent(Operation.DELETE)).as("no delete of a delivered record").isEmpty();
    assertThat(crm.keysSent(Operation.UPSERT)).hasSize(500).doesNotHaveDuplicates();
    assertThat(crm.contents().keySet()).isEqualTo(keys(source));
    assertThat(three).allSatisfy(r -> {
      assertThat(r.freshState()).isTrue();
      assertThat(r.newRecords()).isEqualTo(r.read());
      assertThat(r.removedRecords()).isZero();
      assertThat(r.summary()).contains("no state at this shard count yet: started afresh, every record of the shard"
          + " sent, none deleted");
    });

    crm.clearBatches();
    List<SyncReport> settled = runInParallel(whole.shards(3));

    assertThat(crm.batches()).isEmpty();
    assertThat(settled).allSatisfy(r -> assertThat(r.freshState()).isFalse());
  }

  @Test
  void goingBackToAFormerCountAfterClearingItsStatesSendsEverythingAgainAndDeletesNothing() throws Exception {
    InMemorySource source = rows(300, 1);
    RecordingDestination crm = RecordingDestination.create();
    StateStore state = FileStateStore.in(dir);
    Sync whole = sync(source, crm, state).mode(SyncMode.MIRROR).build();
    runInParallel(whole.shards(2));
    // Under three shards a record is deleted, then comes back unchanged: two's states still hold it.
    source.remove(key(7));
    runInParallel(whole.shards(3));
    source.put(row(7, 1));
    runInParallel(whole.shards(3));
    source.remove(key(7));
    runInParallel(whole.shards(3));
    source.put(row(7, 1));
    assertThat(crm.get(key(7))).isNull();

    long cleared = whole.shards(2).stream().mapToLong(Sync::clearState).sum();
    crm.clearBatches();
    List<SyncReport> back = runInParallel(whole.shards(2));

    assertThat(cleared).isEqualTo(300);
    assertThat(crm.keysSent(Operation.DELETE)).isEmpty();
    assertThat(crm.keysSent(Operation.UPSERT)).hasSize(300).contains(key(7));
    assertThat(crm.contents().keySet()).isEqualTo(keys(source));
    assertThat(back).allSatisfy(r -> {
      assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
      assertThat(r.newRecords()).isEqualTo(r.read());
    });
  }

  @Test
  void eachShardPacesItsWritesAtItsShareOfTheDestinationsBudget() {
    RollingWindowRateLimiter budget = RollingWindowRateLimiter.builder("crm-account", 10, Duration.ofSeconds(1))
        .clock(time, time::advance).build();
    RecordingDestination crm = RecordingDestination.builder().maxRecordsPerBatch(1).build();
    List<Long> calls = Collections.synchronizedList(new ArrayList<>());
    Destination paced = new Destination() {
      @Override
      public Capabilities capabilities() {
        return Capabilities.builder().operations(Operation.UPSERT).maxRecordsPerBatch(1).idempotentWrites(true)
            .rateLimit(budget).build();
      }

      @Override
      public BatchResult write(Batch batch) {
        calls.add(time.millis());
        return crm.write(batch);
      }
    };
    InMemorySource source = rows(60, 1);
    Sync whole = Sync.from(source).to(paced).named("paced").concurrency(1)
        .delivery(DeliveryPolicy.custom().clock(time, time::advance).build()).build();
    Sync shard = whole.shard(0, 2);
    long inShard = keys(source).stream().filter(k -> Shard.indexOf(k, 2) == 0).count();

    SyncReport report = shard.run();

    assertThat(report.delivered()).isEqualTo(inShard);
    assertThat(calls).hasSize((int) inShard);
    assertThat(RateLimitTest.maxInAnyWindow(calls, 1_000)).as("5 of the budget's 10 per second").isEqualTo(5);
    assertThat(report.requests().rateLimitWait()).isPositive();

    // The same shard made again, as a scheduler might for each run, paces on the same share.
    for (int i = 0; i < 60; i++) {
      source.put(row(i, 2));
    }
    SyncReport again = whole.shard(0, 2).run();

    assertThat(again.delivered()).isEqualTo(inShard);
    assertThat(RateLimitTest.maxInAnyWindow(calls, 1_000)).as("across both runs").isEqualTo(5);

    calls.clear();
    time.advance(Duration.ofMinutes(1));
    whole.run();

    assertThat(RateLimitTest.maxInAnyWindow(calls, 1_000)).as("the whole sync takes the whole budget").isEqualTo(10);
  }

  @Test
  void aDifferThatReadsOnlyItsShardIsHandedTheShardAndNothingIsDropped() {
    InMemorySource source = rows(400, 1);
    RecordingDestination crm = RecordingDestination.create();
    List<Shard> handed = new ArrayList<>();
    Differ ownShardOnly = (previous, ordered, deletes, resendAll) -> {
      Differ.Comparison hashing = Differ.hashing().begin(previous, ordered, deletes, resendAll);
      return new Differ.Comparison() {
        @Override
        public RecordStream open(Source whole, Shard shard) {
          handed.add(shard);
          List<Record> mine = new ArrayList<>();
          try (RecordStream all = whole.open()) {
            all.forEachRemaining(r -> {
              if (shard.contains(r.key())) {
                mine.add(r);
              }
            });
          }
          return RecordStream.of(mine.iterator());
        }

        @Override
        public Change compare(Record record, long hash) {
          return hashing.compare(record, hash);
        }

        @Override
        public void skip(String key) {
          hashing.skip(key);
        }

        @Override
        public void finish(Consumer<Change> deletes) {
          hashing.finish(deletes);
        }
      };
    };
    Sync whole = sync(source, crm, FileStateStore.in(dir)).differ(ownShardOnly).build();

    List<SyncReport> reports = new ArrayList<>();
    whole.shards(2).forEach(s -> reports.add(s.run()));

    assertThat(handed).containsExactly(Shard.of(0, 2), Shard.of(1, 2));
    assertThat(reports).allSatisfy(r -> assertThat(r.otherShards()).isZero());
    assertThat(crm.keysSent(Operation.UPSERT)).hasSize(400).doesNotHaveDuplicates();
    assertThat(whole.run().otherShards()).as("a sync of every key opens its source as before").isZero();
  }

  @Test
  void refusesAShardOutsideItsCountNamingTheSetting() {
    Sync.Builder builder = sync(rows(1, 1), RecordingDestination.create(), FileStateStore.in(dir));
    Sync sync = builder.build();

    assertThatThrownBy(() -> builder.shard(3, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shard(index, count): index must be between 0 and count - 1 = 2, was 3");
    assertThatThrownBy(() -> sync.shard(0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shard(index, count): count must be between 1 and 1024, was 0");
    assertThatThrownBy(() -> sync.shards(2_000)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("count must be between 1 and 1024, was 2000");
    assertThat(sync.shard()).isEmpty();
    assertThat(sync.shard(1, 3).shard()).contains(Shard.of(1, 3));
    assertThat(sync.shard(1, 3).shard(2, 5).shard()).as("a shard of a shard is a shard of the whole")
        .contains(Shard.of(2, 5));
    assertThat(sync.shards(3)).extracting(s -> s.shard().orElseThrow().index()).containsExactly(0, 1, 2);
    assertThat(sync.name()).isEqualTo("customers");
    assertThat(sync.shard(1, 3).name()).isEqualTo("customers/shard-1-of-3");
    assertThat(sync.shard(1, 3).shard(0, 2).name()).isEqualTo("customers/shard-0-of-2");
    assertThat(sync.shard(1, 3)).hasToString("Sync{customers/shard-1-of-3: " + rows(1, 1).describe()
        + " -> RecordingDestination, mode=UPSERT}");
  }

  private List<SyncReport> runInParallel(List<Sync> shards) throws Exception {
    List<Future<SyncReport>> running = instances.invokeAll(shards);
    List<SyncReport> reports = new ArrayList<>();
    for (Future<SyncReport> report : running) {
      reports.add(report.get());
    }
    return reports;
  }

  private Sync.Builder sync(InMemorySource source, Destination crm, StateStore state) {
    return Sync.from(source).to(crm).named("customers").state(state).batchSize(10).concurrency(1)
        .delivery(DeliveryPolicy.custom().clock(time, time::advance).build());
  }

  private static SyncListener keysOf(Set<String> sent) {
    return new SyncListener() {
      @Override
      public void onBatchCompleted(RunContext run, BatchResult result) {
        sent.addAll(result.batch().keys());
      }
    };
  }

  private static Set<String> keys(InMemorySource source) {
    Set<String> keys = new TreeSet<>();
    for (int i = 0; i < 10_000; i++) {
      if (source.get(key(i)) != null) {
        keys.add(key(i));
      }
    }
    return keys;
  }

  private static InMemorySource rows(int n, int version) {
    InMemorySource source = InMemorySource.create();
    for (int i = 0; i < n; i++) {
      source.put(row(i, version));
    }
    return source;
  }

  private static Record row(int i, int version) {
    return Record.builder(key(i)).set("name", "customer \u00e9 " + i).set("version", version).build();
  }

  private static String key(int i) {
    return "c" + i;
  }
}
