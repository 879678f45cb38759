package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickstartTest {

  @Test
  void showsEverythingThenOnlyTheChangesThenNothing() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Quickstart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out)
        .contains("SUCCEEDED: read 10000, added 10000, updated 0, deleted 0, unchanged 0, delivered 10000, failed 0")
        .contains("SUCCEEDED: read 10000, added 1, updated 3, deleted 1, unchanged 9996, delivered 5, failed 0")
        .contains("SUCCEEDED: read 10000, added 0, updated 0, deleted 0, unchanged 10000, delivered 0, failed 0")
        .contains("The destination holds 10000 customers.");
  }
}
