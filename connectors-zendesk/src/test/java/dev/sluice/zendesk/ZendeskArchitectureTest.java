package dev.sluice.zendesk;

import dev.sluice.testkit.SluiceArchitecture;
import org.junit.jupiter.api.Test;

class ZendeskArchitectureTest {

  @Test
  void usesOnlyTheSluiceApi() {
    SluiceArchitecture.check("dev.sluice.zendesk");
  }
}
