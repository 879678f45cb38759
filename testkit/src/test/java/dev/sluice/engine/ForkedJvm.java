package dev.sluice.engine;

import dev.sluice.testkit.ChildJvm;
import java.io.IOException;
import java.time.Duration;

/** Runs a main class of the test classpath in a child JVM with its own heap limit (the testkit's ChildJvm). */
public final class ForkedJvm {

  /** What the child printed and how it ended. */
  public static final class Result {
    public final boolean finished;
    public final int exitCode;
    public final String output;

    Result(boolean finished, int exitCode, String output) {
      this.finished = finished;
      this.exitCode = exitCode;
      this.output = output;
    }
  }

  private ForkedJvm() {}

  /** Runs {@code mainClass} with {@code heap} (such as "128m") and waits up to five minutes. */
  public static Result run(String heap, Class<?> mainClass, String... args) throws IOException, InterruptedException {
    try (ChildJvm child = ChildJvm.start(heap, mainClass, args)) {
      boolean finished = child.waitFor(Duration.ofMinutes(5));
      return new Result(finished, finished ? child.exitCode() : -1, child.output());
    }
  }
}
