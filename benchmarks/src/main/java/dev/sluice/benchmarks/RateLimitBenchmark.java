package dev.sluice.benchmarks;

import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.delivery.RollingWindowRateLimiter;
import dev.sluice.testkit.RateLimitedServer;
import dev.sluice.testkit.RateLimitedServerDestination;
import dev.sluice.testkit.SyntheticSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Pacing against a fake API on loopback that allows 100 requests per rolling 10 seconds, with 100
 * records per request (a ceiling of 1,000 records/s). Phase 1 runs at that limit for about a minute;
 * phase 2 starts the same way, the API halves its limit after 15 seconds, and the rate from 30
 * seconds after the change is compared with the new ceiling. Rates are measured at the server over
 * steady state (from one window after the start, so the initial burst a rolling window allows is
 * not counted; after the change, whole windows from 30 s after it are counted).
 *
 * <p>Arguments: {@code [seconds=60]}.
 */
final class RateLimitBenchmark {

  private static final int LIMIT = 100;
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final int PER_REQUEST = 100;

  private RateLimitBenchmark() {}

  static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    System.out.printf("rate-limit benchmark: %d requests per rolling %s, %d records per request%n", LIMIT, WINDOW,
        PER_REQUEST);
    Results results = new Results("ratelimit", "Rate limit: pacing against a rolling-window API");
    results.note(String.format("A fake API on loopback allows %d requests per rolling %d s, %d records per request: a"
        + " ceiling of %,d records/s. Phase 1 runs at that limit; in phase 2 the API halves its limit after 15 s.",
        LIMIT, WINDOW.toSeconds(), PER_REQUEST, LIMIT * PER_REQUEST / WINDOW.toSeconds()));
    results.columns("phase", "status", "records", "seconds", "steady rate, % of ceiling", "429 answers");
    java.util.Map<String, List<double[]>> series = new java.util.LinkedHashMap<>();

    try (RateLimitedServer api = RateLimitedServer.start(LIMIT, WINDOW)) {
      int records = (seconds / 10 + 1) * LIMIT * PER_REQUEST;
      RollingWindowRateLimiter budget = RollingWindowRateLimiter.of("bench", LIMIT, WINDOW);
      SyncReport report = run(api, budget, records);
      List<Long> accepted = api.acceptedAt();
      // The first window's burst is free under any rolling limit: leave it out of the rate.
      double rate = (accepted.size() - LIMIT) / ((accepted.get(accepted.size() - 1) - accepted.get(0)) / 1e9);
      long total = accepted.size() + api.rejected();
      System.out.printf("phase 1: %s; %,d records in %.1f s%n", report.status(), report.delivered(),
          report.duration().toMillis() / 1000.0);
      System.out.printf("phase 1: rate after the first window's burst %.2f requests/s = %.1f%% of the ceiling (%d/s); 429s: %d of %d requests"
          + " (%.3f%%)%n", rate, 100 * rate / (LIMIT / (double) WINDOW.toSeconds()), LIMIT / WINDOW.toSeconds(),
          api.rejected(), total, 100.0 * api.rejected() / total);
      results.row("1: steady limit", report.status(), report.delivered(), String.format("%.1f", report.duration().toMillis() / 1000.0),
          String.format("%.1f%%", 100 * rate / (LIMIT / (double) WINDOW.toSeconds())), api.rejected());
      series.put("phase 1: records/s over the last 10 s", Results.rollingRate(accepted, WINDOW.toNanos(), PER_REQUEST));
    }

    try (RateLimitedServer api = RateLimitedServer.start(LIMIT, WINDOW)) {
      int records = (15 / 10 + 1) * LIMIT * PER_REQUEST + (seconds / 10 + 4) * (LIMIT / 2) * PER_REQUEST;
      RollingWindowRateLimiter budget = RollingWindowRateLimiter.of("bench", LIMIT, WINDOW);
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
      long[] halvedAt = new long[1];
      timer.schedule(() -> {
        api.setLimit(LIMIT / 2);
        halvedAt[0] = System.nanoTime();
      }, 15, TimeUnit.SECONDS);
      SyncReport report = run(api, budget, records);
      timer.shutdownNow();
      List<Long> accepted = api.acceptedAt();
      double rate = rate(accepted, halvedAt[0] + TimeUnit.SECONDS.toNanos(30), Long.MAX_VALUE);
      double ceiling = (LIMIT / 2) / (double) WINDOW.toSeconds();
      System.out.printf("phase 2: %s; %,d records in %.1f s; limit halved to %d per %s after 15 s%n", report.status(),
          report.delivered(), report.duration().toMillis() / 1000.0, LIMIT / 2, WINDOW);
      System.out.printf("phase 2: rate from 30 s after the change %.2f requests/s = %.1f%% of the new ceiling;"
          + " 429s: %d%n", rate, 100 * rate / ceiling, api.rejected());
      results.row("2: limit halved after 15 s", report.status(), report.delivered(),
          String.format("%.1f", report.duration().toMillis() / 1000.0), String.format("%.1f%% (from 30 s after the change)",
              100 * rate / ceiling), api.rejected());
      series.put("phase 2: records/s over the last 10 s", Results.rollingRate(accepted, WINDOW.toNanos(), PER_REQUEST));
      double halvedSeconds = (halvedAt[0] - accepted.get(0)) / 1e9;
      double end = (accepted.get(accepted.size() - 1) - accepted.get(0)) / 1e9;
      double full = LIMIT * PER_REQUEST / (double) WINDOW.toSeconds();
      series.put("ceiling (phase 2: halved after 15 s)", List.of(new double[] {0, full}, new double[] {halvedSeconds, full},
          new double[] {halvedSeconds, full / 2}, new double[] {end, full / 2}));
    }
    results.lines("ratelimit-over-time.png", "Rate limit: records/s against the ceiling", "seconds since the first request",
        "records/s", series);
    results.write();
  }

  private static SyncReport run(RateLimitedServer api, RollingWindowRateLimiter budget, int records) {
    RateLimitedServerDestination destination = new RateLimitedServerDestination(api, PER_REQUEST, budget);
    return Sync.from(SyntheticSource.of(records)).to(destination).named("bench")
        .concurrency(4)
        .build()
        .run();
  }

  /**
   * Requests per second accepted over the whole windows that fit between {@code from} and the last
   * accepted request: a rolling-window API allows bursts, so only whole windows measure the rate.
   */
  private static double rate(List<Long> accepted, long from, long to) {
    long last = accepted.get(accepted.size() - 1);
    long windowNanos = WINDOW.toNanos();
    long windows = (Math.min(last, to) - from) / windowNanos;
    if (windows < 1) {
      return 0;
    }
    long end = from + windows * windowNanos;
    long count = accepted.stream().filter(t -> t >= from && t < end).count();
    return count / (windows * WINDOW.toSeconds() * 1.0);
  }
}
