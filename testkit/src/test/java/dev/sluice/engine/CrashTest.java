package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.state.FileStateStore;
import dev.sluice.diff.RecordHash;
import dev.sluice.state.StateCursor;
import dev.sluice.state.SyncState;
import dev.sluice.source.RecordStream;
import dev.sluice.testkit.ChildJvm;
import dev.sluice.testkit.SyntheticSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a syncing JVM with SIGKILL at seeded points — mid-batch, between a confirmed batch and its
 * journal write, during the publish of the state, and at random moments — then reruns it cleanly
 * and checks what the destination and the state hold.
 */
class CrashTest {

  private static final String[] POINTS = {"mid-batch", "before-journal", "publish", "anytime"};

  @TempDir
  Path dir;

  @Test
  void losesNothingAndClaimsNothingWhenKilledAtAnyPoint() throws Exception {
    Path stateDir = dir.resolve("state");
    Path log = dir.resolve("destination.log");
    Random seeds = new Random(20261127);
    int kills = 0;
    for (int iteration = 0; iteration < 12; iteration++) {
      int revision = iteration + 1;
      int count = 100_000 - (iteration % 3) * 250;
      String point = POINTS[iteration % POINTS.length];
      String crash = point + ":" + (point.equals("mid-batch") || point.equals("before-journal")
          ? 1 + seeds.nextInt(25) : seeds.nextInt(1_000_000));

      Outcome killed = runChild(stateDir, log, revision, count, crash);
      if (killed.killed) {
        kills++;
      }
      System.out.printf("crash test: %-22s killed=%s exit=%d%n", crash, killed.killed, killed.exitCode);
      assertStateClaimsOnlyConfirmedHashes(stateDir, log, crash);

      Outcome clean = runChild(stateDir, log, revision, count, "none");
      assertThat(clean.exitCode).as("clean rerun after %s; it printed:%n%s", crash, clean.output).isZero();

      Map<String, String> expected = expected(revision, count);
      assertThat(destination(log).equals(expected)).as("destination holds the source after %s", crash).isTrue();
      assertThat(state(stateDir).equals(expected)).as("state matches the source after %s", crash).isTrue();
    }
    assertThat(kills).as("processes actually killed").isGreaterThanOrEqualTo(10);
  }

  private static final class Outcome {
    boolean killed;
    int exitCode;
    String output;
  }

  private static Outcome runChild(Path stateDir, Path log, int revision, int count, String crash) throws Exception {
    try (ChildJvm child = ChildJvm.start("256m", CrashProbe.class, stateDir.toString(), log.toString(),
        Integer.toString(revision), Integer.toString(count), crash)) {
      Outcome outcome = new Outcome();
      if (child.awaitLine("PAUSED"::equals, Duration.ofMinutes(2))) {
        child.kill(); // SIGKILL
        outcome.killed = true;
      }
      assertThat(child.waitFor(Duration.ofMinutes(2))).as("child ended").isTrue();
      outcome.exitCode = child.exitCode();
      outcome.killed |= outcome.exitCode == 137; // killed itself with SIGKILL
      outcome.output = child.output();
      return outcome;
    }
  }

  /** Every state entry's hash was accepted by the destination for that key at some time. */
  private static void assertStateClaimsOnlyConfirmedHashes(Path stateDir, Path log, String crash) throws IOException {
    Set<String> accepted = new HashSet<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.startsWith("U ")) {
        accepted.add(line.substring(2));
      }
    }
    List<String> unconfirmed = new java.util.ArrayList<>();
    for (Map.Entry<String, String> e : state(stateDir).entrySet()) {
      if (!accepted.contains(e.getKey() + " " + e.getValue())) {
        unconfirmed.add(e.getKey() + " " + e.getValue());
      }
    }
    assertThat(unconfirmed).as("state entries the destination never confirmed, after %s", crash).isEmpty();
  }

  private static Map<String, String> state(Path stateDir) {
    Map<String, String> entries = new HashMap<>();
    try (SyncState state = FileStateStore.in(stateDir).open("crash-test")) {
      StateCursor cursor = state.cursor();
      while (cursor.next()) {
        entries.put(cursor.key(), RecordHash.toHex(cursor.hash()));
      }
    }
    return entries;
  }

  /** What the destination holds: the last write per key, deletes removing it; a torn last line ignored. */
  private static Map<String, String> destination(Path log) throws IOException {
    Map<String, String> held = new HashMap<>();
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    for (String line : lines) {
      String[] parts = line.split(" ");
      if (parts[0].equals("U") && parts.length == 3 && parts[2].length() == 16) {
        held.put(parts[1], parts[2]);
      } else if (parts[0].equals("D") && parts.length == 2) {
        held.remove(parts[1]);
      }
    }
    return held;
  }

  private static Map<String, String> expected(int revision, int count) {
    Map<String, String> expected = new HashMap<>();
    try (RecordStream stream = SyntheticSource.of(count).withRevision(revision, 7).open()) {
      while (stream.hasNext()) {
        Record r = stream.next();
        expected.put(r.key(), RecordHash.toHex(RecordHash.of(r)));
      }
    }
    return expected;
  }
}
