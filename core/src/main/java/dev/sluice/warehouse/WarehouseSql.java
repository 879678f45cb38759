package dev.sluice.warehouse;

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
 * schema: the DDL, the lease, the staging of confirmed outcomes, the merge, the changes and
 * deletes queries. One place, so that the golden tests see exactly what runs.
 */
final class WarehouseSql {

  /** The column holding the key text in the changes and deletes queries. */
  static final String KEY = "sluice_key";
  /** The column holding the row's 64-bit hash, 16 hex digits. */
  static final String HASH = "sluice_hash";
  /** The column holding the state's hash of the key (null for a new key). */
  static final String PREVIOUS = "sluice_previous";
  /** The column holding how many source rows have the key (more than 1: a duplicate). */
  static final String COPIES = "sluice_copies";

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

  // ---------------------------------------------------------------------------------------- DDL

  /** The statements that create the schema and the engine's three tables when absent. */
  List<String> ddl() {
    String text = dialect.textType();
    boolean bq = dialect == WarehouseDialect.BIGQUERY;
    String t200 = bq ? text : text + "(200)";
    String t64 = bq ? text : text + "(64)";
    String t2000 = bq ? text : text + "(2000)";
    String t16 = bq ? text : text + "(16)";
    String bool = bq ? "bool" : "boolean";
    String notEnforced = bq ? " not enforced" : "";
    List<String> ddl = new ArrayList<>();
    if (schema != null) {
      ddl.add("create schema if not exists " + render.render(DSL.name(schema)));
    }
    ddl.add("create table if not exists " + sync() + " ("
        + "sync_name " + t200 + " not null, "
        + "fingerprint " + t64 + ", "
        + "lock_owner " + t64 + ", "
        + "locked_at timestamp, "
        + "committed_at timestamp, "
        + "primary key (sync_name)" + notEnforced + ")");
    ddl.add("create table if not exists " + state() + " ("
        + "sync_name " + t200 + " not null, "
        + "record_key " + t2000 + " not null, "
        + "hash " + t16 + " not null, "
        + "primary key (sync_name, record_key)" + notEnforced + ")");
    ddl.add("create table if not exists " + staged() + " ("
        + "sync_name " + t200 + " not null, "
        + "record_key " + t2000 + " not null, "
        + "hash " + t16 + ", "
        + "deleted " + bool + " not null, "
        + "primary key (sync_name, record_key)" + notEnforced + ")");
    return ddl;
  }

  // -------------------------------------------------------------------------------------- lease

  /** Creates the sync's row; binds: sync name. */
  String insertSync() {
    return "insert into " + sync() + " (sync_name) values (?)";
  }

  /** Whether the sync's row exists; binds: sync name. */
  String selectSync() {
    return "select fingerprint, lock_owner, locked_at from " + sync() + " where sync_name = ?";
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

  /** Records the fingerprint of a commit; binds: fingerprint, now, sync name. */
  String recordCommit() {
    return "update " + sync() + " set fingerprint = ?, committed_at = ? where sync_name = ?";
  }

  // ---------------------------------------------------------------------------- state and staging

  /** Counts the sync's state; binds: sync name. */
  String countState() {
    return "select count(*) from " + state() + " where sync_name = ?";
  }

  /** The sync's state in key order; binds: sync name. */
  String cursor() {
    return "select record_key, hash from " + state() + " where sync_name = ? order by "
        + keyOrder("record_key");
  }

  /** One key's hash; binds: sync name, key. */
  String lookUp() {
    return "select hash from " + state() + " where sync_name = ? and record_key = ?";
  }

  /** Stages {@code rows} confirmed outcomes in one statement; binds per row: sync name, key, hash, deleted. */
  String stage(int rows) {
    StringBuilder sql = new StringBuilder("insert into ").append(staged())
        .append(" (sync_name, record_key, hash, deleted) values ");
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?)");
    }
    if (dialect == WarehouseDialect.DUCKDB || dialect.jooq() == org.jooq.SQLDialect.POSTGRES) {
      // A key confirmed again in the same run (never by the engine, possibly by a caller of the SPI).
      sql.append(" on conflict (sync_name, record_key) do update set hash = excluded.hash, deleted = excluded.deleted");
    }
    return sql.toString();
  }

  /** Whether the sync has staged outcomes; binds: sync name. */
  String anyStaged() {
    return "select count(*) from " + staged() + " where sync_name = ?";
  }

  /**
   * Folds the staged outcomes into the state: {@code MERGE} where the dialect has it (binds: sync
   * name three times), else an upsert (binds: sync name) and a delete (binds: sync name).
   */
  List<String> merge() {
    if (dialect.hasMerge()) {
      return List.of("merge into " + state() + " t"
          + " using (select record_key, hash, deleted from " + staged() + " where sync_name = ?) s"
          + " on t.sync_name = ? and t.record_key = s.record_key"
          + " when matched and s.deleted then delete"
          + " when matched then update set hash = s.hash"
          + " when not matched and not s.deleted then insert (sync_name, record_key, hash) values (?, s.record_key, s.hash)");
    }
    return List.of(
        "insert into " + state() + " (sync_name, record_key, hash)"
            + " select sync_name, record_key, hash from " + staged() + " where sync_name = ? and not deleted"
            + " on conflict (sync_name, record_key) do update set hash = excluded.hash",
        "delete from " + state() + " t where t.sync_name = ? and exists (select 1 from " + staged() + " s"
            + " where s.sync_name = t.sync_name and s.record_key = t.record_key and s.deleted)");
  }

  /** Empties the sync's staging; binds: sync name. */
  String clearStaged() {
    return "delete from " + staged() + " where sync_name = ?";
  }

  // ---------------------------------------------------------------------------- changes, deletes

  /**
   * The query that leaves only changed rows: the source's mapped columns with the key text, the
   * row's hash and the state's previous hash, for rows whose key is new, whose hash differs from
   * the state's (changed, or failed last time and so never confirmed), or whose key is not unique;
   * every row when {@code resendAll}. Binds: the user's binds, then the sync name.
   */
  String changes(WarehouseQuery.Plan plan, boolean resendAll) {
    String h = "sluice_hashed";
    String p = "sluice_previous_state";
    StringBuilder sql = new StringBuilder("with ").append(h).append(" as (select ")
        .append(plan.keyExpression()).append(" as ").append(name(KEY));
    for (WarehouseQuery.Output out : plan.outputs()) {
      sql.append(", ").append(out.expression()).append(" as ").append(name(out.name()));
    }
    sql.append(", ").append(rowHash(plan)).append(" as ").append(name(HASH));
    sql.append(" from (").append(plan.sql()).append(") as q)");
    sql.append(", ").append(p).append(" as (select record_key, hash from ").append(state()).append(" where sync_name = ?)");
    sql.append(" select ").append(name("c", KEY)).append(", ").append(name("c", HASH)).append(", ")
        .append(name("c", PREVIOUS)).append(", ").append(name("c", COPIES));
    for (WarehouseQuery.Output out : plan.outputs()) {
      sql.append(", ").append(name("c", out.name()));
    }
    sql.append(" from (select ").append(h).append(".*, ").append(p).append(".hash as ").append(name(PREVIOUS))
        .append(", count(*) over (partition by ").append(name(h, KEY)).append(") as ").append(name(COPIES))
        .append(" from ").append(h).append(" left join ").append(p)
        .append(" on ").append(p).append(".record_key = ").append(name(h, KEY)).append(") as c");
    if (!resendAll) {
      sql.append(" where ").append(name("c", PREVIOUS)).append(" is null or ").append(name("c", PREVIOUS))
          .append(" <> ").append(name("c", HASH)).append(" or ").append(name("c", COPIES)).append(" > 1");
    }
    return sql.toString();
  }

  /**
   * The keys of the state that the source no longer has, with their hashes; run only after the
   * changes were read to their end without error. Binds: the sync name, then the user's binds.
   */
  String deletes(WarehouseQuery.Plan plan) {
    return "select t.record_key, t.hash from " + state() + " t where t.sync_name = ? and not exists (select 1 from ("
        + plan.sql() + ") as q where " + plan.keyExpression() + " = t.record_key)";
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
   * The row's hash: md5 over the query's description and each mapped column's canonical text, so
   * that no two different rows give the same input: a text (or JSON, list, ...) is written as
   * {@code <length>:<text>}, a number, boolean, date or timestamp (whose text has no {@code ;}) as
   * {@code <text>;}, and null as {@code n} — which neither form can produce — so a reader could
   * split the input back into the values, their nulls and their boundaries.
   */
  String rowHash(WarehouseQuery.Plan plan) {
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
    return dialect.hash16(input.toString());
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
