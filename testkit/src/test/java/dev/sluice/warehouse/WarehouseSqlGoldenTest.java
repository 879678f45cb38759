package dev.sluice.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.source.Databases;
import dev.sluice.source.DuckDb;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The SQL the warehouse engine sends, rendered for each dialect and compared with the files in
 * {@code src/test/resources/warehouse/}. Snowflake and BigQuery are checked only this way; DuckDB
 * and PostgreSQL also run it in the other tests. After a deliberate change, regenerate the files
 * with {@code -Dsluice.golden.update=true} and review the diff.
 */
class WarehouseSqlGoldenTest {

  private static final List<WarehouseQuery.Column> COLUMNS = List.of(
      new WarehouseQuery.Column("id", WarehouseQuery.Type.SCALAR),
      new WarehouseQuery.Column("email", WarehouseQuery.Type.TEXT),
      new WarehouseQuery.Column("full_name", WarehouseQuery.Type.TEXT),
      new WarehouseQuery.Column("lifetime_value", WarehouseQuery.Type.SCALAR),
      new WarehouseQuery.Column("updated_at", WarehouseQuery.Type.TIMESTAMP));

  static String render(WarehouseDialect dialect) {
    WarehouseSql sql = new WarehouseSql(dialect, "sluice");
    WarehouseQuery query = WarehouseQuery.of(Databases.h2(), dialect, "select * from mart.customers where region = ?", "EU")
        .key("id")
        .copy("email")
        .rename("full_name", "name")
        .cast("lifetime_value", "ltv", SqlType.decimal(12, 2))
        .copy("updated_at")
        .constant("source", "warehouse")
        .build();
    WarehouseQuery.Plan plan = query.plan(sql, COLUMNS);
    WarehouseQuery composite = WarehouseQuery.of(Databases.h2(), dialect, "select * from mart.accounts")
        .key("id", "email").build();
    StringBuilder out = new StringBuilder("-- Golden SQL of the warehouse engine for ").append(dialect).append('\n');
    section(out, "create the schema and tables", String.join(";\n", sql.ddl()));
    section(out, "changes (MIRROR): new, changed and previously failed rows, the counts, then the removed keys",
        sql.changes(plan, false, true, null));
    section(out, "changes (UPSERT): the removed keys are counted, not returned", sql.changes(plan, false, false, null));
    section(out, "changes after a fingerprint change: every row", sql.changes(plan, true, true, null));
    section(out, "changes of a first run (the state is empty): every row, with whether its key is shared",
        sql.firstChanges(plan, null));
    section(out, "changes of shard 2 of 4: only its rows leave the warehouse",
        sql.changes(plan, false, true, dev.sluice.Shard.of(2, 4)));
    section(out, "a key two rows share, when the counts say there is one", sql.duplicateKey(plan, null));
    section(out, "composite key text", composite.plan(sql, COLUMNS).keyExpression());
    section(out, "stage two confirmed outcomes", sql.stage(2));
    section(out, "merge the staged outcomes into the state", String.join(";\n", sql.merge()));
    section(out, "take the lease", sql.takeLease());
    section(out, "state in key order", sql.cursor());
    return out.toString();
  }

  private static void section(StringBuilder out, String title, String sql) {
    out.append("\n-- ").append(title).append('\n').append(sql).append(";\n");
  }

  @ParameterizedTest
  @EnumSource(WarehouseDialect.class)
  void rendersTheSqlOfEachWarehouseAsTheGoldenFileHoldsIt(WarehouseDialect dialect) throws IOException {
    String file = "warehouse/" + dialect.name().toLowerCase(java.util.Locale.ROOT) + ".sql";
    String rendered = render(dialect);
    if (Boolean.getBoolean("sluice.golden.update")) {
      Path target = Path.of("src/test/resources").resolve(file);
      Files.createDirectories(target.getParent());
      Files.writeString(target, rendered, StandardCharsets.UTF_8);
    }
    String golden;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(file)) {
      assertThat(in).as("golden file %s", file).isNotNull();
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(rendered).isEqualTo(golden);
  }

  @Test
  void snowflakeAndBigQuerySqlUsesUnquotedNamesAndTheirOwnFunctions() {
    assertThat(render(WarehouseDialect.SNOWFLAKE)).doesNotContain("\"").contains("hash('")
        .contains(", q.updated_at, ").contains("merge into sluice.sluice_state");
    assertThat(render(WarehouseDialect.BIGQUERY)).doesNotContain("\"").contains("farm_fingerprint(")
        .contains("unix_micros(timestamp(q.updated_at))").contains("cast(q.id as string)").contains("not enforced")
        .contains("hash int64");
  }

  @Test
  void computesEachKeysShardInSqlAsShardDoesOnDuckDbAndPostgres() throws Exception {
    List<String> keys = List.of("1", "42", "abc", "é", "日本語", "a|b\\c", "emoji \uD83D\uDE00", "", " ",
        "x".repeat(300));
    try (DuckDb duck = DuckDb.inMemory()) {
      for (javax.sql.DataSource db : List.of(duck.dataSource(), Databases.postgres())) {
        WarehouseDialect dialect;
        try (Connection c = db.getConnection()) {
          dialect = WarehouseDialect.of(c);
        }
        WarehouseSql sql = new WarehouseSql(dialect, null);
        for (int count : new int[] {2, 3, 7}) {
          for (String key : keys) {
            int inSql = -1;
            for (int index = 0; index < count; index++) {
              try (Connection c = db.getConnection();
                   java.sql.PreparedStatement s = c.prepareStatement("select " + sql.shardFilter("cast(? as varchar)",
                       dev.sluice.Shard.of(index, count)))) {
                s.setString(1, key);
                try (java.sql.ResultSet rs = s.executeQuery()) {
                  rs.next();
                  if (rs.getBoolean(1)) {
                    assertThat(inSql).as("%s: key '%s' in two shards", dialect, key).isEqualTo(-1);
                    inSql = index;
                  }
                }
              }
            }
            assertThat(inSql).as("%s: shard of '%s' among %d", dialect, key, count)
                .isEqualTo(dev.sluice.Shard.indexOf(key, count));
          }
        }
      }
    }
  }

  @Test
  void detectsPostgres17AsHavingMergeAndDuckDbAsHavingIt() throws Exception {
    try (Connection c = Databases.postgres().getConnection()) {
      assertThat(c.getMetaData().getDatabaseMajorVersion()).as("the embedded server the tests start").isEqualTo(17);
      assertThat(WarehouseDialect.of(c)).isEqualTo(WarehouseDialect.POSTGRES);
    }
    try (DuckDb duck = DuckDb.inMemory(); Connection c = duck.dataSource().getConnection()) {
      assertThat(WarehouseDialect.of(c)).isEqualTo(WarehouseDialect.DUCKDB);
    }
  }
}
