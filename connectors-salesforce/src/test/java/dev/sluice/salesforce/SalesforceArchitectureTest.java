package dev.sluice.salesforce;

import dev.sluice.testkit.SluiceArchitecture;
import org.junit.jupiter.api.Test;

class SalesforceArchitectureTest {

  @Test
  void usesOnlyTheSluiceApi() {
    SluiceArchitecture.checkModule("dev.sluice.salesforce");
  }
}
