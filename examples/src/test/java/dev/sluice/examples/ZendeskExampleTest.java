package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.SyncReport;
import dev.sluice.source.DuckDb;
import dev.sluice.testkit.zendesk.ZendeskFake;
import dev.sluice.testkit.zendesk.ZendeskFake.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZendeskExampleTest {

  @Test
  void theReadmeExampleSyncsAccountsAndCustomersIntoZendesk(@TempDir Path dir) {
    Path file = dir.resolve("warehouse.duckdb");
    try (DuckDb warehouse = DuckDb.open(file)) {
      warehouse.execute("create schema mart");
      warehouse.execute("create table mart.accounts as select 'A-' || i as account_ref, 'Account ' || i as account_name,"
          + " 'EU' as region from range(1, 4) r(i)");
      warehouse.execute("create table mart.customers as select 'C-' || i as customer_ref,"
          + " 'c' || i || '@example.com' as email, 'Customer ' || i as full_name, 'pro' as plan,"
          + " 80 as health_score, 12.5 as lifetime_value, 'A-' || (i % 3 + 1) as account_ref from range(1, 251) r(i)");
    }
    try (ZendeskFake fake = ZendeskFake.start().jobDuration(Duration.ofMillis(5), Duration.ofMillis(5))) {
      fake.organizationFields(Field.text("region"))
          .userFields(Field.dropdown("plan", "free", "pro"), Field.integer("health"), Field.decimal("ltv"));

      List<SyncReport> reports = ZendeskExample.sync(file, fake.baseUrl(), ZendeskFake.DEFAULT_EMAIL,
          ZendeskFake.DEFAULT_API_TOKEN, dir.resolve("state"));

      assertThat(reports).allSatisfy(r -> assertThat(r.status()).isEqualTo(SyncReport.Status.SUCCEEDED));
      assertThat(reports.get(1).delivered()).isEqualTo(250);
      Map<String, Object> user = fake.usersByExternalId().get("C-7");
      assertThat(user).containsEntry("email", "c7@example.com").containsEntry("name", "Customer 7");
      assertThat(((Number) user.get("organization_id")).longValue()).isEqualTo(fake.organizationId("A-2"));
      assertThat(user.get("user_fields").toString()).contains("plan=pro").contains("health=80").contains("ltv=12.5");
    }
  }
}
