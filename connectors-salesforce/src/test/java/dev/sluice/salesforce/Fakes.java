package dev.sluice.salesforce;

import dev.sluice.RunContext;
import dev.sluice.SyncMode;
import dev.sluice.testkit.salesforce.SalesforceFake;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Shared set-up of the Salesforce fake for these tests. */
final class Fakes {

  /** Fields Salesforce keeps itself, left out when comparing what a sync wrote. */
  static final List<String> SYSTEM_FIELDS = List.of("Id", "CreatedDate", "LastModifiedDate", "Is_Active__c");

  private Fakes() {}

  /** Client credentials against the fake's My Domain. */
  static SalesforceAuth clientCredentials(SalesforceFake fake) {
    return SalesforceAuth.clientCredentials(fake.instanceUrl(), SalesforceFake.CONSUMER_KEY,
        SalesforceFake.CONSUMER_SECRET);
  }

  /** Contacts keyed by Customer_Id__c, quick to retry and poll. */
  static Salesforce.Builder contacts(SalesforceFake fake) {
    return Salesforce.builder("Contact").externalIdField("Customer_Id__c").auth(clientCredentials(fake))
        .retries(3, Duration.ofMillis(1), Duration.ofMillis(2))
        .pollInterval(Duration.ofMillis(2), Duration.ofMillis(20))
        .concurrencyWait(Duration.ofMillis(2));
  }

  /** Opens {@code destination} for a run of {@code mode} writing {@code fields}. */
  static void open(Salesforce destination, SyncMode mode, String... fields) {
    destination.open(new RunContext("test", "run-1", mode, false, List.of(fields)));
  }

  /** The contacts the fake holds by Customer_Id__c, without the fields Salesforce keeps itself. */
  static Map<String, Map<String, Object>> heldContacts(SalesforceFake fake) {
    Map<String, Map<String, Object>> contents = new TreeMap<>();
    fake.recordsBy("Contact", "Customer_Id__c").forEach((key, fields) -> {
      Map<String, Object> written = new TreeMap<>(fields);
      written.keySet().removeAll(SYSTEM_FIELDS);
      contents.put(key, written);
    });
    return contents;
  }
}
