package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {

  @Test
  void sendsEverythingThenNothingThenOnlyTheChangedRows(@TempDir Path dir) throws Exception {
    String first = run(dir.resolve("warehouse.duckdb"));

    assertThat(first)
        .contains("Created the demo warehouse")
        .contains("SUCCEEDED: read 100000, added 100000, updated 0, deleted 0, unchanged 0, delivered 100000, failed 0")
        .contains("SUCCEEDED: read 100000, added 0, updated 0, deleted 0, unchanged 100000, delivered 0, failed 0")
        .contains("SUCCEEDED: read 100000, added 0, updated 3, deleted 0, unchanged 99997, delivered 3, failed 0")
        .contains("-> UPSERT 1 {email=customer1@example.com, full_name=Customer 1, plan=starter, ltv=12.34, score=32,")
        .contains("The destination received 100000 distinct customers in this invocation.");

    String second = run(dir.resolve("warehouse.duckdb"));

    assertThat(second).contains("Using the demo warehouse")
        .contains("SUCCEEDED: read 100000, added 0, updated 0, deleted 0, unchanged 100000, delivered 0, failed 0")
        .contains("added 0, updated 3, deleted 0, unchanged 99997, delivered 3")
        .contains("The destination received 3 distinct customers in this invocation.");
  }

  private static String run(Path warehouse) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Quickstart.run(warehouse, 3, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
