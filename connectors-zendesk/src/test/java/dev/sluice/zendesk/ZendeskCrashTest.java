package dev.sluice.zendesk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.source.RecordStream;
import dev.sluice.state.FileStateStore;
import dev.sluice.state.StateCursor;
import dev.sluice.state.SyncState;
import dev.sluice.testkit.zendesk.ZendeskFake;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
      Child child = new Child(fake.baseUrl(), dir);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (child.confirmed.get() < 6 * 100 || fake.activeJobs() < 6) {
        assertThat(System.nanoTime()).as("the child confirmed records and submitted jobs in time").isLessThan(deadline);
        assertThat(child.process.isAlive()).as("the child is still running; it printed:%n%s", child.output).isTrue();
        Thread.sleep(20); // watching another process; there is no clock of ours to move
      }
      child.process.destroyForcibly(); // SIGKILL
      assertThat(child.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(fake.activeJobs()).as("jobs were pending when the child died").isPositive();

      Map<String, String> claimed = state();
      assertThat(claimed).as("what the state claims after the kill").isNotEmpty().hasSizeLessThan(USERS);
      assertHeld(fake, claimed.keySet());

      fake.jobDuration(Duration.ZERO, Duration.ofMillis(10));
      Child rerun = new Child(fake.baseUrl(), dir);
      assertThat(rerun.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      rerun.pump.join(10_000);
      assertThat(rerun.process.exitValue()).as("clean rerun; it printed:%n%s", rerun.output).isZero();
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

  /** The probe in a child JVM, its output read line by line. */
  private static final class Child {
    final Process process;
    final AtomicInteger confirmed = new AtomicInteger();
    final StringBuffer output = new StringBuffer();
    final Thread pump;

    Child(String baseUrl, Path stateDir) throws IOException {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      process = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath,
          ZendeskCrashProbe.class.getName(), baseUrl, stateDir.toString(), Integer.toString(USERS))
          .redirectErrorStream(true).start();
      pump = new Thread(() -> {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          String line;
          while ((line = lines.readLine()) != null) {
            output.append(line).append('\n');
            if (line.startsWith("CONFIRMED ")) {
              confirmed.addAndGet(Integer.parseInt(line.substring("CONFIRMED ".length())));
            }
          }
        } catch (IOException ended) {
          output.append("[output ended: ").append(ended.getMessage()).append("]\n");
        }
      });
      pump.setDaemon(true);
      pump.start();
    }
  }
}
