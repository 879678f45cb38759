package dev.sluice.warehouse;

import dev.sluice.Shard;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jooq.DSLContext;
import org.jooq.conf.RenderNameCase;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * Every statement the warehouse engine sends, rendered for one {@link WarehouseDialect} and one
 * schema: the DDL, the lease, the staging of confirmed outcomes, the merge, the changes query
 * (which also lists the removed keys). One place, so that the golden tests see exactly what runs.
 */
final class WarehouseSql {

  /** The column holding the key text in the changes query. */
  static final String KEY = "sluice_key";
  /** The column holding the row's 64-bit hash. */
  static final String HASH = "sluice_hash";
  /** The column holding the state's hash of the key (null for a new key). */
  static final String PREVIOUS = "sluice_previous";
  /** The column holding how many of the query's output rows have the key (more than 1: a duplicate). */
  static final String COPIES = "sluice_copies";
  /** The column saying what a row of the changes query is: {@link #ROW}, {@link #SUMMARY} or {@link #REMOVED}. */
  static final String KIND = "sluice_kind";
  /** A row of the source that is new, changed or failed last time (or every row, when re-sending all). */
  static final int ROW = 0;
  /** The one row of counts, after the source rows: source rows, state rows, new rows, removed keys. */
  static final int SUMMARY = 1;
  /** A key of the state that the source no longer has; after the summary. */
  static final int REMOVED = 2;
  /** The summary's column: how many rows the source query has. */
  static final String SOURCE_ROWS = "sluice_source_rows";
  /** The summary's column: how many keys the state holds. */
  static final String STATE_ROWS = "sluice_state_rows";
  /** How many output rows have no key in the state (duplicate copies included). */
  static final String NEW_ROWS = "sluice_new";
  /** How many keys of the state the source no longer has. */
  static final String REMOVED_ROWS = "sluice_removed";
  /** The engine's columns before the mapped fields in each row of the changes query. */
  static final int HIDDEN = 9;

  final WarehouseDialect dialect;
  final String schema;
  private final DSLContext render;

  WarehouseSql(WarehouseDialect dialect, String schema) {
    this.dialect = Objects.requireNonNull(dialect, "dialect");
    this.schema = schema;
    Settings settings = new Settings()
        .withRenderQuotedNames(dialect.quoteNames() ? RenderQuotedNames.EXPLICIT_DEFAULT_QUOTED : RenderQuotedNames.NEVER)
        .withRenderNameCase(RenderNameCase.AS_IS);
    this.render = DSL.using(dialect.jooq(), settings);
  }

  /** A name, quoted where the dialect quotes names. */
  String name(String name) {
    return render.render(DSL.name(name));
  }

  /** A qualified column reference. */
  String name(String qualifier, String name) {
    return render.render(DSL.name(qualifier, name));
  }

  /** A table of the engine's schema. */
  String table(String table) {
    return render.render(schema == null ? DSL.name(table) : DSL.name(schema, table));
  }

  /**
   * A literal. Snowflake and BigQuery read a backslash in a string literal as an escape, so there
   * it is doubled.
   */
  String literal(Object value) {
    if (value instanceof String && (dialect == WarehouseDialect.SNOWFLAKE || dialect == WarehouseDialect.BIGQUERY)) {
      String text = ((String) value).replace("\\", "\\\\");
      return "'" + (dialect == WarehouseDialect.BIGQUERY ? text.replace("'", "\\'") : text.replace("'", "''")) + "'";
    }
    return render.renderInlined(DSL.inline(value));
  }

  String sync() {
    return table("sluice_sync");
  }

  String state() {
    return table("sluice_state");
  }

  String staged() {
    return table("sluice_state_staged");
  }

  /**
   * The number that stands for a sync in the state and staging tables: the first eight bytes of
   * the SHA-256 of its name's UTF-8, as a signed 64-bit integer. A number rather than the name, so
   * that reading one sync's rows compares integers, and a table's zone maps (DuckDB's min/max per
   * row group) skip the rows of other syncs whatever their names; {@code sluice_sync} holds both.
   *
   * @param syncName the sync's name
   * @return its id
   */
  static long syncId(String syncName) {
    byte[] digest;
    try {
      digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(syncName.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    return java.nio.ByteBuffer.wrap(digest).getLong();
  }

  // ---------------------------------------------------------------------------------------- DDL

  /**
   * The statements that create the schema and the engine's three tables when absent. On DuckDB the
   * state and staging tables have no primary key: its index makes appending, merging and deleting
   * millions of rows many times slower, and the engine keeps their keys unique itself (a key is
   * confirmed at most once per run, and the staging holds one run's confirmations).
   */
  List<String> ddl() {
    String text = dialect.textType();
    boolean bq = dialect == WarehouseDialect.BIGQUERY;
    String t200 = bq ? text : text + "(200)";
    String t64 = bq ? text : text + "(64)";
    String t2000 = bq ? text : text + "(2000)";
    String t100 = bq ? text : text + "(100)";
    String hash = dialect.hashType();
    String bool = bq ? "bool" : "boolean";
    String id = bq ? "int64" : "bigint";
    String notEnforced = bq ? " not enforced" : "";
    String keyConstraint = dialect == WarehouseDialect.DUCKDB ? ""
        : ", primary key (sync_id, record_key)" + notEnforced;
    List<String> ddl = new ArrayList<>();
    if (schema != null) {
      ddl.add("create schema if not exists " + render.render(DSL.name(schema)));
    }
    ddl.add("create table if not exists " + sync() + " ("
        + "sync_name " + t200 + " not null, "
        + "sync_id " + id + " not null, "
        + "fingerprint " + t64 + ", "
        + "lock_owner " + t64 + ", "
        + "locked_at timestamp, "
        + "committed_at timestamp, "
        + "hash_function " + t100 + ", "
        + "primary key (sync_name)" + notEnforced + ")");
    ddl.add("create table if not exists " + state() + " ("
        + "sync_id " + id + " not null, "
        + "record_key " + t2000 + " not null, "
        + "hash " + hash + " not null"
        + keyConstraint + ")");
    ddl.add("create table if not exists " + staged() + " ("
        + "sync_id " + id + " not null, "
        + "record_key " + t2000 + " not null, "
        + "hash " + hash + ", "
        + "deleted " + bool + " not null"
        + keyConstraint + ")");
    return ddl;
  }

  // -------------------------------------------------------------------------------------- lease

  /** Creates the sync's row; binds: sync name, {@link #syncId}. */
  String insertSync() {
    return "insert into " + sync() + " (sync_name, sync_id) values (?, ?)";
  }

  /** Another sync whose name has the same {@link #syncId}; binds: sync id, sync name. */
  String sameId() {
    return "select sync_name from " + sync() + " where sync_id = ? and sync_name <> ?";
  }

  /** Whether the sync's row exists; binds: sync name. */
  String selectSync() {
    return "select fingerprint, lock_owner, locked_at, hash_function from " + sync() + " where sync_name = ?";
  }

  /** Takes the lease when free or expired; binds: owner, now, sync name, expiry. */
  String takeLease() {
    return "update " + sync() + " set lock_owner = ?, locked_at = ? where sync_name = ? and (lock_owner is null or locked_at < ?)";
  }

  /** Renews the lease; binds: now, sync name, owner. */
  String renewLease() {
    return "update " + sync() + " set locked_at = ? where sync_name = ? and lock_owner = ?";
  }

  /** Releases the lease; binds: sync name, owner. */
  String releaseLease() {
    return "update " + sync() + " set lock_owner = null, locked_at = null where sync_name = ? and lock_owner = ?";
  }

  /** Records the fingerprint and hash function of a commit; binds: fingerprint, hash function, now, sync name. */
  String recordCommit() {
    return "update " + sync() + " set fingerprint = ?, hash_function = ?, committed_at = ? where sync_name = ?";
  }

  // ---------------------------------------------------------------------------- state and staging

  /** Counts the sync's state; binds: sync id. */
  String countState() {
    return "select count(*) from " + state() + " where sync_id = ?";
  }

  /** The sync's state in key order; binds: sync id. */
  String cursor() {
    return "select record_key, hash from " + state() + " where sync_id = ? order by "
        + keyOrder("record_key");
  }

  /**
   * Stages {@code rows} confirmed outcomes in one statement; binds per row: sync id, key, hash
   * ({@link #hashBind}), deleted.
   */
  String stage(int rows) {
    StringBuilder sql = new StringBuilder("insert into ").append(staged())
        .append(" (sync_id, record_key, hash, deleted) values ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ").append(hashParameter()).append(", ?)");
    }
    if (dialect.jooq() == org.jooq.SQLDialect.POSTGRES) {
      // A key confirmed again in the same run (never by the engine, possibly by a caller of the SPI).
      sql.append(" on conflict (sync_id, record_key) do update set hash = excluded.hash, deleted = excluded.deleted");
    }
    return sql.toString();
  }

  /** The placeholder of a hash: DuckDB's unsigned hashes are bound as their decimal text. */
  String hashParameter() {
    return dialect == WarehouseDialect.DUCKDB ? "cast(? as ubigint)" : "?";
  }

  /** {@return the bind value of a hash for {@link #hashParameter()}} */
  Object hashBind(long hash) {
    return dialect == WarehouseDialect.DUCKDB ? Long.toUnsignedString(hash) : (Object) hash;
  }

  /** Whether the sync has staged outcomes; binds: sync id. */
  String anyStaged() {
    return "select count(*) from " + staged() + " where sync_id = ?";
  }

  /**
   * Folds the staged outcomes into the state: {@code MERGE} where the dialect has it (binds: sync
   * id three times), else an upsert (binds: sync id) and a delete (binds: sync id).
   *
   * <p>A key may be staged more than once where the staging table enforces no key (DuckDB,
   * Snowflake, BigQuery): removed, then confirmed again in the same run (a run that starts afresh
   * because the state was written for another destination removes every old key first). The merge
   * takes one row per key: confirmed if any row confirms it (with the highest such hash — the engine
   * confirms a key once per run), removed only if every row removes it.
   */
  List<String> merge() {
    if (dialect.hasMerge()) {
      return List.of("merge into " + state() + " t"
          + " using (select record_key, max(case when deleted then null else hash end) as hash,"
          + " min(case when deleted then 1 else 0 end) = 1 as deleted from " + staged()
          + " where sync_id = ? group by record_key) s"
          + " on t.sync_id = ? and t.record_key = s.record_key"
          + " when matched and s.deleted then delete"
          + " when matched then update set hash = s.hash"
          + " when not matched and not s.deleted then insert (sync_id, record_key, hash) values (?, s.record_key, s.hash)");
    }
    return List.of(
        "insert into " + state() + " (sync_id, record_key, hash)"
            + " select sync_id, record_key, hash from " + staged() + " where sync_id = ? and not deleted"
            + " on conflict (sync_id, record_key) do update set hash = excluded.hash",
        "delete from " + state() + " t where t.sync_id = ? and exists (select 1 from " + staged() + " s"
            + " where s.sync_id = t.sync_id and s.record_key = t.record_key and s.deleted)");
  }

  /** Empties the sync's staging; binds: sync id. */
  String clearStaged() {
    return "delete from " + staged() + " where sync_id = ?";
  }

  // ------------------------------------------------------------------------------------ changes

  /**
   * The one query of a run: the source's mapped columns with the key text, the row's hash and the
   * state's previous hash, for the rows whose key is new, whose hash differs from the state's
   * (changed, or failed last time and so never confirmed) — every row when {@code resendAll} —
   * then one {@link #SUMMARY} row of counts, then (when {@code removed}) the state's keys that the
   * source no longer has. One full outer join of the hashed source with the state; the order by
   * {@link #KIND} makes the query blocking, so no row, and above all no removed key, arrives before
   * the source was read to its end without error.
   *
   * <p>Duplicate keys: {@link #COPIES} counts the output rows per key (two changed or new copies);
   * a copy whose hash equals the state's leaves no row, but then the source's matched rows
   * ({@link #SOURCE_ROWS} − {@link #NEW_ROWS}) outnumber the state's matched keys
   * ({@link #STATE_ROWS} − {@link #REMOVED_ROWS}). The windows run over the output rows only.
   *
   * <p>A {@code shard} (null: all rows) keeps only its rows, by {@link #shardFilter}: no row of
   * another shard leaves the warehouse, and the counts are the shard's.
   *
   * <p>Binds: the user's binds, the sync id, the user's binds, the sync id.
   */
  String changes(WarehouseQuery.Plan plan, boolean resendAll, boolean removed, Shard shard) {
    String h = "sluice_hashed";
    String p = "sluice_previous_state";
    String found = "sluice_found";
    StringBuilder sql = hashedRows(h, plan, shard);
    sql.append(", ").append(p).append(" as (select record_key, hash from ").append(state()).append(" where sync_id = ?)");
    // The hash is never null, so a row without one is a state key the source lacks.
    String gone = name("c", HASH) + " is null";
    sql.append(", ").append(found).append(" as (select coalesce(").append(name("c", KEY)).append(", ")
        .append(name("p", "record_key")).append(") as ").append(name(KEY)).append(", ").append(name("c", HASH))
        .append(", ").append(name("p", "hash")).append(" as ").append(name(PREVIOUS))
        .append(", case when ").append(gone).append(" then ").append(REMOVED).append(" else ").append(ROW)
        .append(" end as ").append(name(KIND))
        .append(", cast(null as bigint) as ").append(name(SOURCE_ROWS))
        .append(", cast(null as bigint) as ").append(name(STATE_ROWS));
    for (WarehouseQuery.Output out : plan.outputs()) {
      sql.append(", ").append(name("c", out.name()));
    }
    sql.append(" from ").append(h).append(" as c full outer join ").append(p).append(" as p on ")
        .append(name("p", "record_key")).append(" = ").append(name("c", KEY));
    if (!resendAll) {
      sql.append(" where ").append(name("p", "record_key")).append(" is null or ").append(gone).append(" or ")
          .append(name("p", "hash")).append(" <> ").append(name("c", HASH));
    }
    sql.append(" union all select null, null, null, ").append(SUMMARY)
        .append(", (select count(*) from (").append(plan.sql()).append(") as q").append(where(plan, shard)).append(")")
        .append(", (select count(*) from ").append(state()).append(" where sync_id = ?)");
    for (int i = 0; i < plan.outputs().size(); i++) {
      sql.append(", null");
    }
    sql.append(") select * from (select ").append(name(KEY)).append(", ").append(outputHash(name(HASH)))
        .append(" as ").append(name(HASH)).append(", ").append(outputHash(name(PREVIOUS))).append(" as ")
        .append(name(PREVIOUS)).append(", count(*) over (partition by ").append(name(KEY)).append(") as ")
        .append(name(COPIES)).append(", ").append(name(KIND)).append(", ").append(name(SOURCE_ROWS)).append(", ")
        .append(name(STATE_ROWS))
        .append(", cast(sum(case when ").append(name(KIND)).append(" = ").append(ROW).append(" and ")
        .append(name(PREVIOUS)).append(" is null then 1 else 0 end) over () as bigint) as ").append(name(NEW_ROWS))
        .append(", cast(sum(case when ").append(name(KIND)).append(" = ").append(REMOVED)
        .append(" then 1 else 0 end) over () as bigint) as ").append(name(REMOVED_ROWS));
    for (WarehouseQuery.Output out : plan.outputs()) {
      sql.append(", ").append(name(out.name()));
    }
    sql.append(" from ").append(found).append(") as sluice_counted");
    if (!removed) {
      sql.append(" where ").append(name(KIND)).append(" <> ").append(REMOVED);
    }
    return sql.append(" order by ").append(name(KIND)).toString();
  }

  /**
   * {@code with <name> as (...)}: the user's query (the rows of {@code shard} only, null: all)
   * with the key text, the mapped columns and the row's hash.
   */
  private StringBuilder hashedRows(String name, WarehouseQuery.Plan plan, Shard shard) {
    StringBuilder sql = new StringBuilder("with ").append(name).append(" as (select ")
        .append(plan.keyExpression()).append(" as ").append(name(KEY));
    for (WarehouseQuery.Output out : plan.outputs()) {
      sql.append(", ").append(out.expression()).append(" as ").append(name(out.name()));
    }
    sql.append(", ").append(rowHash(plan)).append(" as ").append(name(HASH));
    return sql.append(" from (").append(plan.sql()).append(") as q").append(where(plan, shard)).append(")");
  }

  /**
   * The query of a run whose state is empty (the first run): every row is new and no key can be
   * removed, so there is no join with the state, no count and no sort — only each row's hash and
   * whether another row has its key ({@link #COPIES} from a count per key, over the keys alone).
   * The same columns as {@link #changes}, the rows of {@code shard} only (null: all); binds: the
   * user's binds.
   */
  String firstChanges(WarehouseQuery.Plan plan, Shard shard) {
    String h = "sluice_hashed";
    String shared = "sluice_shared";
    StringBuilder sql = hashedRows(h, plan, shard);
    sql.append(", ").append(shared).append(" as (select ").append(name(KEY)).append(" from ").append(h)
        .append(" group by ").append(name(KEY)).append(" having count(*) > 1)");
    sql.append(" select ").append(name("c", KEY)).append(", ").append(outputHash(name("c", HASH))).append(" as ")
        .append(name(HASH)).append(", cast(null as bigint) as ").append(name(PREVIOUS))
        .append(", case when ").append(name("d", KEY)).append(" is null then 1 else 2 end as ").append(name(COPIES))
        .append(", ").append(ROW).append(" as ").append(name(KIND));
    for (String count : List.of(SOURCE_ROWS, STATE_ROWS, NEW_ROWS, REMOVED_ROWS)) {
      sql.append(", cast(null as bigint) as ").append(name(count));
    }
    for (WarehouseQuery.Output out : plan.outputs()) {
      sql.append(", ").append(name("c", out.name()));
    }
    return sql.append(" from ").append(h).append(" as c left join ").append(shared).append(" as d on ")
        .append(name("d", KEY)).append(" = ").append(name("c", KEY)).toString();
  }

  /**
   * A hash as the changes query returns it: a signed 64-bit integer with the same bits (DuckDB's
   * unsigned hash reinterpreted), which the driver hands over without a big-number conversion.
   */
  String outputHash(String hash) {
    return dialect == WarehouseDialect.DUCKDB ? "cast(cast(" + hash + " as bit) as bigint)" : hash;
  }

  /**
   * A key that two rows of the source share, to name it when the counts of the changes query say
   * there is one, among the rows of {@code shard} (null: all); binds: the user's binds.
   */
  String duplicateKey(WarehouseQuery.Plan plan, Shard shard) {
    String key = plan.keyExpression();
    return "select " + key + " from (" + plan.sql() + ") as q where " + key + " is not null"
        + (shard == null ? "" : " and " + shardFilter(key, shard)) + " group by " + key
        + " having count(*) > 1 order by " + key + " limit 1";
  }

  private String where(WarehouseQuery.Plan plan, Shard shard) {
    return shard == null ? "" : " where " + shardFilter(plan.keyExpression(), shard);
  }

  /**
   * Whether the key text {@code key} belongs to {@code shard}: {@link Shard#keyHash(String)} — the
   * first four bytes of the md5 of its UTF-8 bytes, unsigned — computed in SQL, modulo the count;
   * a null key belongs to shard 0, as {@link Shard#indexOf} says.
   */
  String shardFilter(String key, Shard shard) {
    String first8 = "substr(" + (dialect == WarehouseDialect.BIGQUERY ? "to_hex(md5(" + key + "))" : "md5(" + key + ")")
        + ", 1, 8)";
    String hash;
    switch (dialect) {
      case DUCKDB:
        hash = "cast('0x' || " + first8 + " as bigint)";
        break;
      case SNOWFLAKE:
        hash = "to_number(" + first8 + ", 'XXXXXXXX')";
        break;
      case BIGQUERY:
        hash = "cast(concat('0x', " + first8 + ") as int64)";
        break;
      default:
        hash = "cast(cast('x' || " + first8 + " as bit(32)) as bigint)";
    }
    String mod = dialect == WarehouseDialect.BIGQUERY ? "mod(" + hash + ", " + shard.count() + ")"
        : "(" + hash + " % " + shard.count() + ")";
    return "coalesce(" + mod + ", 0) = " + shard.index();
  }

  /** The plain read of a {@link WarehouseQuery} (any differ): key text and mapped columns. */
  String read(WarehouseQuery.Plan plan) {
    StringBuilder sql = new StringBuilder("select ").append(plan.keyExpression()).append(" as ").append(name(KEY));
    for (WarehouseQuery.Output out : plan.outputs()) {
      sql.append(", ").append(out.expression()).append(" as ").append(name(out.name()));
    }
    return sql.append(" from (").append(plan.sql()).append(") as q").toString();
  }

  /**
   * The row's 64-bit hash ({@link WarehouseDialect#hashType()}), never null, over the query's
   * description (the steps and column types, {@code Plan.hashPrefix}) and each mapped column.
   *
   * <p>DuckDB and Snowflake: their own {@code hash(prefix, c1, ..., cn)} — typed, variadic and
   * null-safe, so there is no text to build and no separator to escape. On DuckDB a column that is
   * neither text, number, boolean, date nor timestamp (lists, structs, maps, JSON, ...) is hashed
   * as its {@code to_json(...)} text, since DuckDB hashes an empty list, a null list and a list of
   * one null alike.
   *
   * <p>PostgreSQL and BigQuery: the first 64 bits of {@code md5} (PostgreSQL) or the
   * {@code farm_fingerprint} (BigQuery) of a canonical, injective text encoding: a text (or JSON,
   * list, ...) is written as {@code <length>:<text>}, a number, boolean, date or timestamp (whose
   * text has no {@code ;}) as {@code <text>;}, and null as {@code n} — which neither form can
   * produce — so a reader could split the input back into the values, their nulls and their
   * boundaries.
   */
  String rowHash(WarehouseQuery.Plan plan) {
    if (dialect == WarehouseDialect.DUCKDB || dialect == WarehouseDialect.SNOWFLAKE) {
      StringBuilder args = new StringBuilder(literal(plan.hashPrefix()));
      for (WarehouseQuery.Output out : plan.outputs()) {
        boolean json = dialect == WarehouseDialect.DUCKDB && out.type() == WarehouseQuery.Type.OTHER;
        args.append(", ").append(json ? "to_json(" + out.expression() + ")" : out.expression());
      }
      return "hash(" + args + ")";
    }
    StringBuilder input = new StringBuilder(literal(plan.hashPrefix()));
    for (WarehouseQuery.Output out : plan.outputs()) {
      String text = canonicalText(out);
      if (out.type() == WarehouseQuery.Type.SCALAR || out.type() == WarehouseQuery.Type.TIMESTAMP) {
        input.append(" || coalesce(").append(text).append(" || ';', 'n')");
      } else {
        input.append(" || coalesce(").append(dialect.toText("length(" + text + ")")).append(" || ':' || ")
            .append(text).append(", 'n')");
      }
    }
    if (dialect == WarehouseDialect.BIGQUERY) {
      return "farm_fingerprint(" + input + ")";
    }
    return "cast(cast('x' || substr(md5(" + input + "), 1, 16) as bit(64)) as bigint)";
  }

  /** A column's value as text that does not depend on session settings. */
  String canonicalText(WarehouseQuery.Output out) {
    switch (out.type()) {
      case TEXT:
        return out.expression();
      case TIMESTAMP:
        return dialect.epochMicrosText(out.expression());
      default:
        return dialect.toText(out.expression());
    }
  }

  /** The key text of {@code columns} of the alias {@code q}, as {@code SqlSource} builds it. */
  String keyExpression(List<String> columns, List<Boolean> text) {
    if (columns.size() == 1) {
      String c = name("q", columns.get(0));
      return text.get(0) ? c : dialect.toText(c);
    }
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      String c = name("q", columns.get(i));
      String t = text.get(i) ? c : dialect.toText(c);
      sql.append(i == 0 ? "" : " || '|' || ").append("replace(replace(").append(t).append(", ").append(literal("\\"))
          .append(", ").append(literal("\\\\")).append("), '|', ").append(literal("\\|")).append(")");
    }
    return sql.toString();
  }

  /** An ORDER BY term that sorts text by code point. */
  String keyOrder(String column) {
    return dialect.jooq() == org.jooq.SQLDialect.POSTGRES ? column + " collate \"C\"" : column;
  }
}
