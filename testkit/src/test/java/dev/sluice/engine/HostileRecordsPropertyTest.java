package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sluice.Record;
import dev.sluice.RecordError;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.ValueLimits;
import dev.sluice.destination.Operation;
import dev.sluice.diff.Differ;
import dev.sluice.diff.RecordHash;
import dev.sluice.source.Databases;
import dev.sluice.source.DuckDb;
import dev.sluice.state.FileStateStore;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.state.JdbcStateStore;
import dev.sluice.state.StateStore;
import dev.sluice.state.SyncState;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import dev.sluice.warehouse.Warehouse;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random hostile records (random Unicode with lone surrogates, huge and tiny decimals, deep
 * nesting, NaN, long and odd keys, nulls) through a MIRROR sync, three runs of an unchanged
 * source, with each state store (in memory — also with a differ of its own hash —, file, JDBC on H2 and PostgreSQL, the warehouse state on
 * DuckDB and PostgreSQL): every run returns, nothing in the source is deleted, nothing is
 * sent again after its first success, what arrives is what was read, and every rejected record is
 * reported with its key and the field or key at fault.
 */
class HostileRecordsPropertyTest {

  private static final int RECORDS = 400;

  /**
   * The default differ with a hash of its own (the same one): the engine then checks values before
   * hashing instead of while hashing, and must reject exactly the same records for the same reasons.
   */
  private static final Differ OWN_HASH = new Differ() {
    @Override
    public Comparison begin(SyncState previous, boolean orderedByKey, boolean findDeletes, boolean resendAll) {
      return Differ.hashing().begin(previous, orderedByKey, findDeletes, resendAll);
    }

    @Override
    public long hash(Record record) {
      return RecordHash.of(record);
    }
  };

  private static DuckDb duck;

  @TempDir
  Path dir;

  private static synchronized DuckDb duck() {
    if (duck == null) {
      duck = DuckDb.inMemory();
    }
    return duck;
  }

  @AfterAll
  static void closeDuckDb() {
    if (duck != null) {
      duck.close();
    }
  }

  @ParameterizedTest(name = "{0} state, seed 1..3")
  @ValueSource(strings = {"memory", "memory-own-hash", "file", "jdbc-h2", "jdbc-postgres", "warehouse-duckdb", "warehouse-postgres"})
  void hostileRecordsNeverLoseHangOrResend(String store) {
    for (long seed = 1; seed <= 3; seed++) {
      check(store, seed);
    }
  }

  private void check(String storeName, long seed) {
    Random random = new Random(seed * 7919 + storeName.hashCode());
    Map<String, Record> records = new LinkedHashMap<>();
    Map<String, String> expectedRejections = new HashMap<>();
    while (records.size() < RECORDS) {
      String key = key(random);
      if (records.containsKey(key)) {
        continue;
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      String bad = null;
      int n = 1 + random.nextInt(4);
      for (int i = 0; i < n; i++) {
        String field = "f" + i;
        Object value = value(random, 0);
        fields.put(field, value);
        if (bad == null && problem(value)) {
          bad = "field '" + field;
        }
      }
      Record record;
      if (random.nextInt(25) == 0) {
        // What a SQL source hands over for JSON nested deeper than a record holds.
        record = Record.unreadable(key, "column 'doc' (json): nested too deeply");
        bad = "column 'doc'";
      } else {
        record = Record.of(key, fields);
      }
      if (ValueLimits.keyProblem(key) != null) {
        bad = "key '";
      }
      records.put(key, record);
      if (bad != null) {
        expectedRejections.put(key, bad);
      }
    }
    InMemorySource source = InMemorySource.create().putAll(new ArrayList<>(records.values()));
    RecordingDestination destination = RecordingDestination.create();
    Sync sync = Sync.from(source).to(destination).named("hostile-" + storeName + "-" + seed + "-" + UUID.randomUUID())
        .mode(SyncMode.MIRROR).differ(storeName.endsWith("own-hash") ? OWN_HASH : Differ.hashing())
        .state(store(storeName)).sortRunRecords(50).spillDirectory(dir).build();

    List<SyncReport> reports = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      reports.add(assertTimeoutPreemptively(Duration.ofSeconds(60), sync::run, "run " + run + " hung"));
    }

    String context = storeName + " seed " + seed;
    SyncReport first = reports.get(0);
    assertThat(first.status()).as(context + ": %s", first).isIn(SyncReport.Status.PARTIAL, SyncReport.Status.SUCCEEDED);
    for (SyncReport report : reports) {
      assertThat(report.removedRecords()).as(context + ": nothing in the source is deleted").isZero();
      assertThat(report.rejected()).as(context).isEqualTo(expectedRejections.size());
      Map<String, String> reasons = report.rejectedRecords().stream()
          .collect(Collectors.toMap(RecordError::key, RecordError::reason));
      assertThat(reasons.keySet()).as(context + ": the rejected keys").isEqualTo(expectedRejections.keySet());
      expectedRejections.forEach((key, what) ->
          assertThat(reasons.get(key)).as(context + ": reason for %s", ValueLimits.escape(key)).contains(what));
    }
    assertThat(destination.keysSent(Operation.DELETE)).as(context).isEmpty();
    assertThat(reports.get(1).delivered()).as(context + ": nothing sent again").isZero();
    assertThat(reports.get(2).delivered()).as(context + ": nothing sent again").isZero();
    Set<String> accepted = new HashSet<>(records.keySet());
    accepted.removeAll(expectedRejections.keySet());
    assertThat(destination.contents().keySet()).as(context).isEqualTo(accepted);
    for (String key : accepted) {
      assertThat(destination.get(key)).as(context + ": delivered unchanged").isEqualTo(records.get(key));
    }
  }

  private StateStore store(String name) {
    switch (name) {
      case "memory":
      case "memory-own-hash":
        return new InMemoryStateStore();
      case "file":
        return FileStateStore.in(dir.resolve("state-" + UUID.randomUUID()));
      case "jdbc-h2":
        return JdbcStateStore.builder(Databases.h2()).createTables(true).build();
      case "jdbc-postgres":
        return JdbcStateStore.builder(Databases.postgres()).createTables(true).build();
      case "warehouse-duckdb":
        return Warehouse.builder(duck().dataSource()).createTables(true).build();
      case "warehouse-postgres":
        return Warehouse.builder(Databases.postgres()).schema("sluice_hostile").createTables(true).build();
      default:
        throw new IllegalArgumentException(name);
    }
  }

  private static boolean problem(Object value) {
    if (value instanceof String) {
      return ValueLimits.textProblem((String) value) != null;
    }
    if (value instanceof Double) {
      return ValueLimits.doubleProblem((Double) value) != null;
    }
    if (value instanceof BigDecimal) {
      return ValueLimits.decimalProblem((BigDecimal) value) != null;
    }
    if (value instanceof List) {
      return ((List<?>) value).stream().anyMatch(HostileRecordsPropertyTest::problem);
    }
    if (value instanceof Map) {
      return ((Map<?, ?>) value).entrySet().stream()
          .anyMatch(e -> problem(e.getKey()) || problem(e.getValue()));
    }
    return false;
  }

  private static String key(Random random) {
    switch (random.nextInt(10)) {
      case 0:
        return "x".repeat(ValueLimits.MAX_KEY_BYTES - 5 + random.nextInt(10));
      case 1:
        return "k" + random.nextInt(1000) + "\u0000";
      case 2:
      case 3:
        return text(random, 1 + random.nextInt(12));
      case 4:
        return "" + random.nextInt(100);
      default:
        return "key-" + random.nextInt(100_000);
    }
  }

  private static Object value(Random random, int depth) {
    switch (random.nextInt(14)) {
      case 0:
        return null;
      case 1:
        return text(random, random.nextInt(20));
      case 2:
        return new BigDecimal(BigDecimal.ONE.unscaledValue(), -(random.nextInt(3) == 0 ? 999_999_999 : random.nextInt(2000)));
      case 3:
        return new BigDecimal(BigDecimal.ONE.unscaledValue(), random.nextInt(2000));
      case 4:
        return new BigDecimal(random.nextLong()).movePointLeft(random.nextInt(30));
      case 5:
        return random.nextBoolean() ? Double.NaN : random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      case 6:
        return random.nextDouble() * 1e6;
      case 7:
        return random.nextLong();
      case 8:
        Object nested = value(random, depth + 1);
        for (int i = 0; i < random.nextInt(ValueLimits.MAX_NESTING_DEPTH - 1 - depth); i++) {
          nested = List.of(nested == null ? "n" : nested);
        }
        return depth >= ValueLimits.MAX_NESTING_DEPTH - 2 ? "flat" : List.of(nested == null ? 0 : nested);
      case 9:
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(text(random, 3), depth > 3 ? 1 : value(random, depth + 1));
        return map;
      case 10:
        return random.nextBoolean();
      default:
        return "plain " + random.nextInt(1000);
    }
  }

  /** Random UTF-16 text: ASCII, other planes, pairs and, now and then, a lone surrogate. */
  private static String text(Random random, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(8)) {
        case 0:
          sb.append((char) (0xD800 + random.nextInt(0x800))); // a lone surrogate, high or low
          break;
        case 1:
          sb.appendCodePoint(0x10000 + random.nextInt(0x10000));
          break;
        case 2:
          sb.append((char) (0x80 + random.nextInt(0xD000)));
          break;
        case 3:
          sb.append("|\\\t".charAt(random.nextInt(3)));
          break;
        default:
          sb.append((char) ('a' + random.nextInt(26)));
      }
    }
    return sb.toString();
  }
}
