package dev.sluice.zendesk;

import dev.sluice.RunContext;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.destination.BatchResult;
import dev.sluice.observe.SyncListener;
import dev.sluice.state.FileStateStore;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.zendesk.ZendeskFake;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Syncs {@code count} users into a Zendesk fake run by the parent JVM, with file state; started
 * (and killed) by {@link ZendeskCrashTest}. Arguments: the fake's base URL, the state directory,
 * the number of users. Exits 0 when the run succeeded.
 */
public final class ZendeskCrashProbe {

  private ZendeskCrashProbe() {}

  public static void main(String[] args) {
    String baseUrl = args[0];
    Path stateDir = Path.of(args[1]);
    int count = Integer.parseInt(args[2]);
    try (Zendesk users = Zendesk.users().baseUrl(baseUrl)
        .apiToken(ZendeskFake.DEFAULT_EMAIL, ZendeskFake.DEFAULT_API_TOKEN)
        .plan(ZendeskPlan.ENTERPRISE_PLUS)
        .pollInterval(Duration.ofMillis(50))
        .maxPollDelay(Duration.ofMillis(200))
        .build()) {
      SyncReport report = Sync.from(source(count)).to(users).named("zendesk-crash")
          .state(FileStateStore.in(stateDir)).concurrency(12)
          .listener(new SyncListener() {
            @Override
            public void onBatchCompleted(RunContext run, BatchResult result) {
              // Called once the batch's outcomes are journaled.
              System.out.println("CONFIRMED " + result.succeededCount());
            }
          })
          .build().run();
      System.out.println("REPORT " + report.summary());
      System.exit(report.status() == SyncReport.Status.SUCCEEDED ? 0 : 1);
    }
  }

  /** The same users every time. */
  static InMemorySource source(int count) {
    InMemorySource source = InMemorySource.create();
    for (int i = 1; i <= count; i++) {
      source.put("crash-" + i, java.util.Map.of("name", "Crash User " + i, "email", "crash" + i + "@example.com",
          "score", i % 1000));
    }
    return source;
  }
}
