package dev.sluice.salesforce;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.state.FileStateStore;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.salesforce.SalesforceFake;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link SalesforceCrashTest}: syncs {@code count} contacts through Bulk API 2.0
 * jobs into the fake at {@code instanceUrl}, with its state in {@code stateDir}.
 */
public final class SalesforceCrashProbe {

  private SalesforceCrashProbe() {}

  /** Arguments: instance URL, state directory, record count. */
  public static void main(String[] args) {
    String instanceUrl = args[0];
    Path stateDir = Path.of(args[1]);
    int count = Integer.parseInt(args[2]);
    InMemorySource source = InMemorySource.ordered();
    for (int i = 0; i < count; i++) {
      source.put(record(i));
    }
    try (Salesforce contacts = Salesforce.builder("Contact").externalIdField("Customer_Id__c")
        .auth(SalesforceAuth.clientCredentials(instanceUrl, SalesforceFake.CONSUMER_KEY, SalesforceFake.CONSUMER_SECRET))
        .path(Salesforce.Path.BULK)
        .pollInterval(Duration.ofMillis(5), Duration.ofMillis(50))
        .build()) {
      SyncReport report = Sync.from(source).to(contacts).named("crash").state(FileStateStore.in(stateDir))
          .batchSize(500).concurrency(4).build().run();
      System.out.println(report.summary());
      System.exit(report.status() == SyncReport.Status.SUCCEEDED ? 0 : 1);
    }
  }

  /** The record the probe writes for index {@code i}. */
  static Record record(int i) {
    String key = String.format("K%05d", i);
    return Record.builder(key).set("LastName", "Crash " + i).set("Email", "k" + i + "@example.com").build();
  }
}
