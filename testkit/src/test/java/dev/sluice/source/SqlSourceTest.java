package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SqlSourceTest {

  private static DuckDb duck;

  @BeforeAll
  static void openDuckDb() {
    duck = DuckDb.inMemory();
  }

  @AfterAll
  static void closeDuckDb() {
    duck.close();
  }

  @Test
  void mapsPostgresTypesToRecordValues() {
    DataSource pg = Databases.postgres();
    Databases.execute(pg,
        "drop table if exists types",
        "create table types (id int primary key, i int, s smallint, b bigint, d numeric(20,6), r real,"
            + " f double precision, ok boolean, t text, v varchar(20), day date,"
            + " ts timestamp, tstz timestamptz, j jsonb, js json, arr int[], tags text[], u uuid, bin bytea,"
            + " at time, attz timetz, nothing text)",
        "insert into types values (1, 2147483647, 7, 9007199254740993, 12345678901234.123456, 0.1, 0.1, true,"
            + " 'Zoë 🚀', 'x', date '2024-02-29', timestamp '2024-05-01 10:00:00.123456',"
            + " timestamptz '2024-05-01 10:00:00+02', '{\"a\": [1, 2.5, null], \"b\": {\"c\": true}}',"
            + " '[\"x\"]', array[1,2,3], array['a','b'], 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x0102',"
            + " time '13:45:00', timetz '13:45:00+02', null)");

    Record r = only(SqlSource.query(pg, "select * from types").key("id").build());

    assertThat(r.key()).isEqualTo("1");
    assertThat(r.get("id")).isEqualTo(1);
    assertThat(r.get("i")).isEqualTo(2147483647);
    assertThat(r.get("s")).isEqualTo(7);
    assertThat(r.get("b")).isEqualTo(9007199254740993L);
    assertThat(r.get("d")).isEqualTo(new BigDecimal("12345678901234.123456"));
    assertThat(r.get("r")).isEqualTo(0.1d);
    assertThat(r.get("f")).isEqualTo(0.1d);
    assertThat(r.get("ok")).isEqualTo(true);
    assertThat(r.get("t")).isEqualTo("Zoë 🚀");
    assertThat(r.get("v")).isEqualTo("x");
    assertThat(r.get("day")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(r.get("ts")).isEqualTo(Instant.parse("2024-05-01T10:00:00.123456Z"));
    assertThat(r.get("tstz")).isEqualTo(Instant.parse("2024-05-01T08:00:00Z"));
    assertThat(r.get("j")).isEqualTo(Map.of("a", listOf(1, new BigDecimal("2.5"), null), "b", Map.of("c", true)));
    assertThat(r.get("js")).isEqualTo(List.of("x"));
    assertThat(r.get("arr")).isEqualTo(List.of(1, 2, 3));
    assertThat(r.get("tags")).isEqualTo(List.of("a", "b"));
    assertThat(r.get("u")).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assertThat(r.get("bin")).isEqualTo("AQI=");
    assertThat(r.get("at")).isEqualTo("13:45:00");
    assertThat(r.get("attz")).isEqualTo("13:45:00+02:00");
    assertThat(r.fields()).containsEntry("nothing", null);
  }

  @Test
  void makesARowWhoseValueTheDriverCannotHandOverUnreadableAndReadsOn() {
    DataSource pg = Databases.postgres();
    Databases.execute(pg, "drop table if exists odd_numbers",
        "create table odd_numbers (id text, v numeric)",
        "insert into odd_numbers values ('a', 1), ('b', 'NaN'), ('c', 'Infinity'), ('d', 4)");
    List<Record> records = all(SqlSource.query(pg, "select * from odd_numbers order by id").key("id").build());
    assertThat(records).extracting(Record::key).containsExactly("a", "b", "c", "d");
    assertThat(records.get(0).get("v")).isEqualTo(BigDecimal.ONE);
    assertThat(records.get(1).unreadableReason()).contains("column 'v' (numeric) cannot be read").contains("NaN");
    assertThat(records.get(2).unreadableReason()).contains("column 'v' (numeric) cannot be read").contains("Infinity");
    assertThat(records.get(3).get("v")).isEqualTo(new BigDecimal("4"));

    // A key the driver cannot hand over leaves the row without a key: the run must fail, not reject it.
    Databases.execute(pg, "drop table if exists odd_keys", "create table odd_keys (id numeric, v text)",
        "insert into odd_keys values (1, 'a'), ('NaN', 'b')");
    assertThatThrownBy(() -> all(SqlSource.query(pg, "select * from odd_keys order by id").key("id").build()))
        .isInstanceOf(SourceException.class).hasMessageContaining("its key is unknown");
  }

  @Test
  void readsPostgresArraysOfTimesAndTimestampsAndOfMoreDimensionsAsLists() {
    DataSource pg = Databases.postgres();
    Databases.execute(pg, "drop table if exists arrays",
        "create table arrays as select 1 as id, array[[1, 2], [3, 4]] as grid,"
            + " array[timestamptz '2024-05-01 10:00:00+02'] as instants, array[timestamp '2024-05-01 10:00:00'] as walls,"
            + " array[timetz '12:00:00+02', null] as opens, array[time '12:34:56'] as times");
    // The driver builds timestamptz elements in the JVM's zone: read in another one than UTC, they
    // must still be the instants stored.
    java.util.TimeZone jvmZone = java.util.TimeZone.getDefault();
    Record r;
    try {
      java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("America/New_York"));
      r = only(SqlSource.query(pg, "select * from arrays").key("id").build());
    } finally {
      java.util.TimeZone.setDefault(jvmZone);
    }
    assertThat(r.get("grid")).isEqualTo(List.of(List.of(1, 2), List.of(3, 4)));
    assertThat(r.get("instants")).isEqualTo(List.of(Instant.parse("2024-05-01T08:00:00Z")));
    assertThat(r.get("walls")).isEqualTo(List.of(Instant.parse("2024-05-01T10:00:00Z")));
    assertThat(r.get("opens")).isEqualTo(listOf("12:00:00+02:00", null));
    assertThat(r.get("times")).isEqualTo(List.of("12:34:56"));
  }

  @Test
  void readsDuckDbListsOfEveryKindAsListsOfRecordValues() {
    duck.execute("create or replace table lists as select 1 as id,"
        + " ['2024-05-01 10:00:00+02'::timestamptz] as instants, ['12:00:00+02'::timetz] as opens,"
        + " ['\\x01\\x02'::blob, null] as blobs, [interval 1 day] as spans,"
        + " [{'a': '\\xff'::blob, 'b': 1, 'c': {'d': '09:30:00'::time}}] as structs");
    Record r = only(duck.query("select * from lists").key("id").build());
    assertThat(r.unreadableReason()).isNull();
    assertThat(r.get("instants")).isEqualTo(List.of(Instant.parse("2024-05-01T08:00:00Z")));
    assertThat(r.get("opens")).isEqualTo(List.of("12:00:00+02:00"));
    assertThat(r.get("blobs")).isEqualTo(listOf("AQI=", null));
    assertThat(r.get("spans")).isEqualTo(List.of("1 day"));
    assertThat(r.get("structs")).isEqualTo(List.of(Map.of("a", "/w==", "b", 1, "c", Map.of("d", "09:30:00"))));
  }

  @Test
  void runsAQueryThatEndsInALineComment() {
    duck.execute("create or replace table commented as select 1 as id, 'x' as v");
    for (String sql : List.of("select * from commented -- every row;",
        "select * from commented -- first\n  -- second;\n")) {
      assertThat(only(duck.query(sql).key("id").build()).get("v")).as(sql).isEqualTo("x");
      assertThat(only(duck.query(sql).key("id").orderByKey().build()).get("v")).as(sql).isEqualTo("x");
    }
  }

  @Test
  void readsTimeWithTimeZoneOnDuckDbAsTextWithItsOffset() {
    duck.execute("create or replace table clock (id integer, opens timetz)");
    duck.execute("insert into clock values (1, '09:00:00+02'), (2, null)");
    List<Record> records = all(duck.query("select * from clock order by id").key("id").build());
    assertThat(records).extracting(r -> r.get("opens")).containsExactly("09:00:00+02:00", null);
  }

  @Test
  void mapsDuckDbTypesToRecordValues() {
    duck.execute("create or replace table types (id bigint, i integer, hi hugeint, d decimal(18,4), f double,"
        + " ok boolean, t varchar, day date, ts timestamp, tstz timestamptz, l integer[], u uuid, j json,"
        + " nothing varchar)");
    duck.execute("insert into types values (42, -5, 170141183460469231731687303715884105727, 1234.5678, 0.25,"
        + " false, 'naïve ✓', date '2024-02-29', timestamp '2024-05-01 10:00:00',"
        + " timestamptz '2024-05-01 10:00:00+02', [1, 2], 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
        + " '{\"k\": [1, \"two\"]}', null)");

    Record r = only(duck.query("select * from types").key("id").build());

    assertThat(r.key()).isEqualTo("42");
    assertThat(r.get("id")).isEqualTo(42L);
    assertThat(r.get("i")).isEqualTo(-5);
    assertThat(r.get("hi")).isEqualTo(new BigDecimal("170141183460469231731687303715884105727"));
    assertThat(r.get("d")).isEqualTo(new BigDecimal("1234.5678"));
    assertThat(r.get("f")).isEqualTo(0.25d);
    assertThat(r.get("ok")).isEqualTo(false);
    assertThat(r.get("t")).isEqualTo("naïve ✓");
    assertThat(r.get("day")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(r.get("ts")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(r.get("tstz")).isEqualTo(Instant.parse("2024-05-01T08:00:00Z"));
    assertThat(r.get("l")).isEqualTo(List.of(1, 2));
    assertThat(r.get("u")).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assertThat(r.get("j")).isEqualTo(Map.of("k", List.of(1, "two")));
    assertThat(r.fields()).containsEntry("nothing", null);
  }

  @Test
  void mapsH2TypesToRecordValues() {
    DataSource h2 = Databases.h2();
    Databases.execute(h2,
        "create table types (id varchar(10), n numeric(10,2), b boolean, d date, ts timestamp,"
            + " tstz timestamp with time zone, big bigint, nothing int)",
        "insert into types values ('k1', 10.50, true, date '2024-02-29', timestamp '2024-05-01 10:00:00',"
            + " timestamp with time zone '2024-05-01 10:00:00+02', 5, null)");

    Record r = only(SqlSource.table(h2, "TYPES").key("id").build());

    assertThat(r.key()).isEqualTo("k1");
    assertThat(r.get("N")).isEqualTo(new BigDecimal("10.50"));
    assertThat(r.get("B")).isEqualTo(true);
    assertThat(r.get("D")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(r.get("TS")).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
    assertThat(r.get("TSTZ")).isEqualTo(Instant.parse("2024-05-01T08:00:00Z"));
    assertThat(r.get("BIG")).isEqualTo(5L);
    assertThat(r.fields()).containsEntry("NOTHING", null);
  }

  @Test
  void readsTimestampsWithoutZoneInTheConfiguredZone() {
    Record r = only(duck.query("select 1 as id, timestamp '2024-05-01 10:00:00' as ts").key("id")
        .timestampZone(ZoneId.of("Europe/Berlin")).build());

    assertThat(r.get("ts")).isEqualTo(Instant.parse("2024-05-01T08:00:00Z"));
  }

  @Test
  void bindsValuesAndReadsJooqQueries() {
    DataSource h2 = Databases.h2();
    Databases.execute(h2, "create table people (id int, name varchar(20))",
        "insert into people values (1, 'ada'), (2, 'grace'), (3, 'edsger')");

    assertThat(keys(SqlSource.query(h2, "select * from people where id >= ? and name <> ?", 2, "edsger")
        .key("ID").build())).containsExactly("2");
    assertThat(keys(SqlSource.select(h2, DSL.select(DSL.field(DSL.name("ID")), DSL.field(DSL.name("NAME")))
        .from(DSL.table(DSL.name("PEOPLE"))).where(DSL.field(DSL.name("ID")).lt(3)))
        .key("id").orderByKey().build())).containsExactly("1", "2");
  }

  @Test
  void buildsCompositeKeysInOneEscapedForm() {
    Record r = only(duck.query("select 'ac|me' as tenant, 'a\\b' as code, 42 as n").key("tenant", "code", "n").build());

    assertThat(r.key()).isEqualTo("ac\\|me|a\\\\b|42");
  }

  @Test
  void ordersByTheKeyTextAsJavaDoes() {
    DataSource pg = Databases.postgres();
    Databases.execute(pg, "drop table if exists ordered",
        "create table ordered (id int, name text)",
        "insert into ordered values (2, 'b'), (10, 'a'), (1, 'c'), (-1, 'Z'), (100, 'ä')");

    List<String> numeric = keys(SqlSource.query(pg, "select * from ordered").key("id").orderByKey().build());
    List<String> text = keys(SqlSource.query(pg, "select * from ordered").key("name").orderByKey().build());

    assertThat(numeric).containsExactly("-1", "1", "10", "100", "2").isSorted();
    assertThat(text).containsExactly("Z", "a", "b", "c", "ä").isSorted();
    assertThat(keys(duck.query("select * from (values (2), (10), (1)) v(id)").key("id").orderByKey().build()))
        .containsExactly("1", "10", "2");
    assertThat(SqlSource.query(pg, "select 1").key("x").orderByKey().build().orderedByKey()).isTrue();
  }

  @Test
  void leavesTheKeyOfARowWithANullKeyColumnNull() {
    List<Record> rows = all(duck.query("select * from (values ('a', 1), (null, 2), ('c', null)) v(t, n)")
        .key("t", "n").build());

    assertThat(rows).extracting(Record::key).containsExactly("a|1", null, null);
  }

  @Test
  void namesTheColumnsThatExistWhenTheKeyColumnIsMissing() {
    SqlSource source = duck.query("select 1 as id, 'x' as email").key("customer_id").build();

    assertThatThrownBy(source::open)
        .isInstanceOf(SourceException.class)
        .hasMessage("key column 'customer_id' is not among the query's columns [id, email];"
            + " query: select 1 as id, 'x' as email");
  }

  @Test
  void showsTheFailingQueryWithoutBindValues() {
    DataSource pg = Databases.postgres();
    SqlSource source = SqlSource.query(pg, "select * from no_such_table where token = ?", "s3cr3t-token").key("id").build();

    assertThatThrownBy(source::open)
        .isInstanceOf(SourceException.class)
        .hasMessageContaining("relation \"no_such_table\" does not exist")
        .hasMessageContaining("query: select * from no_such_table where token = ?")
        .message().doesNotContain("s3cr3t-token");
  }

  @Test
  void reportsAConnectionLostMidStream() throws Exception {
    DataSource pg = Databases.postgres();
    Databases.execute(pg, "drop table if exists big", "create table big as select g as id from generate_series(1, 50000) g");
    SqlSource source = SqlSource.query(pg, "select id, pg_backend_pid() as pid from big").key("id").fetchSize(100).build();

    try (RecordStream stream = source.open()) {
      Record first = stream.next();
      try (Connection admin = pg.getConnection(); Statement s = admin.createStatement();
          ResultSet rs = s.executeQuery("select pg_terminate_backend(" + first.get("pid") + ")")) {
        assertThat(rs.next()).isTrue();
      }
      assertThatThrownBy(() -> {
        while (stream.hasNext()) {
          stream.next();
        }
      }).isInstanceOf(SourceException.class)
          .hasMessageContaining("reading the query failed after")
          .hasMessageContaining("query: select id, pg_backend_pid() as pid from big");
    }
  }

  @Test
  void readsParquetAndCsvFilesThroughDuckDb(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path csv = dir.resolve("people.csv");
    java.nio.file.Files.writeString(csv, "id,name,score\n1,ada,9.5\n2,grace,8\n");
    java.nio.file.Path parquet = dir.resolve("people.parquet");
    duck.execute("copy (select * from read_csv('" + csv + "')) to '" + parquet + "' (format parquet)");

    List<Record> fromCsv = all(duck.query("select * from read_csv('" + csv + "')").key("id").orderByKey().build());
    List<Record> fromParquet = all(duck.query("select * from read_parquet('" + parquet + "')").key("id").orderByKey().build());

    assertThat(fromCsv).extracting(r -> r.get("name")).containsExactly("ada", "grace");
    assertThat(fromParquet).isEqualTo(fromCsv);
  }

  @Test
  void opensADuckDbFileAndKeepsItsTables(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    java.nio.file.Path file = dir.resolve("warehouse.duckdb");
    try (DuckDb db = DuckDb.open(file)) {
      db.execute("create table t as select 1 as id");
    }
    try (DuckDb db = DuckDb.open(file)) {
      assertThat(keys(db.table("t").key("id").build())).containsExactly("1");
    }
  }

  @Test
  void readsAWatermarkAndNoticesWhenItMoves() {
    duck.execute("create or replace table mart (id int, updated_at timestamp)");
    duck.execute("insert into mart values (1, timestamp '2024-01-01 00:00:00')");
    SqlWatermark watermark = SqlWatermark.of(duck.dataSource(), "select max(updated_at) from mart");

    assertThat(watermark.changed()).isTrue();
    assertThat(watermark.changed()).isFalse();
    duck.execute("insert into mart values (2, timestamp '2024-01-02 00:00:00')");
    assertThat(watermark.changed()).isTrue();
    assertThat(watermark.read()).hasValueSatisfying(v -> assertThat(v).startsWith("2024-01-02 00:00:00"));
  }

  private static List<Object> listOf(Object... values) {
    return java.util.Arrays.asList(values);
  }

  private static Record only(SqlSource source) {
    List<Record> rows = all(source);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  private static List<String> keys(SqlSource source) {
    List<String> keys = new ArrayList<>();
    all(source).forEach(r -> keys.add(r.key()));
    return keys;
  }

  private static List<Record> all(SqlSource source) {
    List<Record> rows = new ArrayList<>();
    try (RecordStream stream = source.open()) {
      stream.forEachRemaining(rows::add);
    }
    return rows;
  }
}
