package dev.sluice.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A main class of the test class path run in a child JVM with a heap limit of its own: for a test
 * that kills a syncing process with SIGKILL and checks what survived (a crash test), or that runs
 * one under a small heap. The child's standard output and error are read line by line as they
 * come, on a daemon thread, so that the test awaits a line or any other condition instead of
 * sleeping, and every failure shows what the child printed. Closing it kills the child if it is
 * still running. Thread-safe.
 *
 * <pre>{@code
 * try (ChildJvm child = ChildJvm.start("256m", MyCrashProbe.class, stateDir.toString())) {
 *   child.await(() -> fake.pendingJobs() >= 6, Duration.ofMinutes(1), "six jobs pending");
 *   child.kill(); // SIGKILL
 * }
 * }</pre>
 */
public final class ChildJvm implements AutoCloseable {

  /** How long a wait goes without checking a condition again when the child prints nothing. */
  private static final long RECHECK_MILLIS = 5;

  private final Process process;
  private final Thread reader;
  private final Object lock = new Object();
  private final List<String> lines = new ArrayList<>();
  private boolean outputEnded;

  private ChildJvm(Process process, String name) {
    this.process = process;
    this.reader = new Thread(this::read, "child-jvm-output-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code mainClass} in a child JVM on this JVM's class path (the test class path under
   * Surefire), with the serial collector.
   *
   * @param heap the child's maximum heap, as {@code -Xmx} takes it: {@code "256m"}
   * @param mainClass a class with a {@code main} method
   * @param args the arguments of {@code main}
   * @return the running child
   * @throws IOException when the child cannot be started
   */
  public static ChildJvm start(String heap, Class<?> mainClass, String... args) throws IOException {
    Process process = new ProcessBuilder(command(heap, mainClass, args)).redirectErrorStream(true).start();
    return new ChildJvm(process, mainClass.getSimpleName());
  }

  /**
   * {@return the command that starts {@code mainClass} as {@link #start} does}: for a test that
   * must read the process's output itself.
   *
   * @param heap the child's maximum heap, as {@code -Xmx} takes it: {@code "256m"}
   * @param mainClass a class with a {@code main} method
   * @param args the arguments of {@code main}
   */
  public static List<String> command(String heap, Class<?> mainClass, String... args) {
    Objects.requireNonNull(heap, "heap");
    Objects.requireNonNull(mainClass, "mainClass");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseSerialGC", "-cp", classpath,
        mainClass.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /** {@return the child process} */
  public Process process() {
    return process;
  }

  /** {@return the lines the child has printed so far, standard error among them} */
  public List<String> lines() {
    synchronized (lock) {
      return List.copyOf(lines);
    }
  }

  /** {@return what the child has printed so far, a line each} */
  public String output() {
    synchronized (lock) {
      StringBuilder sb = new StringBuilder();
      lines.forEach(line -> sb.append(line).append('\n'));
      return sb.toString();
    }
  }

  /** {@return whether the child is still running} */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until {@code condition} holds, checking it again whenever the child prints a line and
   * at least every few milliseconds.
   *
   * @param condition what to wait for, such as the state of a fake the child writes to
   * @param timeout how long to wait at most
   * @param what the condition in words, for the failure message
   * @throws AssertionError when the child ends first, or when {@code timeout} passes (the child is
   *     then killed); the message shows what the child printed
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    if (!until(condition, timeout, what)) {
      throw new AssertionError("the child ended (exit code " + process.exitValue() + ") before " + what
          + "; it printed:\n" + output());
    }
  }

  /**
   * Waits until the child prints a line that {@code line} accepts, or ends.
   *
   * @param line which line to wait for, such as {@code "PAUSED"::equals}
   * @param timeout how long to wait at most
   * @return true when the child printed such a line, false when it ended without
   * @throws AssertionError when {@code timeout} passes first (the child is then killed); the
   *     message shows what the child printed
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public boolean awaitLine(Predicate<String> line, Duration timeout) throws InterruptedException {
    int[] checked = {0};
    return until(() -> {
      List<String> printed = lines();
      for (; checked[0] < printed.size(); checked[0]++) {
        if (line.test(printed.get(checked[0]))) {
          return true;
        }
      }
      return false;
    }, timeout, "a line it was expected to print");
  }

  /**
   * Waits for the child to end and for all it printed to be read.
   *
   * @param timeout how long to wait at most
   * @return true when the child ended in time, false when it is still running
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return false;
    }
    // The output ends when the child does, unless a process it started holds on to it.
    reader.join(10_000);
    return true;
  }

  /**
   * {@return the child's exit code: 137 when it was killed with SIGKILL (on Linux and macOS)}
   *
   * @throws IllegalStateException while the child is running
   */
  public int exitCode() {
    if (process.isAlive()) {
      throw new IllegalStateException("the child is still running; waitFor it first");
    }
    return process.exitValue();
  }

  /**
   * Kills the child with SIGKILL, as a crash would, and waits for it to end.
   *
   * @throws AssertionError when it has not ended a minute later
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!waitFor(Duration.ofMinutes(1))) {
      throw new AssertionError("the child did not end within a minute of SIGKILL");
    }
  }

  /** Kills the child if it is still running. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** True once {@code condition} holds; false when the child ended (and was read to the end) without. */
  private boolean until(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      synchronized (lock) {
        if (outputEnded && !process.isAlive()) {
          break;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          process.destroyForcibly();
          throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; the child printed:\n"
              + output());
        }
        lock.wait(Math.max(1, Math.min(RECHECK_MILLIS, TimeUnit.NANOSECONDS.toMillis(left))));
      }
    }
    return condition.getAsBoolean();
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (lock) {
          lines.add(line);
          lock.notifyAll();
        }
      }
    } catch (IOException e) {
      synchronized (lock) {
        lines.add("[output lost: " + e + "]");
      }
    } finally {
      synchronized (lock) {
        outputEnded = true;
        lock.notifyAll();
      }
    }
  }
}
