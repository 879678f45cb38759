package dev.sluice.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.source.DuckDb;
import dev.sluice.testkit.hubspot.HubSpotFake;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** 10,000 customers from a DuckDB mart into the HubSpot fake, twice, with changes in between. */
class HubSpotEndToEndTest {

  @Test
  void mirrorsAWarehouseTableIntoHubSpotContacts() throws Exception {
    try (HubSpotFake fake = HubSpotFake.start(); DuckDb warehouse = DuckDb.inMemory()) {
      Fakes.defineCustomerProperties(fake);
      warehouse.execute("create table customers as select"
          + " 'C-' || lpad(i::varchar, 5, '0') as customer_ref,"
          + " 'customer' || i || '@example.com' as email,"
          + " 'First' || i as first_name,"
          + " 'Last' || i as last_name,"
          + " ['free', 'starter', 'pro', 'enterprise'][i % 4 + 1] as plan,"
          + " (i % 100)::integer as score,"
          + " ((i * 37) % 100000 / 100.0)::decimal(12,2) as lifetime_value,"
          + " i % 3 = 0 as active,"
          + " timestamp '2025-01-01 00:00:00' + to_seconds(i * 60) as signed_up_at"
          + " from range(1, 10001) r(i)");
      Mapping mapping = Mapping.builder()
          .copy("email", "plan", "score", "signed_up_at")
          .rename("first_name", "firstname")
          .rename("last_name", "lastname")
          .convert("lifetime_value", "ltv", Convert.toDecimal(2))
          .rename("active", "is_active")
          .build();
      HubSpot hubspot = Fakes.contacts(fake).tier(HubSpotTier.ENTERPRISE).build();
      Sync sync = Sync.from(warehouse.query("select * from customers").key("customer_ref").orderByKey().build())
          .map(mapping).to(hubspot).named("customers-to-hubspot").mode(SyncMode.MIRROR).delivery(Fakes.FAST).build();

      SyncReport first = sync.run();

      assertThat(first.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(first.newRecords()).isEqualTo(10_000);
      assertThat(first.delivered()).isEqualTo(10_000);
      assertHolds(fake, warehouse, 10_000);

      warehouse.execute("update customers set plan = 'enterprise', score = 100 where customer_ref between 'C-00100' and 'C-00199'");
      warehouse.execute("delete from customers where customer_ref between 'C-09951' and 'C-10000'");
      warehouse.execute("insert into customers select 'C-2' || lpad(i::varchar, 4, '0'), 'new' || i || '@example.com',"
          + " 'New', 'Customer', 'free', 1, 0.5, true, timestamp '2026-11-27 08:00:00' from range(1, 26) r(i)");
      long requestsBefore = fake.requests();

      SyncReport second = sync.run();

      assertThat(second.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(second.newRecords()).isEqualTo(25);
      assertThat(second.changedRecords()).isEqualTo(100);
      assertThat(second.removedRecords()).isEqualTo(50);
      assertThat(second.unchanged()).isEqualTo(9_850);
      assertThat(fake.requests() - requestsBefore).as("requests for 175 changes: properties, upserts, read, archive")
          .isLessThanOrEqualTo(6);
      assertHolds(fake, warehouse, 9_975);
    }
  }

  /** What the fake holds is exactly the warehouse table, value for value. */
  private static void assertHolds(HubSpotFake fake, DuckDb warehouse, int expected) throws Exception {
    Map<String, Map<String, String>> held = fake.objectsBy("contacts", "external_id");
    assertThat(held).hasSize(expected);
    Map<String, Map<String, String>> rows = new HashMap<>();
    try (var connection = warehouse.dataSource().getConnection(); Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("select customer_ref, email, first_name, last_name, plan, score,"
            + " lifetime_value, active, epoch_ms(signed_up_at) as signed_up_ms from customers")) {
      while (rs.next()) {
        rows.put(rs.getString(1), Map.of(
            "email", rs.getString(2),
            "firstname", rs.getString(3),
            "lastname", rs.getString(4),
            "plan", rs.getString(5),
            "score", Integer.toString(rs.getInt(6)),
            "ltv", rs.getBigDecimal(7).setScale(2).toPlainString(),
            "is_active", Boolean.toString(rs.getBoolean(8)),
            "signed_up_at", Long.toString(rs.getLong(9))));
      }
    }
    assertThat(held.keySet()).isEqualTo(rows.keySet());
    rows.forEach((key, row) -> assertThat(held.get(key)).as(key).containsAllEntriesOf(row));
    assertThat(Instant.ofEpochMilli(Long.parseLong(held.get("C-00001").get("signed_up_at"))))
        .isEqualTo(Instant.parse("2025-01-01T00:01:00Z"));
    assertThat(new BigDecimal(held.get("C-00002").get("ltv"))).isEqualByComparingTo("0.74");
  }
}
