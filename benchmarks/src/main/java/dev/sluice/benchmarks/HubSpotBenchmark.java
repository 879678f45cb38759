package dev.sluice.benchmarks;

import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.hubspot.HubSpot;
import dev.sluice.hubspot.HubSpotTier;
import dev.sluice.map.Mapping;
import dev.sluice.testkit.hubspot.HubSpotFake;
import dev.sluice.testkit.SyntheticSource;
import java.time.Duration;
import java.util.List;

/**
 * A sync into the HubSpot fake enforcing a Professional account's 190 requests per rolling 10
 * seconds, 100 contacts per request: a ceiling of 1,900 records/s. It runs for at least the given
 * time and prints records/s as a share of the ceiling — over the whole run, and over whole windows
 * after the first (a rolling window lets the first 190 requests through at once) — and the 429s.
 *
 * <p>Arguments: {@code [seconds=70]}.
 */
final class HubSpotBenchmark {

  private static final int LIMIT = 190;
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final int PER_REQUEST = 100;
  private static final double CEILING = LIMIT * PER_REQUEST / (double) WINDOW.toSeconds();

  private HubSpotBenchmark() {}

  static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 70;
    int records = (int) (CEILING * seconds) + LIMIT * PER_REQUEST; // the first window's burst comes on top
    System.out.printf("hubspot benchmark: %,d contacts into the fake at %d requests per rolling %s,"
        + " %d per request (ceiling %.0f records/s)%n", records, LIMIT, WINDOW, PER_REQUEST, CEILING);
    try (HubSpotFake fake = HubSpotFake.start().rateLimit(LIMIT, WINDOW)) {
      fake.define("contacts", HubSpotFake.Property.string("external_id").unique(),
          HubSpotFake.Property.string("country"), HubSpotFake.Property.number("lifetime_value"),
          HubSpotFake.Property.number("lead_score"), HubSpotFake.Property.bool("active"),
          HubSpotFake.Property.datetime("signed_up_at"));
      HubSpot hubspot = HubSpot.builder("contacts").baseUrl(fake.baseUrl()).privateAppToken(HubSpotFake.DEFAULT_TOKEN)
          .idProperty("external_id").tier(HubSpotTier.PROFESSIONAL).build();
      Mapping mapping = Mapping.builder()
          .copy("email", "country", "lifetime_value", "lead_score", "active", "signed_up_at")
          .rename("name", "firstname")
          .build();

      SyncReport report = Sync.from(SyntheticSource.of(records)).map(mapping).to(hubspot).named("bench-hubspot")
          .concurrency(4).build().run();

      double seconds1 = report.duration().toNanos() / 1e9;
      double overall = report.delivered() / seconds1;
      List<Long> accepted = fake.acceptedAt();
      double steady = steadyRequestsPerSecond(accepted) * PER_REQUEST;
      long total = fake.requests();
      System.out.printf("%s: %,d records delivered in %.1f s, %d requests, %d answered 429 (%.3f%%)%n",
          report.status(), report.delivered(), seconds1, total, fake.rateLimited(), 100.0 * fake.rateLimited() / total);
      System.out.printf("whole run: %.0f records/s = %.1f%% of the ceiling (includes the first window's burst)%n",
          overall, 100 * overall / CEILING);
      System.out.printf("whole windows after the first: %.0f records/s = %.1f%% of the ceiling%n", steady,
          100 * steady / CEILING);
      Results results = new Results("hubspot", "HubSpot: contacts into the fake at a Professional account's limit");
      results.note(String.format("%,d contacts, %d per request, into the HubSpot fake enforcing %d requests per rolling %d s:"
          + " a ceiling of %,.0f records/s.", records, PER_REQUEST, LIMIT, WINDOW.toSeconds(), CEILING));
      results.columns("status", "records", "seconds", "whole run, % of ceiling", "steady (whole windows after the first), % of ceiling",
          "429 answers");
      results.row(report.status(), report.delivered(), String.format("%.1f", seconds1), String.format("%.1f%%", 100 * overall / CEILING),
          String.format("%.1f%%", 100 * steady / CEILING), fake.rateLimited());
      java.util.Map<String, List<double[]>> series = new java.util.LinkedHashMap<>();
      series.put("records/s over the last 10 s", Results.rollingRate(accepted, WINDOW.toNanos(), PER_REQUEST));
      double end = (accepted.get(accepted.size() - 1) - accepted.get(0)) / 1e9;
      series.put("ceiling", List.of(new double[] {0, CEILING}, new double[] {end, CEILING}));
      results.lines("hubspot-over-time.png", "HubSpot: records/s against the ceiling", "seconds since the first request",
          "records/s", series);
      results.write();
      hubspot.close();
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
