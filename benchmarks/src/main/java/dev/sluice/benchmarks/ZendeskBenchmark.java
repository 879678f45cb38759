package dev.sluice.benchmarks;

import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.map.Mapping;
import dev.sluice.testkit.SyntheticSource;
import dev.sluice.testkit.zendesk.ZendeskFake;
import dev.sluice.zendesk.Zendesk;
import dev.sluice.zendesk.ZendeskPlan;
import java.time.Duration;
import java.util.List;

/**
 * A sync of users into the Zendesk fake enforcing the Enterprise plan's 700 requests per rolling
 * minute, 100 users per {@code create_or_update_many} job, the 30-job cap, and jobs that take half
 * a second: a ceiling of 700 × 100 / 60 ≈ 1,167 users/s, less what the job polls take. It runs for
 * at least the given time and prints users/s over whole minutes after the first (a rolling window
 * lets the first 700 requests through at once) as a share of that ceiling, the polls, and the 429s.
 *
 * <p>Arguments: {@code [seconds=130]}.
 */
final class ZendeskBenchmark {

  private static final int LIMIT = 700;
  private static final Duration WINDOW = Duration.ofMinutes(1);
  private static final int PER_REQUEST = 100;
  private static final double CEILING = LIMIT * PER_REQUEST / (double) WINDOW.toSeconds();

  private ZendeskBenchmark() {}

  static void main(String[] args) {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 130;
    int records = (int) (CEILING * seconds);
    System.out.printf("zendesk benchmark: %,d users into the fake at %d requests per rolling minute, %d per job,"
        + " jobs of 0.5 s (ceiling %.0f users/s before polls)%n", records, LIMIT, PER_REQUEST, CEILING);
    try (ZendeskFake fake = ZendeskFake.start().rateLimit(LIMIT)
        .jobDuration(Duration.ofMillis(100), Duration.ofMillis(400))
        .userFields(ZendeskFake.Field.text("plan"), ZendeskFake.Field.text("country"),
            ZendeskFake.Field.decimal("lifetime_value"), ZendeskFake.Field.integer("lead_score"),
            ZendeskFake.Field.checkbox("active"))) {
      Zendesk users = Zendesk.users().baseUrl(fake.baseUrl())
          .apiToken(ZendeskFake.DEFAULT_EMAIL, ZendeskFake.DEFAULT_API_TOKEN)
          .plan(ZendeskPlan.ENTERPRISE)
          .build();
      Mapping mapping = Mapping.builder()
          .copy("email", "name", "plan", "country", "lifetime_value", "lead_score", "active")
          .build();

      SyncReport report = Sync.from(SyntheticSource.of(records)).map(mapping).to(users).named("bench-zendesk")
          .concurrency(Zendesk.MAX_JOBS).build().run();

      double runSeconds = report.duration().toNanos() / 1e9;
      List<ZendeskFake.Accepted> accepted = fake.accepted();
      long polls = accepted.stream().filter(a -> a.request.startsWith("GET /api/v2/job_statuses")).count();
      long total = fake.requests();
      System.out.printf("%s: %,d users delivered in %.1f s, %d requests (%d job polls, %d bulk writes),"
          + " %d answered 429, at most %d jobs in flight%n", report.status(), report.delivered(), runSeconds, total,
          polls, fake.jobsSubmitted(), fake.rateLimited() + fake.tooManyJobs(), fake.maxActiveJobs());
      Steady steady = steady(accepted);
      if (steady == null) {
        System.out.println("the run was shorter than two minutes: no whole minute after the first to measure");
      } else {
        double lessPolls = (LIMIT / (double) WINDOW.toSeconds() - steady.pollsPerSecond) * PER_REQUEST;
        System.out.printf("whole minutes after the first (%d): %.0f users/s = %.1f%% of the ceiling of %.0f users/s;"
            + " polls took %.1f%% of the requests, so the ceiling less the polls is %.0f users/s (%.1f%% of it"
            + " reached)%n", steady.minutes, steady.usersPerSecond, 100 * steady.usersPerSecond / CEILING, CEILING,
            100 * steady.pollsPerSecond / steady.requestsPerSecond, lessPolls, 100 * steady.usersPerSecond / lessPolls);
      }
      long start = accepted.get(0).nanoTime;
      StringBuilder at = new StringBuilder();
      fake.rateLimitedAt().forEach(t -> at.append(String.format(" %.1f s", (t - start) / 1e9)));
      System.out.printf("429 answers: %d (%d over the per-minute limit%s, %d TooManyJobs)%n",
          fake.rateLimited() + fake.tooManyJobs(), fake.rateLimited(), at.length() == 0 ? "" : ", at" + at,
          fake.tooManyJobs());
      users.close();
    }
  }

  private static final class Steady {
    long minutes;
    double usersPerSecond;
    double requestsPerSecond;
    double pollsPerSecond;
  }

  /** Rates over the whole windows from one window after the first request. */
  private static Steady steady(List<ZendeskFake.Accepted> accepted) {
    long windowNanos = WINDOW.toNanos();
    long from = accepted.get(0).nanoTime + windowNanos;
    long last = accepted.get(accepted.size() - 1).nanoTime;
    long windows = (last - from) / windowNanos;
    if (windows < 1) {
      return null;
    }
    long end = from + windows * windowNanos;
    Steady s = new Steady();
    s.minutes = windows;
    double span = windows * WINDOW.toSeconds();
    long users = 0;
    long requests = 0;
    long polls = 0;
    for (ZendeskFake.Accepted a : accepted) {
      if (a.nanoTime >= from && a.nanoTime < end) {
        requests++;
        users += a.items;
        if (a.request.startsWith("GET /api/v2/job_statuses")) {
          polls++;
        }
      }
    }
    s.usersPerSecond = users / span;
    s.requestsPerSecond = requests / span;
    s.pollsPerSecond = polls / span;
    return s;
  }
}
