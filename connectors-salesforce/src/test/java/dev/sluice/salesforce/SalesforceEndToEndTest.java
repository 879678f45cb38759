package dev.sluice.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.map.Mapping;
import dev.sluice.source.DuckDb;
import dev.sluice.testkit.salesforce.SalesforceFake;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 50,000 customers from a DuckDB mart into Salesforce Contacts, twice, with changes and deletes in
 * between: the first run goes through Bulk API 2.0 jobs, the second through sObject Collections,
 * and what the fake holds is checked field by field against the table.
 */
class SalesforceEndToEndTest {

  private static final int ROWS = 50_000;

  @Test
  void mirrorsAWarehouseTableIntoContactsThroughBothPaths() throws Exception {
    try (SalesforceFake fake = SalesforceFake.start(); DuckDb warehouse = DuckDb.inMemory();
        Salesforce contacts = Fakes.contacts(fake).build()) {
      warehouse.execute("create table customers as select"
          + " 'C-' || lpad(i::varchar, 6, '0') as customer_ref,"
          + " 'First' || i as first_name,"
          + " 'Last, ' || i as last_name,"
          + " 'customer' || i || '@example.com' as email,"
          + " ['Free', 'Starter', 'Pro', 'Enterprise'][i % 4 + 1] as plan,"
          + " (i % 100)::integer as score,"
          + " ((i * 37) % 100000 / 100.0)::decimal(12,2) as lifetime_value,"
          + " ((i % 1000) / 10.0)::decimal(5,2) as churn_risk,"
          + " i % 3 = 0 as active,"
          + " timestamptz '2025-01-01 00:00:00+00' + to_seconds(i * 60) as signed_up_at,"
          + " date '1960-01-01' + (i % 15000)::integer as birthdate,"
          + " case when i % 7 = 0 then 'says \"hi\", then' || chr(10) || 'leaves 🎉' when i % 11 = 0 then null"
          + " else 'note ' || i end as notes"
          + " from range(1, " + (ROWS + 1) + ") r(i)");
      Mapping mapping = Mapping.builder()
          .rename("first_name", "FirstName").rename("last_name", "LastName").rename("email", "Email")
          .rename("plan", "Plan__c").rename("score", "Score__c").rename("lifetime_value", "Lifetime_Value__c")
          .rename("churn_risk", "Churn_Risk__c").rename("active", "Is_Active__c")
          .rename("signed_up_at", "Signed_Up_At__c").rename("birthdate", "Birthdate").rename("notes", "Notes__c")
          .build();
      Sync sync = Sync.from(warehouse.query("select * from customers").key("customer_ref").orderByKey().build())
          .map(mapping).to(contacts).named("customers-to-salesforce").mode(SyncMode.MIRROR).build();

      int requestsBefore = fake.requests().size();
      SyncReport first = sync.run();

      assertThat(first.status()).as(first.summary()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(first.requests().requests()).as("every request counted, job polls on the poller thread included")
          .isEqualTo(fake.requests().size() - requestsBefore);
      assertThat(first.delivered()).isEqualTo(ROWS);
      assertThat(fake.jobStates()).as("one Bulk job per batch of 10,000").hasSize(5);
      assertThat(fake.jobStates().values()).containsOnly("JobComplete");
      assertHolds(fake, warehouse, ROWS);
      long callsAfterFirst = fake.apiCalls();

      warehouse.execute("update customers set plan = 'Enterprise', score = 100, notes = null"
          + " where customer_ref between 'C-000100' and 'C-000399'");
      warehouse.execute("delete from customers where customer_ref > 'C-049900'");
      warehouse.execute("insert into customers select 'C-9' || lpad(i::varchar, 5, '0'), 'New', 'Customer ' || i,"
          + " 'new' || i || '@example.com', 'Free', 1, 0.5, 1.25, true, timestamptz '2026-12-01 08:00:00+00',"
          + " date '2000-02-29', 'fresh, \"quoted\"' from range(1, 51) r(i)");

      int requestsBeforeSecond = fake.requests().size();
      SyncReport second = sync.run();

      assertThat(second.status()).as(second.summary()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(second.requests().requests()).isEqualTo(fake.requests().size() - requestsBeforeSecond);
      assertThat(second.newRecords()).isEqualTo(50);
      assertThat(second.changedRecords()).isEqualTo(300);
      assertThat(second.removedRecords()).isEqualTo(100);
      assertThat(fake.jobStates()).as("small changes go through Collections").hasSize(5);
      assertThat(fake.apiCalls() - callsAfterFirst).as("describe, 2 upserts, 1 Id query, 1 delete").isLessThanOrEqualTo(6);
      assertHolds(fake, warehouse, ROWS - 100 + 50);
    }
  }

  /** What the fake holds is exactly the warehouse table, value for value. */
  private static void assertHolds(SalesforceFake fake, DuckDb warehouse, int expected) throws Exception {
    Map<String, Map<String, Object>> held = fake.recordsBy("Contact", "Customer_Id__c");
    assertThat(held).hasSize(expected);
    Map<String, Map<String, Object>> rows = new HashMap<>();
    try (var connection = warehouse.dataSource().getConnection(); Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("select customer_ref, first_name, last_name, email, plan, score,"
            + " lifetime_value, churn_risk, active, signed_up_at, birthdate, notes from customers")) {
      while (rs.next()) {
        Map<String, Object> row = new HashMap<>();
        row.put("FirstName", rs.getString(2));
        row.put("LastName", rs.getString(3));
        row.put("Email", rs.getString(4));
        row.put("Plan__c", rs.getString(5));
        row.put("Score__c", new BigDecimal(rs.getInt(6)));
        row.put("Lifetime_Value__c", rs.getBigDecimal(7).setScale(2));
        row.put("Churn_Risk__c", rs.getBigDecimal(8).setScale(2));
        row.put("Is_Active__c", rs.getBoolean(9));
        row.put("Signed_Up_At__c", rs.getObject(10, java.time.OffsetDateTime.class).toInstant());
        row.put("Birthdate", rs.getObject(11, java.time.LocalDate.class));
        row.put("Notes__c", rs.getString(12));
        rows.put(rs.getString(1), row);
      }
    }
    assertThat(held.keySet()).isEqualTo(rows.keySet());
    rows.forEach((key, row) -> {
      Map<String, Object> fields = held.get(key);
      row.forEach((field, value) -> assertThat(fields.get(field)).as("%s.%s", key, field).isEqualTo(value));
    });
  }
}
