package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.Record;
import dev.sluice.RecordError;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.ValueLimits;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.source.Databases;
import dev.sluice.source.DuckDb;
import dev.sluice.source.RecordStream;
import dev.sluice.source.Source;
import dev.sluice.source.SqlSource;
import dev.sluice.state.FileStateStore;
import dev.sluice.state.JdbcStateStore;
import dev.sluice.state.StateStore;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records that break things: every run returns, and a bad value rejects its record only. */
class HostileInputTest {

  private static final Duration RETURNS_WITHIN = Duration.ofSeconds(30);

  private static SyncReport runWithin(Sync sync) {
    return assertTimeoutPreemptively(RETURNS_WITHIN, sync::run, "the run hung");
  }

  private static InMemorySource threeRecords() {
    return InMemorySource.create()
        .put(Record.builder("a").set("v", 1).build())
        .put(Record.builder("b").set("v", 2).build())
        .put(Record.builder("c").set("v", 3).build());
  }

  private static RecordError rejection(SyncReport report, String key) {
    return report.rejectedRecords().stream().filter(e -> key.equals(e.key())).findFirst()
        .orElseThrow(() -> new AssertionError("no rejection of '" + key + "' in " + report.rejectedRecords()));
  }

  @Test
  void anAssertionErrorInAComputedFieldRejectsThatRecordAndTheRunReturns() {
    Mapping mapping = Mapping.builder().copy("v").compute("w", r -> {
      if ("b".equals(r.key())) {
        throw new AssertionError("b is not allowed");
      }
      return 1;
    }).build();
    RecordingDestination destination = RecordingDestination.create();

    SyncReport report = runWithin(Sync.from(threeRecords()).map(mapping).to(destination).build());

    assertThat(report.status()).isEqualTo(SyncReport.Status.PARTIAL);
    assertThat(rejection(report, "b").reason()).contains("b is not allowed");
    assertThat(destination.contents()).containsOnlyKeys("a", "c");
  }

  @Test
  void aStackOverflowInTheMappingRejectsThatRecord() {
    Mapping mapping = Mapping.builder().copy("v").compute("w", r -> "b".equals(r.key()) ? recurse(1) : 1).build();

    SyncReport report = runWithin(Sync.from(threeRecords()).map(mapping).to(RecordingDestination.create()).build());

    assertThat(report.delivered()).isEqualTo(2);
    assertThat(rejection(report, "b").reason()).contains("overflowed the stack");
  }

  private static int recurse(int n) {
    return recurse(n + 1) + 1;
  }

  @Test
  void anOutOfMemoryErrorWhileReadingFailsTheRunWithAReport() {
    Source source = erroringSource(() -> new OutOfMemoryError("simulated: Java heap space"));

    SyncReport report = runWithin(Sync.from(source).to(RecordingDestination.create()).mode(SyncMode.MIRROR).build());

    assertThat(report.status()).isEqualTo(SyncReport.Status.FAILED);
    assertThat(report.failure()).get().asString().contains("OutOfMemoryError").contains("no deletes were sent");
  }

  @Test
  void anErrorThrownByTheDestinationFailsTheRunWithAReport() {
    Destination broken = new Destination() {
      @Override
      public Capabilities capabilities() {
        return Capabilities.builder().operations(Operation.UPSERT).build();
      }

      @Override
      public BatchResult write(Batch batch) {
        throw new AssertionError("the destination's own bug");
      }
    };

    SyncReport report = runWithin(Sync.from(threeRecords()).to(broken).build());

    assertThat(report.status()).isEqualTo(SyncReport.Status.FAILED);
    assertThat(report.failure()).get().asString().contains("the destination's own bug");
  }

  private static Source erroringSource(Supplier<Error> error) {
    return new Source() {
      @Override
      public RecordStream open() {
        return new RecordStream() {
          int n;

          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Record next() {
            if (++n == 3) {
              throw error.get();
            }
            return Record.builder("k" + n).set("v", n).build();
          }

          @Override
          public void close() {}
        };
      }
    };
  }

  @Test
  void aDecimalWithAHugeExponentIsRefusedAtOnceByToDecimal() {
    InMemorySource source = threeRecords().put(Record.builder("huge").set("v", "1e1000000").build());
    Mapping mapping = Mapping.builder().convert("v", Convert.toDecimal(2)).build();
    RecordingDestination destination = RecordingDestination.create();

    SyncReport report = runWithin(Sync.from(source).map(mapping).to(destination).build());

    assertThat(report.duration()).isLessThan(Duration.ofSeconds(10));
    assertThat(rejection(report, "huge").reason()).contains("'v'").contains("scale");
    assertThat(destination.contents()).containsOnlyKeys("a", "b", "c");
  }

  @Test
  void aDecimalBeyondTheLimitsFromTheSourceRejectsItsRecordNamingTheField() {
    InMemorySource source = threeRecords()
        .put(Record.builder("big").set("amount", new BigDecimal("1E+999999999")).build())
        .put(Record.builder("long").set("amount", new BigDecimal("9".repeat(ValueLimits.MAX_DECIMAL_PRECISION + 1))).build());
    RecordingDestination destination = RecordingDestination.create();

    SyncReport report = runWithin(Sync.from(source).to(destination).build());

    assertThat(rejection(report, "big").reason()).contains("field 'amount'").contains("scale of -999999999");
    assertThat(rejection(report, "long").reason()).contains("field 'amount'").contains("significant digits");
    assertThat(destination.contents()).containsOnlyKeys("a", "b", "c");
    assertThatThrownBy(() -> Convert.toText().convert(new BigDecimal("1E+999999999")))
        .hasMessageContaining("scale");
  }

  @Test
  void textWithALoneSurrogateIsRejectedNamingKeyAndFieldNotSentAltered() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("ok", "fine");
    nested.put("bad", List.of("x", "broken\uDC00"));
    InMemorySource source = threeRecords()
        .put(Record.builder("lone").set("name", "Ada\uD800").build())
        .put(Record.builder("deep").set("tags", nested).build())
        .put(Record.builder("pair").set("name", "emoji \uD83D\uDE00").build());
    RecordingDestination destination = RecordingDestination.create();

    SyncReport report = runWithin(Sync.from(source).to(destination).build());

    assertThat(rejection(report, "lone").reason()).contains("field 'name'").contains("lone surrogate \\uD800");
    assertThat(rejection(report, "deep").reason()).contains("field 'tags.bad[1]'").contains("\\uDC00");
    assertThat(destination.get("pair").get("name")).isEqualTo("emoji \uD83D\uDE00");
    assertThat(report.status()).isEqualTo(SyncReport.Status.PARTIAL);
  }

  @Test
  void aKeyWithALoneSurrogateIsRejectedAndNeverDeleted(@TempDir Path dir) {
    InMemorySource source = threeRecords().put(Record.builder("k\uD800").set("v", 9).build());
    RecordingDestination destination = RecordingDestination.create();
    destination.seed(Record.builder("k?").set("v", 9).build());
    Sync sync = Sync.from(source).to(destination).named("surrogates").mode(SyncMode.MIRROR)
        .state(FileStateStore.in(dir)).build();

    SyncReport first = runWithin(sync);
    SyncReport second = runWithin(sync);

    assertThat(rejection(first, "k\uD800").reason()).contains("key 'k\\uD800'").contains("not valid Unicode");
    assertThat(first.deleted()).isZero();
    assertThat(second.deleted()).isZero();
    assertThat(second.delivered()).isZero();
    assertThat(destination.contents()).containsOnlyKeys("a", "b", "c", "k?");
  }

  @Test
  void nanAndInfinityAreRejectedUnlessTheDestinationTakesThem() {
    InMemorySource source = threeRecords()
        .put(Record.builder("nan").set("score", Double.NaN).build())
        .put(Record.builder("inf").set("score", List.of(1.0, Double.NEGATIVE_INFINITY)).build());

    SyncReport strict = runWithin(Sync.from(source).to(RecordingDestination.create()).build());
    SyncReport lenient = runWithin(Sync.from(source).to(new NonFiniteDestination()).build());

    assertThat(rejection(strict, "nan").reason()).contains("field 'score'").contains("NaN is not a finite number");
    assertThat(rejection(strict, "inf").reason()).contains("field 'score[1]'").contains("-Infinity");
    assertThat(lenient.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(lenient.delivered()).isEqualTo(5);
  }

  /** Takes every operation and non-finite numbers. */
  private static final class NonFiniteDestination implements Destination {
    @Override
    public Capabilities capabilities() {
      return Capabilities.builder().operations(Operation.UPSERT).nonFiniteNumbers(true).build();
    }

    @Override
    public BatchResult write(Batch batch) {
      BatchResult.Builder result = BatchResult.builder(batch);
      batch.records().forEach(r -> result.succeeded(r.key()));
      return result.build();
    }
  }

  @Test
  void aValueNestedBeyondTheLimitCannotBeMadeAndNamesItsField() {
    Object deep = "leaf";
    for (int i = 0; i < ValueLimits.MAX_NESTING_DEPTH + 1; i++) {
      deep = List.of(deep);
    }
    Map<String, Object> self = new java.util.HashMap<>();
    self.put("me", self);
    Object tooDeep = deep;

    assertThatThrownBy(() -> Record.builder("k").set("doc", tooDeep).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("record 'k', field 'doc[0]")
        .hasMessageContaining("nested deeper than " + ValueLimits.MAX_NESTING_DEPTH);
    assertThatThrownBy(() -> Record.builder("k").set("loop", self).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper");
  }

  @Test
  void aJsonColumnNestedDeeperThanJacksonAllowsRejectsItsRowOnly() {
    try (DuckDb duck = DuckDb.inMemory()) {
      String deep = "[".repeat(1500) + "]".repeat(1500);
      String deepish = "[".repeat(ValueLimits.MAX_NESTING_DEPTH + 5) + "]".repeat(ValueLimits.MAX_NESTING_DEPTH + 5);
      Databases.execute(duck.dataSource(),
          "create table docs (id varchar, doc json)",
          "insert into docs values ('a', '{\"x\": 1}'), ('deep', '" + deep + "'), ('deepish', '" + deepish + "'),"
              + " ('b', '[1, 2]')");
      RecordingDestination destination = RecordingDestination.create();
      Sync sync = Sync.from(duck.query("select * from docs").key("id").orderByKey().build())
          .to(destination).mode(SyncMode.MIRROR).build();

      SyncReport first = runWithin(sync);
      SyncReport second = runWithin(sync);

      assertThat(first.status()).isEqualTo(SyncReport.Status.PARTIAL);
      assertThat(rejection(first, "deep").reason()).contains("column 'doc'");
      assertThat(rejection(first, "deepish").reason()).contains("field 'doc");
      assertThat(destination.contents()).containsOnlyKeys("a", "b");
      assertThat(second.deleted()).isZero();
    }
  }

  @Test
  void keysNoStateStoreCanKeepAreRejectedUpFrontAndTheRestIsConfirmed() {
    StateStore state = JdbcStateStore.builder(Databases.postgres()).createTables(true)
        .tablePrefix("hostile_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_").build();
    String longKey = "x".repeat(ValueLimits.MAX_KEY_BYTES + 1);
    String wideKey = "\u00e9".repeat(ValueLimits.MAX_KEY_BYTES / 2 + 1);
    InMemorySource source = threeRecords()
        .put(Record.builder(longKey).set("v", 1).build())
        .put(Record.builder(wideKey).set("v", 1).build())
        .put(Record.builder("nul\u0000key").set("v", 1).build())
        .put(Record.builder("x".repeat(ValueLimits.MAX_KEY_BYTES)).set("v", 1).build());
    RecordingDestination destination = RecordingDestination.create();
    Sync sync = Sync.from(source).to(destination).named("odd-keys").state(state).mode(SyncMode.MIRROR).build();

    SyncReport first = runWithin(sync);
    SyncReport second = runWithin(sync);

    assertThat(rejection(first, longKey).reason()).contains("2001 bytes");
    assertThat(rejection(first, wideKey).reason()).contains("bytes in UTF-8");
    assertThat(rejection(first, "nul\u0000key").reason()).contains("key 'nul\\u0000key'").contains("NUL");
    assertThat(first.delivered()).isEqualTo(4);
    assertThat(second.delivered()).isZero();
    assertThat(second.deleted()).isZero();
    assertThat(second.unchanged()).isEqualTo(4);
  }

  @Test
  void rejectedKeysOfAnUnorderedSourceSortedOnDiskAreNotDeleted(@TempDir Path dir) {
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      records.add(Record.builder("k" + i).set("v", i).build());
    }
    InMemorySource source = InMemorySource.create().putAll(records);
    RecordingDestination destination = RecordingDestination.create();
    Sync first = Sync.from(source).to(destination).named("sorted").mode(SyncMode.MIRROR)
        .state(FileStateStore.in(dir)).sortRunRecords(7).spillDirectory(dir).build();
    assertThat(runWithin(first).delivered()).isEqualTo(50);

    // The same keys now come with values that reject them: none of them is taken for a deleted one.
    source.put(Record.builder("k3").set("v", Double.NaN).build());
    source.put(Record.builder("k40").set("v", "bad\uDBFF").build());
    source.put(Record.unreadable("k7", "column 'v': cannot be read"));
    source.put(Record.builder("nul\u0000").set("v", 1).build());
    SyncReport second = runWithin(first);

    assertThat(second.rejected()).isEqualTo(4);
    assertThat(rejection(second, "k7").reason()).isEqualTo("column 'v': cannot be read");
    assertThat(second.deleted()).isZero();
    assertThat(destination.contents()).hasSize(50);
  }
}
