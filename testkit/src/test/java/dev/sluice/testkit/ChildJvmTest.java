package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ChildJvmTest {

  /** Prints its arguments a line each; then waits for its standard input to close if the last is "wait", or exits with the last as its code. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      for (int i = 0; i < args.length - 1; i++) {
        System.out.println(args[i]);
      }
      System.out.flush();
      String last = args[args.length - 1];
      if (last.equals("wait")) {
        System.in.read();
        Runtime.getRuntime().halt(3);
      }
      System.err.println("exiting");
      System.exit(Integer.parseInt(last));
    }
  }

  @Test
  void readsWhatTheChildPrintsAndItsExitCode() throws Exception {
    try (ChildJvm child = ChildJvm.start("32m", Probe.class, "one", "two", "7")) {
      assertThat(child.waitFor(Duration.ofMinutes(1))).isTrue();
      assertThat(child.exitCode()).isEqualTo(7);
      assertThat(child.lines()).containsExactly("one", "two", "exiting");
      assertThat(child.output()).isEqualTo("one\ntwo\nexiting\n");
    }
  }

  @Test
  void awaitsALineThenKillsTheChildWithSigkill() throws Exception {
    try (ChildJvm child = ChildJvm.start("32m", Probe.class, "starting", "PAUSED", "wait")) {
      assertThat(child.awaitLine("PAUSED"::equals, Duration.ofMinutes(1))).isTrue();
      assertThat(child.isAlive()).isTrue();

      child.kill();

      assertThat(child.isAlive()).isFalse();
      assertThat(child.exitCode()).isEqualTo(137);
    }
  }

  @Test
  void awaitingALineTheChildNeverPrintsEndsWhenTheChildDoes() throws Exception {
    try (ChildJvm child = ChildJvm.start("32m", Probe.class, "starting", "0")) {
      assertThat(child.awaitLine("PAUSED"::equals, Duration.ofMinutes(1))).isFalse();
      assertThat(child.exitCode()).isZero();
    }
  }

  @Test
  void aConditionTheChildEndsBeforeFailsWithWhatItPrinted() throws Exception {
    try (ChildJvm child = ChildJvm.start("32m", Probe.class, "something went wrong", "2")) {
      assertThatThrownBy(() -> child.await(() -> false, Duration.ofMinutes(1), "the jobs started"))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("the child ended (exit code 2) before the jobs started")
          .hasMessageContaining("something went wrong");
    }
  }

  @Test
  void aConditionThatDoesNotHoldInTimeFailsAndKillsTheChild() throws Exception {
    try (ChildJvm child = ChildJvm.start("32m", Probe.class, "waiting", "wait")) {
      assertThat(child.awaitLine("waiting"::equals, Duration.ofMinutes(1))).isTrue();

      assertThatThrownBy(() -> child.await(() -> false, Duration.ofMillis(50), "the jobs started"))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("timed out after PT0.05S waiting for the jobs started")
          .hasMessageContaining("waiting");
      assertThat(child.waitFor(Duration.ofMinutes(1))).isTrue();
    }
  }

  @Test
  void aConditionIsCheckedAgainAsTheChildPrints() throws Exception {
    try (ChildJvm child = ChildJvm.start("32m", Probe.class, "one", "two", "three", "wait")) {
      child.await(() -> child.lines().size() == 3, Duration.ofMinutes(1), "three lines");
      assertThat(child.isAlive()).isTrue();
    }
  }

  @Test
  void exitCodeIsRefusedWhileTheChildRuns() throws Exception {
    try (ChildJvm child = ChildJvm.start("32m", Probe.class, "wait")) {
      assertThatThrownBy(child::exitCode).isInstanceOf(IllegalStateException.class).hasMessageContaining("still running");
    }
  }
}
