package dev.sluice.examples;

import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.state.FileStateStore;
import dev.sluice.delivery.RateLimitRegistry;
import dev.sluice.hubspot.HubSpot;
import dev.sluice.hubspot.HubSpotTier;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.source.DuckDb;
import java.nio.file.Path;

/**
 * The README's HubSpot example, kept compiling: a warehouse table mirrored into HubSpot contacts.
 * Needs a HubSpot private app token in {@code HUBSPOT_TOKEN} and a {@code mart.customers} table;
 * the tests run the same sync against the HubSpot fake instead.
 */
public final class HubSpotExample {

  private HubSpotExample() {}

  public static void main(String[] args) {
    SyncReport report = sync(Path.of(args.length > 0 ? args[0] : "warehouse.duckdb"), HubSpot.DEFAULT_BASE_URL,
        System.getenv("HUBSPOT_TOKEN"), Path.of("sluice-state"));
    System.out.println(report.summary());
  }

  /** The application's rate-limit budgets, one per API account, shared by every sync. */
  static final RateLimitRegistry BUDGETS = RateLimitRegistry.create();

  static SyncReport sync(Path warehouseFile, String baseUrl, String token, Path stateDirectory) {
    try (DuckDb warehouse = DuckDb.open(warehouseFile);
        HubSpot contacts = HubSpot.builder("contacts")
            .baseUrl(baseUrl)
            .privateAppToken(token)
            .idProperty("external_id")                 // a property with unique values; its value is the record key
            .tier(HubSpotTier.PROFESSIONAL)            // 190 requests per 10 s to start with
            .portal("1234567", BUDGETS)                // syncs to the same account share one budget
            .build()) {

      Mapping mapping = Mapping.builder()
          .copy("email")
          .rename("first_name", "firstname")
          .rename("last_name", "lastname")
          .copy("plan")                              // an enumeration: values are checked against its options
          .convert("lifetime_value", "ltv", Convert.toDecimal(2))
          .copy("signed_up_at")                      // a datetime: sent as epoch milliseconds
          .build();

      return Sync.from(warehouse.query("select * from mart.customers")
              .key("customer_ref")                   // becomes external_id in HubSpot
              .orderByKey()
              .build())
          .map(mapping)
          .to(contacts)
          .named("customers-to-hubspot")
          .mode(SyncMode.MIRROR)                     // customers gone from the mart are archived
          .state(FileStateStore.in(stateDirectory))
          .build()
          .run();
    }
  }
}
