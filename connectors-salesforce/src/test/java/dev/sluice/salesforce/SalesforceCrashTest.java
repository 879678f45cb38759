package dev.sluice.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.state.FileStateStore;
import dev.sluice.state.StateCursor;
import dev.sluice.state.SyncState;
import dev.sluice.testkit.salesforce.SalesforceFake;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
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
      Process child = start(fake);
      await(() -> closedJobs(fake) >= 4, "the first four jobs closed", child);
      fake.completeJobs();
      await(() -> fake.jobStates().size() >= 6 && closedJobs(fake) >= 2, "more jobs in flight", child);

      child.destroyForcibly(); // SIGKILL, with jobs open
      assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();

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
      Process rerun = start(fake);
      String output = output(rerun);
      assertThat(rerun.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(rerun.exitValue()).as("the clean rerun printed:%n%s", output).isZero();

      Map<String, Map<String, Object>> after = fake.recordsBy("Contact", "Customer_Id__c");
      assertThat(after).hasSize(COUNT);
      assertThat(state()).hasSize(COUNT).isEqualTo(after.keySet());
      for (int i = 0; i < COUNT; i += 97) {
        assertThat(after.get(String.format("K%05d", i))).containsEntry("LastName", "Crash " + i);
      }
    }
  }

  private Process start(SalesforceFake fake) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath,
        SalesforceCrashProbe.class.getName(), fake.instanceUrl(), dir.resolve("state").toString(),
        Integer.toString(COUNT)));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile())
        .start();
  }

  private String output(Process process) throws Exception {
    process.waitFor(2, TimeUnit.MINUTES);
    return java.nio.file.Files.readString(dir.resolve("child.log"), StandardCharsets.UTF_8);
  }

  private static long closedJobs(SalesforceFake fake) {
    return fake.jobStates().values().stream().filter(s -> s.equals("UploadComplete") || s.equals("InProgress")).count();
  }

  /** Waits (parking, not sleeping for a set time) until {@code condition} holds. */
  private void await(BooleanSupplier condition, String what, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!condition.getAsBoolean()) {
      if (!child.isAlive()) {
        throw new AssertionError("the child ended before " + what + ": " + output(child));
      }
      if (System.nanoTime() > deadline) {
        child.destroyForcibly();
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
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
