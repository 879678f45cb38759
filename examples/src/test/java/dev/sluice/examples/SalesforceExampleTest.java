package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SyncReport;
import dev.sluice.salesforce.SalesforceAuth;
import dev.sluice.source.DuckDb;
import dev.sluice.testkit.salesforce.SalesforceFake;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SalesforceExampleTest {

  @Test
  void theReadmeExampleMirrorsTheMartIntoContacts(@TempDir Path dir) {
    Path file = dir.resolve("warehouse.duckdb");
    try (DuckDb warehouse = DuckDb.open(file)) {
      warehouse.execute("create schema mart");
      warehouse.execute("create table mart.customers as select 'C-' || i as customer_ref,"
          + " 'First' || i as first_name, 'Last' || i as last_name, 'c' || i || '@example.com' as email,"
          + " 'Pro' as plan, 12.5 as lifetime_value, timestamp '2026-01-01 00:00:00' as signed_up_at"
          + " from range(1, 2501) r(i)");
    }
    try (SalesforceFake fake = SalesforceFake.start()) {
      SalesforceAuth auth = SalesforceAuth.jwtBearer(SalesforceFake.CONSUMER_KEY, SalesforceFake.USERNAME,
          fake.privateKeyPem()).loginUrl(fake.loginUrl());

      SyncReport report = SalesforceExample.sync(file, auth, dir.resolve("state"));

      assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(report.delivered()).isEqualTo(2_500);
      assertThat(fake.jobStates()).as("2,500 changes: one Bulk job").hasSize(1);
      assertThat(fake.recordsBy("Contact", "Customer_Id__c").get("C-7"))
          .containsEntry("Email", "c7@example.com").containsEntry("FirstName", "First7")
          .containsEntry("LastName", "Last7").containsEntry("Plan__c", "Pro")
          .containsEntry("Lifetime_Value__c", new BigDecimal("12.50"))
          .containsEntry("Signed_Up_At__c", Instant.parse("2026-01-01T00:00:00Z"));
    }
  }
}
