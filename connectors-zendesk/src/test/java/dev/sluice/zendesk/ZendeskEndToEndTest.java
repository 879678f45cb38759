package dev.sluice.zendesk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.source.DuckDb;
import dev.sluice.testkit.zendesk.ZendeskFake;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 20,000 users and 40 organizations from a DuckDB mart into the Zendesk fake, then again with
 * changes, new rows and deletes; what the fake holds is compared with the tables field by field.
 */
class ZendeskEndToEndTest {

  @Test
  void mirrorsAWarehouseTableIntoZendeskUsersWithTheirOrganizations() throws Exception {
    try (ZendeskFake fake = Fakes.start().rateLimit(100_000); DuckDb warehouse = DuckDb.inMemory()) {
      warehouse.execute("create table accounts as select 'ACC-' || i as account_ref, 'Account ' || i as account_name,"
          + " ['EU', 'US', 'APAC'][i % 3 + 1] as region from range(1, 41) r(i)");
      warehouse.execute("create table customers as select"
          + " 'C-' || lpad(i::varchar, 5, '0') as customer_ref,"
          + " 'customer' || i || '@example.com' as email,"
          + " 'Customer ' || i as full_name,"
          + " ['free', 'pro', 'enterprise'][i % 3 + 1] as plan,"
          + " (i % 100)::integer as health_score,"
          + " ((i * 37) % 100000 / 100.0)::decimal(12,2) as lifetime_value,"
          + " i % 7 = 0 as at_risk,"
          + " date '2027-01-01' + (i % 365)::integer as renewal,"
          + " 'ACC-' || (i % 40 + 1) as account_ref,"
          + " case when i % 5 = 0 then 'vip warehouse' else 'warehouse' end as labels"
          + " from range(1, 20001) r(i)");
      Zendesk organizations = Fakes.organizations(fake).plan(ZendeskPlan.ENTERPRISE_PLUS).build();
      Sync accounts = Sync.from(warehouse.query("select * from accounts").key("account_ref").orderByKey().build())
          .map(Mapping.builder().rename("account_name", "name").copy("region").build())
          .to(organizations).named("accounts-to-zendesk").mode(SyncMode.UPSERT).build();
      Zendesk users = Fakes.users(fake).plan(ZendeskPlan.ENTERPRISE_PLUS).build();
      Mapping mapping = Mapping.builder()
          .copy("email", "plan")
          .rename("full_name", "name")
          .rename("health_score", "score")
          .convert("lifetime_value", "ltv", Convert.toDecimal(2))
          .rename("at_risk", "churn_risk")
          .rename("renewal", "renewal_date")
          .rename("account_ref", Zendesk.ORGANIZATION_EXTERNAL_ID)
          .rename("labels", "tags")
          .build();
      Sync sync = Sync.from(warehouse.query("select * from customers").key("customer_ref").orderByKey().build())
          .map(mapping).to(users).named("customers-to-zendesk").mode(SyncMode.MIRROR).concurrency(30).build();

      assertThat(accounts.run().delivered()).isEqualTo(40);
      long requestsBeforeFirst = fake.requests();
      SyncReport first = sync.run();

      assertThat(first.status()).as(first.summary()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(first.requests().requests()).as("every request counted, job polls on the poller thread included")
          .isEqualTo(fake.requests() - requestsBeforeFirst);
      assertThat(first.delivered()).isEqualTo(20_000);
      assertThat(fake.maxActiveJobs()).isLessThanOrEqualTo(ZendeskFake.MAX_JOBS);
      assertHolds(fake, warehouse, 20_000);

      warehouse.execute("update customers set plan = 'enterprise', health_score = 100, account_ref = 'ACC-1'"
          + " where customer_ref between 'C-00100' and 'C-00299'");
      warehouse.execute("delete from customers where customer_ref between 'C-19901' and 'C-20000'");
      warehouse.execute("insert into customers select 'C-3' || lpad(i::varchar, 4, '0'), 'new' || i || '@example.com',"
          + " 'New ' || i, 'free', 1, 0.5, false, date '2027-06-30', 'ACC-2', 'new' from range(1, 51) r(i)");
      long requestsBefore = fake.requests();

      SyncReport second = sync.run();

      assertThat(second.status()).as(second.summary()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(second.requests().requests()).isEqualTo(fake.requests() - requestsBefore);
      assertThat(second.newRecords()).isEqualTo(50);
      assertThat(second.changedRecords()).isEqualTo(200);
      assertThat(second.removedRecords()).isEqualTo(100);
      assertThat(second.unchanged()).isEqualTo(19_700);
      assertThat(fake.requests() - requestsBefore)
          .as("fields, an org lookup, 3 upserts, a lookup and a delete for 100, and their polls").isLessThanOrEqualTo(20);
      assertHolds(fake, warehouse, 19_950);
    }
  }

  /** What the fake holds is exactly the warehouse table, value for value. */
  @SuppressWarnings("unchecked")
  private static void assertHolds(ZendeskFake fake, DuckDb warehouse, int expected) throws Exception {
    Map<String, Map<String, Object>> held = fake.usersByExternalId();
    assertThat(held).hasSize(expected);
    Map<String, Map<String, Object>> rows = new HashMap<>();
    try (var connection = warehouse.dataSource().getConnection(); Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("select customer_ref, email, full_name, plan, health_score, lifetime_value,"
            + " at_risk, strftime(renewal, '%Y-%m-%d'), account_ref, labels from customers")) {
      while (rs.next()) {
        Map<String, Object> row = new HashMap<>();
        row.put("email", rs.getString(2));
        row.put("name", rs.getString(3));
        row.put("plan", rs.getString(4));
        row.put("score", (long) rs.getInt(5));
        row.put("ltv", rs.getBigDecimal(6));
        row.put("churn_risk", rs.getBoolean(7));
        row.put("renewal_date", rs.getString(8) + "T00:00:00+00:00");
        row.put("organization", rs.getString(9));
        row.put("tags", List.of(rs.getString(10).split(" ")));
        rows.put(rs.getString(1), row);
      }
    }
    assertThat(held.keySet()).isEqualTo(rows.keySet());
    rows.forEach((key, row) -> {
      Map<String, Object> user = held.get(key);
      Map<String, Object> fields = (Map<String, Object>) user.get("user_fields");
      assertThat(user.get("email")).as(key).isEqualTo(row.get("email"));
      assertThat(user.get("name")).as(key).isEqualTo(row.get("name"));
      assertThat(user.get("role")).as(key).isEqualTo("end-user");
      assertThat(user.get("tags")).as(key).isEqualTo(row.get("tags"));
      assertThat(fields.get("plan")).as(key).isEqualTo(row.get("plan"));
      assertThat(((Number) fields.get("score")).longValue()).as(key).isEqualTo(row.get("score"));
      assertThat(new BigDecimal(fields.get("ltv").toString())).as(key).isEqualByComparingTo((BigDecimal) row.get("ltv"));
      assertThat(fields.get("churn_risk")).as(key).isEqualTo(row.get("churn_risk"));
      assertThat(fields.get("renewal_date")).as(key).isEqualTo(row.get("renewal_date"));
      assertThat(((Number) user.get("organization_id")).longValue()).as(key)
          .isEqualTo(fake.organizationId((String) row.get("organization")));
    });
  }
}
