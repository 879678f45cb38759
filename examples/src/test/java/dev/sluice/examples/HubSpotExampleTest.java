package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SyncReport;
import dev.sluice.source.DuckDb;
import dev.sluice.testkit.hubspot.HubSpotFake;
import dev.sluice.testkit.hubspot.HubSpotFake.Property;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubSpotExampleTest {

  @Test
  void theReadmeExampleMirrorsTheMartIntoContacts(@TempDir Path dir) {
    Path file = dir.resolve("warehouse.duckdb");
    try (DuckDb warehouse = DuckDb.open(file)) {
      warehouse.execute("create schema mart");
      warehouse.execute("create table mart.customers as select 'C-' || i as customer_ref,"
          + " 'c' || i || '@example.com' as email, 'First' || i as first_name, 'Last' || i as last_name,"
          + " 'pro' as plan, 12.5 as lifetime_value, timestamp '2026-01-01 00:00:00' as signed_up_at"
          + " from range(1, 251) r(i)");
    }
    try (HubSpotFake fake = HubSpotFake.start()) {
      fake.define("contacts", Property.string("external_id").unique(), Property.number("ltv"),
          Property.enumeration("plan", "free", "pro"), Property.datetime("signed_up_at"));

      SyncReport report = HubSpotExample.sync(file, fake.baseUrl(), HubSpotFake.DEFAULT_TOKEN, dir.resolve("state"));

      assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(report.delivered()).isEqualTo(250);
      assertThat(fake.objectsBy("contacts", "external_id").get("C-7"))
          .containsEntry("email", "c7@example.com").containsEntry("firstname", "First7").containsEntry("ltv", "12.50")
          .containsEntry("plan", "pro").containsEntry("signed_up_at", "1767225600000");
    }
  }
}
