package dev.sluice.hubspot;

import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.testkit.hubspot.HubSpotFake;
import dev.sluice.testkit.hubspot.HubSpotFake.Property;
import java.time.Duration;

/** Shared set-up of the HubSpot fake for these tests. */
final class Fakes {

  static final DeliveryPolicy FAST = DeliveryPolicy.custom().backoff(Duration.ofMillis(1), Duration.ofMillis(2)).build();

  private Fakes() {}

  /** Custom contact properties a warehouse sync typically writes: a unique external id, scores. */
  static void defineCustomerProperties(HubSpotFake fake) {
    fake.define("contacts",
        Property.string("external_id").unique(),
        Property.number("score"),
        Property.number("ltv"),
        Property.enumeration("plan", "free", "starter", "pro", "enterprise"),
        Property.multiSelect("interests", "billing", "api", "reports"),
        Property.bool("is_active"),
        Property.datetime("signed_up_at"));
  }

  static HubSpot.Builder contacts(HubSpotFake fake) {
    return HubSpot.builder("contacts").baseUrl(fake.baseUrl()).privateAppToken(HubSpotFake.DEFAULT_TOKEN)
        .idProperty("external_id");
  }
}
