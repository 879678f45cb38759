package dev.sluice.hubspot;

import dev.sluice.testkit.SluiceArchitecture;
import org.junit.jupiter.api.Test;

class HubSpotArchitectureTest {

  @Test
  void usesOnlyTheSluiceApi() {
    SluiceArchitecture.checkModule("dev.sluice.hubspot");
  }
}
