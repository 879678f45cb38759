package dev.sluice.webhook;

import dev.sluice.testkit.SluiceArchitecture;
import org.junit.jupiter.api.Test;

class WebhookArchitectureTest {

  @Test
  void usesOnlyTheSluiceApi() {
    SluiceArchitecture.checkModule("dev.sluice.webhook");
  }
}
