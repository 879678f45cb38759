package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Memory is bounded by concurrency × batch size, not by the size of the source: five million
 * records go through mapping, diff and delivery in a JVM limited to 128 MiB of heap.
 */
class BoundedMemoryTest {

  @Test
  void syncsFiveMillionRecordsIn128MegabytesOfHeap() throws Exception {
    ForkedJvm.Result result = ForkedJvm.run("128m", BoundedMemoryProbe.class, "5000000");

    assertThat(result.finished).as("probe finished; it printed:%n%s", result.output).isTrue();
    assertThat(result.exitCode).as("probe exit code; it printed:%n%s", result.output).isZero();
    assertThat(result.output).contains("delivered=5000000").doesNotContain("OutOfMemoryError");
  }
}
