package dev.sluice.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test classpath in a child JVM with its own heap limit. */
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
    Process process = start(heap, mainClass, args);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread pump = new Thread(() -> copy(process.getInputStream(), output));
    pump.start();
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    pump.join(10_000);
    return new Result(finished, finished ? process.exitValue() : -1, output.toString(StandardCharsets.UTF_8));
  }

  /** Starts {@code mainClass} in a child JVM; its standard error joins its output. */
  public static Process start(String heap, Class<?> mainClass, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-XX:+UseSerialGC", "-cp", classpath,
        mainClass.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      out.writeBytes(("[output lost: " + e + "]").getBytes(StandardCharsets.UTF_8));
    }
  }
}
