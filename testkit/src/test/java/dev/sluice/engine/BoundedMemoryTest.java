package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Memory is bounded by concurrency × batch size, not by the size of the source: five million
 * records go through mapping, diff and delivery in a JVM limited to 128 MiB of heap.
 */
class BoundedMemoryTest {

  @Test
  void syncsFiveMillionRecordsIn128MegabytesOfHeap() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process process = new ProcessBuilder(List.of(java, "-Xmx128m", "-XX:+UseSerialGC",
        "-Dlogback.configurationFile=logback-test.xml", "-cp", classpath,
        BoundedMemoryProbe.class.getName(), "5000000"))
        .redirectErrorStream(true)
        .start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread pump = new Thread(() -> copy(process.getInputStream(), output));
    pump.start();
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    pump.join(10_000);
    String printed = output.toString(StandardCharsets.UTF_8);

    assertThat(finished).as("probe finished; it printed:%n%s", printed).isTrue();
    assertThat(process.exitValue()).as("probe exit code; it printed:%n%s", printed).isZero();
    assertThat(printed).contains("delivered=5000000").doesNotContain("OutOfMemoryError");
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      out.writeBytes(("[output lost: " + e + "]").getBytes(StandardCharsets.UTF_8));
    }
  }
}
