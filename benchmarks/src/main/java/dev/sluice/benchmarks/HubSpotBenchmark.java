package dev.sluice.benchmarks;

import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.delivery.RateLimitRegistry;
import dev.sluice.hubspot.HubSpot;
import dev.sluice.hubspot.HubSpotTier;
import dev.sluice.map.Mapping;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.SyntheticSource;
import dev.sluice.testkit.hubspot.HubSpotFake;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A mixed workload against one HubSpot portal: the fake enforces a Professional account's 190
 * requests per rolling 10 seconds, and two syncs share the portal's budget (one
 * {@link RateLimitRegistry}, {@code portal(...)}) at the same time, run after run, for at least the
 * given time: contacts in MIRROR mode, whose source alternately loses and regains a third of its
 * rows (so each other run archives them: {@code batch/read} then {@code batch/archive} per 100
 * deletes) and changes some, and companies in UPSERT mode with a third changed each run. Every run
 * reads its object's properties first. It prints requests per second by endpoint, as a share of
 * the ceiling (19/s) over whole windows after the first (a rolling window lets the first 190
 * through at once), and the 429s.
 *
 * <p>Arguments: {@code [seconds=70]}.
 */
final class HubSpotBenchmark {

  private static final int LIMIT = 190;
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final double CEILING = LIMIT / (double) WINDOW.toSeconds();

  private HubSpotBenchmark() {}

  static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 70;
    System.out.printf("hubspot benchmark: two syncs sharing one portal at %d requests per rolling %s (ceiling %.0f"
        + " requests/s), upserts, mirror deletes and schema reads, for %d s%n", LIMIT, WINDOW, CEILING, seconds);
    try (HubSpotFake fake = HubSpotFake.start().rateLimit(LIMIT, WINDOW)) {
      fake.define("contacts", HubSpotFake.Property.string("external_id").unique(),
          HubSpotFake.Property.string("country"), HubSpotFake.Property.number("lifetime_value"),
          HubSpotFake.Property.number("lead_score"), HubSpotFake.Property.bool("active"),
          HubSpotFake.Property.datetime("signed_up_at"), HubSpotFake.Property.string("note"));
      fake.define("companies", HubSpotFake.Property.string("company_ref").unique(),
          HubSpotFake.Property.string("country"), HubSpotFake.Property.number("lifetime_value"),
          HubSpotFake.Property.string("note"));
      RateLimitRegistry budgets = RateLimitRegistry.create();
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      ExecutorService two = Executors.newFixedThreadPool(2);
      AtomicLong contactRuns = new AtomicLong();
      AtomicLong companyRuns = new AtomicLong();
      AtomicLong deleted = new AtomicLong();
      AtomicLong upserted = new AtomicLong();
      AtomicLong engineRequests = new AtomicLong();
      long start = System.nanoTime();
      try (HubSpot contacts = HubSpot.builder("contacts").baseUrl(fake.baseUrl()).privateAppToken(HubSpotFake.DEFAULT_TOKEN)
              .idProperty("external_id").tier(HubSpotTier.PROFESSIONAL).portal("1234567", budgets).build();
          HubSpot companies = HubSpot.builder("companies").baseUrl(fake.baseUrl())
              .privateAppToken(HubSpotFake.DEFAULT_TOKEN).idProperty("company_ref").tier(HubSpotTier.PROFESSIONAL)
              .portal("1234567", budgets).build()) {
        Future<?> mirror = two.submit(() -> {
          InMemoryStateStore state = new InMemoryStateStore();
          Mapping mapping = Mapping.builder().copy("email", "country", "lifetime_value", "lead_score", "active",
              "signed_up_at", "note").rename("name", "firstname").build();
          for (int round = 0; System.nanoTime() < deadline; round++) {
            int size = round % 2 == 0 ? 6_000 : 4_000; // every other run deletes 2,000 contacts
            SyncReport report = Sync.from(SyntheticSource.of(size).withRevision(round, 5)).map(mapping).to(contacts)
                .named("contacts").state(state).mode(SyncMode.MIRROR).concurrency(4).build().run();
            check(report);
            contactRuns.incrementAndGet();
            deleted.addAndGet(report.deleted());
            upserted.addAndGet(report.added() + report.updated());
            engineRequests.addAndGet(report.requests().requests());
          }
          return null;
        });
        Future<?> upserts = two.submit(() -> {
          InMemoryStateStore state = new InMemoryStateStore();
          Mapping mapping = Mapping.builder().copy("country", "lifetime_value", "note").build();
          for (int round = 0; System.nanoTime() < deadline; round++) {
            SyncReport report = Sync.from(SyntheticSource.of(3_000).withRevision(round + 1, 3)).map(mapping)
                .to(companies).named("companies").state(state).concurrency(4).build().run();
            check(report);
            companyRuns.incrementAndGet();
            upserted.addAndGet(report.added() + report.updated());
            engineRequests.addAndGet(report.requests().requests());
          }
          return null;
        });
        mirror.get();
        upserts.get();
      } finally {
        two.shutdownNow();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      List<Long> accepted = fake.acceptedAt();
      double steady = steadyRequestsPerSecond(accepted);
      long total = fake.requests();
      Map<String, Integer> byEndpoint = new TreeMap<>();
      for (String path : fake.paths()) {
        byEndpoint.merge(path.replaceAll("/crm/v3/(objects|properties)/[a-z]+", "/crm/v3/$1/{type}"), 1, Integer::sum);
      }
      System.out.printf("%.1f s: %d contact runs (mirror) and %d company runs (upsert) at once; %,d records upserted,"
          + " %,d deleted%n", elapsed, contactRuns.get(), companyRuns.get(), upserted.get(), deleted.get());
      System.out.printf("requests by endpoint: %s%n", byEndpoint);
      System.out.printf("%d requests answered, %d of them 429 (%.3f%%); the runs' reports counted %d requests%n",
          total, fake.rateLimited(), 100.0 * fake.rateLimited() / total, engineRequests.get());
      System.out.printf("whole run: %.2f requests/s = %.1f%% of the ceiling (includes the first window's burst)%n",
          accepted.size() / elapsed, 100 * accepted.size() / elapsed / CEILING);
      System.out.printf("whole windows after the first: %.2f requests/s = %.1f%% of the ceiling; 429s: %d%n", steady,
          100 * steady / CEILING, fake.rateLimited());
      Results results = new Results("hubspot", "HubSpot: two syncs sharing one portal's limit");
      results.note(String.format("The HubSpot fake enforces a Professional account's %d requests per rolling %d s (a"
          + " ceiling of %.0f requests/s); a MIRROR sync of contacts (every other run archives a third of them) and an"
          + " UPSERT sync of companies share the portal's budget, run after run.", LIMIT, WINDOW.toSeconds(), CEILING));
      results.note("requests by endpoint: " + byEndpoint);
      results.columns("runs (contacts + companies)", "records upserted", "records deleted", "seconds",
          "whole run, % of ceiling", "whole windows after the first, % of ceiling", "429 answers");
      results.row(contactRuns.get() + " + " + companyRuns.get(), upserted.get(), deleted.get(),
          String.format("%.1f", elapsed), String.format("%.1f%%", 100 * accepted.size() / elapsed / CEILING),
          String.format("%.1f%%", 100 * steady / CEILING), fake.rateLimited());
      Map<String, List<double[]>> series = new java.util.LinkedHashMap<>();
      series.put("requests/s over the last 10 s", Results.rollingRate(accepted, WINDOW.toNanos(), 1));
      double end = (accepted.get(accepted.size() - 1) - accepted.get(0)) / 1e9;
      series.put("ceiling", List.of(new double[] {0, CEILING}, new double[] {end, CEILING}));
      results.lines("hubspot-over-time.png", "HubSpot: requests/s against the ceiling", "seconds since the first request",
          "requests/s", series);
      results.write();
    }
  }

  private static void check(SyncReport report) {
    if (report.status() != SyncReport.Status.SUCCEEDED) {
      throw new IllegalStateException("a benchmark run did not succeed: " + report.summary());
    }
  }

  /** Requests per second over the whole windows from one window after the first request. */
  private static double steadyRequestsPerSecond(List<Long> accepted) {
    long windowNanos = WINDOW.toNanos();
    long from = accepted.get(0) + windowNanos;
    long last = accepted.get(accepted.size() - 1);
    long windows = (last - from) / windowNanos;
    if (windows < 1) {
      return 0;
    }
    long end = from + windows * windowNanos;
    long count = accepted.stream().filter(t -> t >= from && t < end).count();
    return count / (double) (windows * WINDOW.toSeconds());
  }
}
