package dev.sluice.scheduler;

import dev.sluice.testkit.SluiceArchitecture;
import org.junit.jupiter.api.Test;

class SchedulerArchitectureTest {

  @Test
  void usesOnlyTheSluiceApi() {
    SluiceArchitecture.checkModule("dev.sluice.scheduler");
  }
}
