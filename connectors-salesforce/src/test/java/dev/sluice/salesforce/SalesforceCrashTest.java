package dev.sluice.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.state.FileStateStore;
import dev.sluice.state.StateCursor;
import dev.sluice.state.SyncState;
import dev.sluice.testkit.ChildJvm;
import dev.sluice.testkit.salesforce.SalesforceFake;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a syncing JVM with SIGKILL while its Bulk jobs are in flight, then reruns it: nothing is
 * lost, and the state never claims a record the fake does not hold.
 */
class SalesforceCrashTest {

  private static final int COUNT = 6_000;

  @TempDir
  Path dir;

  @Test
  void losesNothingAndClaimsNothingWhenKilledWithBulkJobsInFlight() throws Exception {
    try (SalesforceFake fake = SalesforceFake.start()) {
      fake.bulkProcessingTime(Duration.ofDays(1)); // jobs finish only when the test says so
      try (ChildJvm child = start(fake)) {
        child.await(() -> closedJobs(fake) >= 4, Duration.ofMinutes(2), "the first four jobs closed");
        fake.completeJobs();
        child.await(() -> fake.jobStates().size() >= 6 && closedJobs(fake) >= 2, Duration.ofMinutes(2),
            "more jobs in flight");
        child.kill(); // SIGKILL, with jobs open
      }

      Set<String> claimed = state();
      Map<String, Map<String, Object>> held = fake.recordsBy("Contact", "Customer_Id__c");
      assertThat(claimed).as("the first jobs' records were confirmed and journaled").hasSizeGreaterThanOrEqualTo(500);
      assertThat(held.keySet()).as("the state claims only what Salesforce holds").containsAll(claimed);
      assertThat(claimed).hasSizeLessThan(COUNT);
      for (String key : claimed) {
        assertThat(held.get(key)).containsEntry("LastName", SalesforceCrashProbe.record(Integer.parseInt(key.substring(1)))
            .get("LastName"));
      }

      fake.bulkProcessingTime(Duration.ZERO);
      fake.completeJobs(); // Salesforce finishes the orphaned jobs after the crash
      try (ChildJvm rerun = start(fake)) {
        assertThat(rerun.waitFor(Duration.ofMinutes(2))).as("the rerun ended; it printed:%n%s", rerun.output()).isTrue();
        assertThat(rerun.exitCode()).as("the clean rerun printed:%n%s", rerun.output()).isZero();
      }

      Map<String, Map<String, Object>> after = fake.recordsBy("Contact", "Customer_Id__c");
      assertThat(after).hasSize(COUNT);
      assertThat(state()).hasSize(COUNT).isEqualTo(after.keySet());
      for (int i = 0; i < COUNT; i += 97) {
        assertThat(after.get(String.format("K%05d", i))).containsEntry("LastName", "Crash " + i);
      }
    }
  }

  private ChildJvm start(SalesforceFake fake) throws IOException {
    return ChildJvm.start("256m", SalesforceCrashProbe.class, fake.instanceUrl(), dir.resolve("state").toString(),
        Integer.toString(COUNT));
  }

  private static long closedJobs(SalesforceFake fake) {
    return fake.jobStates().values().stream().filter(s -> s.equals("UploadComplete") || s.equals("InProgress")).count();
  }

  private Set<String> state() {
    Set<String> keys = new HashSet<>();
    try (SyncState state = FileStateStore.in(dir.resolve("state")).open("crash")) {
      StateCursor cursor = state.cursor();
      while (cursor.next()) {
        keys.add(cursor.key());
      }
    }
    return keys;
  }
}
