package dev.sluice.zendesk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.source.RecordStream;
import dev.sluice.state.FileStateStore;
import dev.sluice.state.StateCursor;
import dev.sluice.state.SyncState;
import dev.sluice.testkit.ChildJvm;
import dev.sluice.testkit.zendesk.ZendeskFake;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a syncing JVM with SIGKILL while Zendesk jobs are pending, then reruns it: the state never
 * claims a user the fake does not hold with the record's values, and after the rerun the fake holds
 * every user.
 */
class ZendeskCrashTest {

  private static final int USERS = 3_000;

  @TempDir
  Path dir;

  @Test
  void losesNothingAndClaimsNothingWhenKilledWithJobsPending() throws Exception {
    try (ZendeskFake fake = Fakes.start().rateLimit(100_000).jobDuration(Duration.ZERO, Duration.ofSeconds(20))) {
      for (int i = 0; i < 6; i++) {
        fake.nextJobTakes(Duration.ZERO, Duration.ofMillis(10)); // the first jobs finish, the rest hang
      }
      try (ChildJvm child = start(fake)) {
        child.await(() -> confirmed(child) >= 6 * 100 && fake.activeJobs() >= 6, Duration.ofSeconds(90),
            "the child confirmed records and submitted jobs");
        child.kill(); // SIGKILL
      }
      assertThat(fake.activeJobs()).as("jobs were pending when the child died").isPositive();

      Map<String, String> claimed = state();
      assertThat(claimed).as("what the state claims after the kill").isNotEmpty().hasSizeLessThan(USERS);
      assertHeld(fake, claimed.keySet());

      fake.jobDuration(Duration.ZERO, Duration.ofMillis(10));
      try (ChildJvm rerun = start(fake)) {
        assertThat(rerun.waitFor(Duration.ofMinutes(2))).as("the rerun ended; it printed:%n%s", rerun.output()).isTrue();
        assertThat(rerun.exitCode()).as("clean rerun; it printed:%n%s", rerun.output()).isZero();
      }
      Map<String, String> after = state();
      assertThat(after).hasSize(USERS);
      assertHeld(fake, after.keySet());
      assertThat(fake.usersByExternalId()).hasSize(USERS);
    }
  }

  /** Each of {@code keys} is held by the fake with the values of its source record. */
  private static void assertHeld(ZendeskFake fake, Set<String> keys) {
    Map<String, Map<String, Object>> held = fake.usersByExternalId();
    List<String> missing = new ArrayList<>();
    try (RecordStream records = ZendeskCrashProbe.source(USERS).open()) {
      while (records.hasNext()) {
        Record r = records.next();
        if (!keys.contains(r.key())) {
          continue;
        }
        Map<String, Object> user = held.get(r.key());
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = user == null ? Map.of() : (Map<String, Object>) user.get("user_fields");
        if (user == null || !r.get("name").equals(user.get("name")) || !r.get("email").equals(user.get("email"))
            || ((Number) fields.get("score")).intValue() != (Integer) r.get("score")) {
          missing.add(r.key());
        }
      }
    }
    assertThat(missing).as("records the state claims but the fake does not hold as sent").isEmpty();
  }

  private Map<String, String> state() {
    Map<String, String> entries = new HashMap<>();
    try (SyncState state = FileStateStore.in(dir).open("zendesk-crash")) {
      StateCursor cursor = state.cursor();
      while (cursor.next()) {
        entries.put(cursor.key(), Long.toHexString(cursor.hash()));
      }
    }
    return entries;
  }

  private ChildJvm start(ZendeskFake fake) throws IOException {
    return ChildJvm.start("256m", ZendeskCrashProbe.class, fake.baseUrl(), dir.toString(), Integer.toString(USERS));
  }

  /** The records the child has printed as confirmed. */
  private static int confirmed(ChildJvm child) {
    return child.lines().stream().filter(line -> line.startsWith("CONFIRMED "))
        .mapToInt(line -> Integer.parseInt(line.substring("CONFIRMED ".length()))).sum();
  }
}
