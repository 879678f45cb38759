package dev.sluice.zendesk;

import dev.sluice.testkit.SluiceArchitecture;
import org.junit.jupiter.api.Test;

class ZendeskArchitectureTest {

  @Test
  void usesOnlyTheSluiceApi() {
    SluiceArchitecture.checkModule("dev.sluice.zendesk");
  }
}
