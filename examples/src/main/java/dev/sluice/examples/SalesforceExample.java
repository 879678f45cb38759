package dev.sluice.examples;

import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.salesforce.Salesforce;
import dev.sluice.salesforce.SalesforceAuth;
import dev.sluice.source.DuckDb;
import dev.sluice.state.FileStateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The README's Salesforce example, kept compiling: a warehouse table mirrored into Contacts,
 * signed in with the JWT bearer flow. Needs {@code SF_CONSUMER_KEY}, {@code SF_USERNAME} and
 * {@code SF_PRIVATE_KEY} (the path of the certificate's PKCS#8 key) and a {@code mart.customers}
 * table; the tests run the same sync against the Salesforce fake instead.
 */
public final class SalesforceExample {

  private SalesforceExample() {}

  public static void main(String[] args) throws IOException {
    SalesforceAuth auth = SalesforceAuth.jwtBearer(
        System.getenv("SF_CONSUMER_KEY"),                    // the connected app's consumer key
        System.getenv("SF_USERNAME"),                        // the integration user, pre-approved for the app
        Files.readString(Path.of(System.getenv("SF_PRIVATE_KEY"))));  // the certificate's private key
    SyncReport report = sync(Path.of(args.length > 0 ? args[0] : "warehouse.duckdb"), auth, Path.of("sluice-state"));
    System.out.println(report.summary());
  }

  static SyncReport sync(Path warehouseFile, SalesforceAuth auth, Path stateDirectory) {
    try (DuckDb warehouse = DuckDb.open(warehouseFile);
        Salesforce contacts = Salesforce.builder("Contact")
            .externalIdField("Customer_Id__c")         // an External ID field; its value is the record key
            .auth(auth)
            .bulkThreshold(2_000)                      // batches from 2,000 records go to Bulk API 2.0 (the default)
            .apiReserve(0.2)                           // leave a fifth of the org's daily API calls to others
            .build()) {

      Mapping mapping = Mapping.builder()
          .rename("first_name", "FirstName")
          .rename("last_name", "LastName")             // required on Contact: a new contact without it fails
          .rename("email", "Email")
          .rename("plan", "Plan__c")                   // a restricted picklist: values are checked
          .convert("lifetime_value", "Lifetime_Value__c", Convert.toDecimal(2))
          .rename("signed_up_at", "Signed_Up_At__c")   // a datetime: sent as ISO-8601 UTC
          .build();

      return Sync.from(warehouse.query("select * from mart.customers")
              .key("customer_ref")                   // becomes Customer_Id__c in Salesforce
              .orderByKey()
              .build())
          .map(mapping)
          .to(contacts)
          .named("customers-to-salesforce")
          .mode(SyncMode.MIRROR)                     // customers gone from the mart are deleted
          .batchSize(Salesforce.BULK_JOB_RECORDS)    // lets large runs use Bulk jobs of 10,000 records
          .state(FileStateStore.in(stateDirectory))
          .build()
          .run();
    }
  }
}
