package dev.sluice.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.source.DuckDb;
import dev.sluice.testkit.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM running a warehouse-engine sync on a DuckDB file with SIGKILL — mid-batch, and at
 * seeded random moments (while the changes query runs, while batches are staged, during the merge)
 * — then reruns it cleanly: nothing lost (the destination and the state hold the source), nothing
 * claimed (every state or staged hash is the hash of a version the destination accepted).
 */
class WarehouseCrashTest {

  private static final int ROWS = 20_000;

  @TempDir
  Path dir;

  @Test
  void losesNothingAndClaimsNothingWhenKilledMidRun() throws Exception {
    Path file = dir.resolve("warehouse.duckdb");
    Path log = dir.resolve("destination.log");
    Files.createFile(log);
    Random seeds = new Random(20261201);
    int kills = 0;
    for (int revision = 1; revision <= 4; revision++) {
      change(file, revision);
      String crash = revision % 2 == 1 ? "mid-batch:" + (1 + seeds.nextInt(15)) : "anytime:" + seeds.nextInt(1_000_000);
      Outcome killed = runChild(file, log, crash, 0);
      kills += killed.killed ? 1 : 0;
      assertNothingClaimed(file, log, crash);

      Outcome clean = runChild(file, log, "none", 120 * revision);
      assertThat(clean.exitCode).as("clean rerun after %s; it printed:%n%s", crash, clean.output).isZero();
      Map<String, String> source = source(file);
      assertThat(destination(log)).as("destination holds the source after %s", crash).isEqualTo(source);
      assertThat(stateKeys(file)).as("state holds the source's keys after %s", crash).isEqualTo(source.keySet());
      assertNothingClaimed(file, log, crash);
    }
    assertThat(kills).as("processes actually killed").isGreaterThanOrEqualTo(3);
  }

  private static final class Outcome {
    boolean killed;
    int exitCode;
    String output;
  }

  private static Outcome runChild(Path file, Path log, String crash, int clockMinutes) throws Exception {
    try (ChildJvm child = ChildJvm.start("256m", WarehouseCrashProbe.class, file.toString(), log.toString(), crash,
        Integer.toString(clockMinutes))) {
      Outcome outcome = new Outcome();
      if (child.awaitLine("PAUSED"::equals, Duration.ofMinutes(2))) {
        child.kill(); // SIGKILL
        outcome.killed = true;
      } else {
        assertThat(child.waitFor(Duration.ofMinutes(2))).as("child ended").isTrue();
      }
      outcome.exitCode = child.exitCode();
      outcome.killed |= outcome.exitCode == 137;
      outcome.output = child.output();
      return outcome;
    }
  }

  /** Revision 1 creates the table; later ones change a fifth of the rows, delete some and add some. */
  private static void change(Path file, int revision) {
    try (DuckDb db = DuckDb.open(file)) {
      if (revision == 1) {
        db.execute("create table src (id integer primary key, email varchar, score bigint, note varchar)");
        db.execute("insert into src select i, 'c' || i || '@example.com', 0, 'n' from range(1, " + (ROWS + 1) + ") t(i)");
        return;
      }
      db.execute("update src set score = " + revision + " where id % 5 = " + (revision % 5));
      db.execute("delete from src where id % 97 = " + revision);
      db.execute("insert into src select i, 'new' || i || '@example.com', " + revision + ", 'n' from range("
          + (ROWS + revision * 100) + ", " + (ROWS + revision * 100 + 50) + ") t(i)");
    }
  }

  private static Map<String, String> source(Path file) throws SQLException {
    Map<String, String> rows = new HashMap<>();
    try (DuckDb db = DuckDb.open(file); Connection c = db.dataSource().getConnection();
         PreparedStatement s = c.prepareStatement("select id, email, score from src"); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3));
      }
    }
    return rows;
  }

  private static Set<String> stateKeys(Path file) throws SQLException {
    Set<String> keys = new HashSet<>();
    try (DuckDb db = DuckDb.open(file); Connection c = db.dataSource().getConnection();
         PreparedStatement s = c.prepareStatement("select record_key from sluice.sluice_state"
             + " join sluice.sluice_sync using (sync_id) where sync_name = ?")) {
      s.setString(1, WarehouseCrashProbe.SYNC);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          keys.add(rs.getString(1));
        }
      }
    }
    return keys;
  }

  /** The last accepted write per key; deletes remove it; a torn last line is ignored. */
  private static Map<String, String> destination(Path log) throws IOException {
    Map<String, String> held = new HashMap<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      String[] parts = line.split(" ");
      if (parts[0].equals("U") && parts.length == 4) {
        held.put(parts[1], parts[2] + " " + parts[3]);
      } else if (parts[0].equals("D") && parts.length == 2) {
        held.remove(parts[1]);
      }
    }
    return held;
  }

  /**
   * Every hash in the state and in the staging table is the warehouse hash of a version of that key
   * the destination accepted: the accepted versions are loaded into a table of the same shape and
   * hashed with the engine's own SQL.
   */
  private static void assertNothingClaimed(Path file, Path log, String crash) throws Exception {
    List<String[]> accepted = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      String[] parts = line.split(" ");
      if (parts[0].equals("U") && parts.length == 4) {
        accepted.add(parts);
      }
    }
    try (DuckDb db = DuckDb.open(file); Connection c = db.dataSource().getConnection()) {
      db.execute("create or replace table accepted_versions (id integer, email varchar, score bigint, note varchar)");
      try (var appender = ((org.duckdb.DuckDBConnection) c).createAppender("main", "accepted_versions")) {
        for (String[] parts : accepted) {
          appender.beginRow();
          appender.append(Integer.parseInt(parts[1]));
          appender.append(parts[2]);
          appender.append(Long.parseLong(parts[3]));
          appender.append("n");
          appender.endRow();
        }
      }
      WarehouseQuery query = WarehouseQuery.of(db.dataSource(), "select * from accepted_versions").key("id")
          .copy("email", "score").build();
      WarehouseSql sql = new WarehouseSql(WarehouseDialect.DUCKDB, "sluice");
      // The hash prefix covers the steps and the column types, which match those of src.
      WarehouseQuery.Plan plan = query.plan(sql, query.describeColumns(c));
      String hashed = "select distinct " + plan.keyExpression() + " || ' ' || " + sql.rowHash(plan)
          + " from (select * from accepted_versions) as q";
      Set<String> acceptedHashes = new HashSet<>();
      try (PreparedStatement s = c.prepareStatement(hashed); ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          acceptedHashes.add(rs.getString(1));
        }
      }
      List<String> unconfirmed = new ArrayList<>();
      for (String table : List.of("sluice_state", "sluice_state_staged")) {
        try (PreparedStatement s = c.prepareStatement("select record_key || ' ' || hash from sluice." + table
            + " join sluice.sluice_sync using (sync_id) where sync_name = ? and hash is not null")) {
          s.setString(1, WarehouseCrashProbe.SYNC);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
              if (!acceptedHashes.contains(rs.getString(1))) {
                unconfirmed.add(table + ": " + rs.getString(1));
              }
            }
          }
        }
      }
      assertThat(unconfirmed).as("hashes the destination never confirmed, after %s", crash).isEmpty();
      db.execute("drop table accepted_versions");
    }
  }
}
