package dev.sluice.examples;

import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.source.DuckDb;
import dev.sluice.state.FileStateStore;
import dev.sluice.zendesk.Zendesk;
import dev.sluice.zendesk.ZendeskPlan;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's Zendesk example, kept compiling: warehouse accounts mirrored into Zendesk
 * organizations, then customers into users with their plan, health score and lifetime value, each
 * user in their account's organization. Needs {@code ZENDESK_SUBDOMAIN}, {@code ZENDESK_EMAIL} and
 * {@code ZENDESK_TOKEN}, and {@code mart.accounts} and {@code mart.customers} tables; the tests run
 * the same syncs against the Zendesk fake instead.
 */
public final class ZendeskExample {

  private ZendeskExample() {}

  public static void main(String[] args) {
    List<SyncReport> reports = sync(Path.of(args.length > 0 ? args[0] : "warehouse.duckdb"),
        "https://" + System.getenv("ZENDESK_SUBDOMAIN") + ".zendesk.com", System.getenv("ZENDESK_EMAIL"),
        System.getenv("ZENDESK_TOKEN"), Path.of("sluice-state"));
    reports.forEach(report -> System.out.println(report.summary()));
  }

  static List<SyncReport> sync(Path warehouseFile, String baseUrl, String email, String token, Path stateDirectory) {
    try (DuckDb warehouse = DuckDb.open(warehouseFile);
        Zendesk organizations = Zendesk.organizations()
            .baseUrl(baseUrl)                          // or .subdomain("acme") for https://acme.zendesk.com
            .apiToken(email, token)                    // {email}/token:{token}; or .oauthToken(accessToken)
            .plan(ZendeskPlan.ENTERPRISE)              // 700 requests per minute to start with
            .build();
        Zendesk users = Zendesk.users()
            .baseUrl(baseUrl)
            .apiToken(email, token)
            .plan(ZendeskPlan.ENTERPRISE)
            .rateLimit(organizations.rateLimit())      // one account, one budget
            .build()) {

      SyncReport accounts = Sync.from(warehouse.query("select * from mart.accounts")
              .key("account_ref")                    // becomes the organization's external_id
              .orderByKey()
              .build())
          .map(Mapping.builder()
              .rename("account_name", "name")
              .copy("region")                        // an organization field
              .build())
          .to(organizations)
          .named("accounts-to-zendesk")
          .mode(SyncMode.MIRROR)                     // accounts gone from the mart are deleted
          .state(FileStateStore.in(stateDirectory))
          .build()
          .run();

      SyncReport customers = Sync.from(warehouse.query("select * from mart.customers")
              .key("customer_ref")                   // becomes the user's external_id
              .orderByKey()
              .build())
          .map(Mapping.builder()
              .copy("email")                         // checked before sending
              .rename("full_name", "name")
              .copy("plan")                          // a dropdown user field: values checked against its options
              .rename("health_score", "health")      // an integer user field
              .convert("lifetime_value", "ltv", Convert.toDecimal(2))
              .rename("account_ref", Zendesk.ORGANIZATION_EXTERNAL_ID) // membership by the organization's external id
              .build())
          .to(users)
          .named("customers-to-zendesk")
          .mode(SyncMode.UPSERT)
          .concurrency(Zendesk.MAX_JOBS)             // one batch in flight per Zendesk job, up to 30
          .state(FileStateStore.in(stateDirectory))
          .build()
          .run();
      return List.of(accounts, customers);
    }
  }
}
