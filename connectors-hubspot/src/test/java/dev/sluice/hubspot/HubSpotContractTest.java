package dev.sluice.hubspot;

import dev.sluice.Record;
import dev.sluice.destination.Destination;
import dev.sluice.testkit.DestinationContract;
import dev.sluice.testkit.hubspot.HubSpotFake;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

class HubSpotContractTest extends DestinationContract {

  private HubSpotFake fake;

  @Override
  protected Destination newDestination() {
    fake = HubSpotFake.start();
    Fakes.defineCustomerProperties(fake);
    return HubSpot.builder("contacts").baseUrl(fake.baseUrl()).privateAppToken(HubSpotFake.DEFAULT_TOKEN)
        .idProperty("external_id").build();
  }

  @Override
  protected Record validRecord(String key, int version) {
    return Record.builder(key).set("email", key + "@example.com").set("firstname", "Ada " + key)
        .set("score", version).set("ltv", new java.math.BigDecimal("12.50")).build();
  }

  @Override
  protected Optional<Record> invalidRecord(String key) {
    return Optional.of(Record.builder(key).set("email", "not-an-email").set("score", 1).build());
  }

  @Override
  protected Map<String, Map<String, Object>> contents() {
    Map<String, Map<String, Object>> contents = new LinkedHashMap<>();
    fake.objectsBy("contacts", "external_id").forEach((key, properties) -> {
      Map<String, Object> written = new LinkedHashMap<>(properties);
      written.keySet().removeIf(name -> name.startsWith("hs_")); // kept by HubSpot itself
      contents.put(key, written);
    });
    return contents;
  }

  @Override
  protected boolean failNextCallWith(int status) {
    if (status == 429) {
      fake.rateLimitNext("TEN_SECONDLY_ROLLING");
    } else {
      fake.respondNext(status, "{\"status\":\"error\",\"message\":\"scripted\",\"category\":\""
          + (status == 400 ? "VALIDATION_ERROR" : "INTERNAL_ERROR") + "\"}");
    }
    return true;
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Override
  protected boolean reportsNotFoundAndAlreadyExists() {
    return true;
  }
}
