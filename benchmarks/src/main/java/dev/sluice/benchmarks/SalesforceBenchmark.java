package dev.sluice.benchmarks;

import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.map.Mapping;
import dev.sluice.salesforce.Salesforce;
import dev.sluice.salesforce.SalesforceAuth;
import dev.sluice.testkit.SyntheticSource;
import dev.sluice.testkit.salesforce.SalesforceFake;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Syncs generated contacts into the Salesforce fake through sObject Collections only, Bulk API 2.0
 * only, and the automatic choice, for each change count; prints wall time, records/s and API
 * calls per 10,000 records (every REST call the fake counts against the daily allocation: describe,
 * Collections requests, job create / upload / close / polls / result files). The fake processes a
 * closed Bulk job at once, so Bulk latency here is the destination's poll interval, not
 * Salesforce's queue.
 *
 * <p>Arguments: {@code [rounds=3] [changes...=10000 200000]}.
 */
final class SalesforceBenchmark {

  private SalesforceBenchmark() {}

  static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int[] counts = args.length <= 1 ? new int[] {10_000, 200_000} : new int[args.length - 1];
    for (int i = 1; i < args.length; i++) {
      counts[i - 1] = Integer.parseInt(args[i]);
    }
    System.out.printf("salesforce benchmark: generated contacts into the fake, batches of %,d, 4 in flight,"
        + " median of %d rounds after a warm-up%n", Salesforce.BULK_JOB_RECORDS, rounds);
    for (Salesforce.Path path : Salesforce.Path.values()) {
      run(10_000, path); // warm-up, not reported
    }
    System.out.printf("%10s  %-12s %10s %12s %10s %18s%n", "changes", "path", "wall s", "records/s", "API calls",
        "calls/10k records");
    for (int count : counts) {
      Map<Salesforce.Path, List<double[]>> results = new EnumMap<>(Salesforce.Path.class);
      Salesforce.Path[] paths = Salesforce.Path.values();
      for (int round = 0; round < rounds; round++) {
        for (int p = 0; p < paths.length; p++) {
          Salesforce.Path path = paths[(p + round) % paths.length]; // rotate the order: the machine is noisy
          results.computeIfAbsent(path, x -> new ArrayList<>()).add(run(count, path));
        }
      }
      results.forEach((path, list) -> {
        list.sort(Comparator.comparingDouble(r -> r[0]));
        double[] median = list.get(list.size() / 2);
        System.out.printf("%,10d  %-12s %10.2f %,12.0f %,10d %18.1f%n", count, path, median[0], count / median[0],
            (long) median[1], median[1] * 10_000.0 / count);
      });
    }
  }

  /** One run of {@code count} changes on {@code path}: wall seconds and API calls. */
  private static double[] run(int count, Salesforce.Path path) {
    Mapping mapping = Mapping.builder()
        .rename("name", "LastName").rename("email", "Email").rename("lifetime_value", "Lifetime_Value__c")
        .rename("lead_score", "Score__c").rename("active", "Is_Active__c").rename("signed_up_at", "Signed_Up_At__c")
        .rename("note", "Notes__c")
        .build();
    try (SalesforceFake fake = SalesforceFake.start().dailyApiLimit(10_000_000);
        Salesforce contacts = Salesforce.builder("Contact").externalIdField("Customer_Id__c")
            .auth(SalesforceAuth.clientCredentials(fake.instanceUrl(), SalesforceFake.CONSUMER_KEY,
                SalesforceFake.CONSUMER_SECRET))
            .path(path).build()) {
      SyncReport report = Sync.from(SyntheticSource.of(count)).map(mapping).to(contacts).named("bench-salesforce")
          .batchSize(Salesforce.BULK_JOB_RECORDS).concurrency(4).build().run();
      if (report.status() != SyncReport.Status.SUCCEEDED || report.delivered() != count) {
        throw new IllegalStateException(path + " run did not deliver everything: " + report.summary());
      }
      return new double[] {report.duration().toNanos() / 1e9, fake.apiCalls()};
    }
  }
}
