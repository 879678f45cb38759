package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Shard;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.SyncReport.Status;
import dev.sluice.destination.Operation;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.state.StateStore;
import dev.sluice.testkit.RecordingDestination;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The split of keys into shards computed in SQL, as a source can do to read only its shard: the same
 * hash as {@link Shard#keyHash(String)} on DuckDB and PostgreSQL.
 */
class ShardSqlTest {

  private static final DuckDb DUCK = DuckDb.inMemory();

  @AfterAll
  static void closeDuckDb() {
    DUCK.close();
  }

  /** The database, and its expression of the key hash over the text column {@code k}. */
  static Stream<Arguments> databases() {
    return Stream.of(
        Arguments.of("DuckDB", (Function<String, DataSource>) t -> DUCK.dataSource(),
            "('0x' || substr(md5(%s), 1, 8))::ubigint"),
        Arguments.of("PostgreSQL", (Function<String, DataSource>) t -> Databases.postgres(),
            "('x' || substr(md5(%s), 1, 8))::bit(32)::bigint"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void theKeyHashInSqlIsTheSameAsInJava(String name, Function<String, DataSource> databases, String hash)
      throws SQLException {
    DataSource db = databases.apply("shard_keys");
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      keys.add(i % 5 == 0 ? "k\u00e9-" + i : i % 5 == 1 ? "\u6771\u4eac" + i : i % 5 == 2 ? "\ud83d\ude00" + i : "key-" + i);
    }
    keys.add("");
    Databases.execute(db, "drop table if exists shard_keys", "create table shard_keys (k varchar(100))",
        "insert into shard_keys values " + keys.stream().map(k -> "('" + k + "')").collect(Collectors.joining(", ")));

    Map<String, Long> inSql = new HashMap<>();
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select k, " + String.format(hash, "k") + " from shard_keys")) {
      while (rs.next()) {
        inSql.put(rs.getString(1), rs.getLong(2));
      }
    }

    assertThat(inSql).hasSize(keys.size());
    keys.forEach(k -> assertThat(inSql.get(k)).as(k).isEqualTo(Shard.keyHash(k)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void aQueryFilteredToItsShardDeliversWhatTheEnginesOwnSplitDelivers(String name, Function<String, DataSource> databases,
      String hash) {
    DataSource db = databases.apply("shard_customers");
    Databases.execute(db, "drop table if exists shard_customers",
        "create table shard_customers (id bigint primary key, email varchar(100))");
    StringBuilder insert = new StringBuilder("insert into shard_customers values ");
    for (int i = 1; i <= 600; i++) {
      insert.append(i == 1 ? "" : ", ").append("(").append(i).append(", 'c").append(i).append("@example.com')");
    }
    Databases.execute(db, insert.toString());
    StateStore state = new InMemoryStateStore();
    RecordingDestination crm = RecordingDestination.create();
    String keyHash = String.format(hash, "cast(id as varchar)");

    for (int i = 0; i < 3; i++) {
      SqlSource ownShard = SqlSource.query(db, "select id, email from shard_customers where " + keyHash + " % 3 = ?", i)
          .key("id").orderByKey().build();
      SyncReport report = Sync.from(ownShard).to(crm).named("customers").state(state).mode(SyncMode.MIRROR)
          .shard(i, 3).build().run();

      int shard = i;
      assertThat(report.status()).isEqualTo(Status.SUCCEEDED);
      assertThat(report.otherShards()).as("the query read only its own shard").isZero();
      assertThat(report.read()).isEqualTo(crm.keysSent(Operation.UPSERT).stream()
          .filter(k -> Shard.indexOf(k, 3) == shard).count());
    }

    assertThat(crm.keysSent(Operation.UPSERT)).hasSize(600).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(crm.contents().keySet())).hasSize(600);
    assertThat(crm.keysSent(Operation.DELETE)).isEmpty();
  }
}
