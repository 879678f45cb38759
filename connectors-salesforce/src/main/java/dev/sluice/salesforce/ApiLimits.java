package dev.sluice.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RateLimitedException;
import dev.sluice.http.JsonResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every rule about the org's API limits, in one place: Salesforce has no per-second budget but a
 * daily allocation of calls for the whole org, reported on every answer as
 * {@code Sforce-Limit-Info: api-usage=N/M}, and a limit on long-running concurrent requests. This
 * class follows the reported usage, refuses to start new work when less than the reserve is left
 * (so the org's other integrations keep their share), and classifies {@code 403
 * REQUEST_LIMIT_EXCEEDED}: the daily allocation (stop the run) or concurrency (wait, then retry).
 * Thread-safe.
 */
final class ApiLimits {

  private static final Pattern USAGE = Pattern.compile("api-usage=(\\d+)/(\\d+)");

  private final double reserveFraction;
  private final long reserveCalls;
  private final Duration concurrencyWait;
  private long used = -1;
  private long allowed = -1;
  private long calls;
  private long inFlight;

  /**
   * @param reserveFraction the share of the daily allocation left to other integrations
   * @param reserveCalls at least this many calls left to them
   * @param concurrencyWait how long to wait after a concurrent-request 403
   */
  ApiLimits(double reserveFraction, long reserveCalls, Duration concurrencyWait) {
    this.reserveFraction = reserveFraction;
    this.reserveCalls = reserveCalls;
    this.concurrencyWait = concurrencyWait;
  }

  /**
   * A request is about to be sent: it counts against the allocation until its answer tells the
   * new usage. With {@code newWork} above zero, the request starts work that needs about that many
   * calls, and is refused (see {@link #checkReserve(long)}) when they would eat into the reserve.
   */
  synchronized void started(long newWork) {
    if (newWork > 0) {
      checkReserve(newWork);
    }
    inFlight++;
  }

  /** A request sent with {@link #started()} is over, answered or not. */
  synchronized void finished() {
    inFlight = Math.max(0, inFlight - 1);
  }

  /** Follows the usage an answer reports. */
  synchronized void observe(JsonResponse response) {
    calls++;
    response.header("Sforce-Limit-Info").ifPresent(header -> {
      Matcher m = USAGE.matcher(header);
      if (m.find()) {
        long u = Long.parseLong(m.group(1));
        long a = Long.parseLong(m.group(2));
        // Answers to concurrent requests arrive out of order: within a run, keep the highest
        // usage seen (the 24-hour window moving on lowers it between runs: see newRun()).
        if (a != allowed || u > used) {
          used = u;
          allowed = a;
        }
      }
    });
  }

  /** A run starts: the next answer's usage is taken as it is, even if lower than the last. */
  synchronized void newRun() {
    used = -1;
    allowed = -1;
  }

  /** Calls this destination made (answers received), all endpoints but the token endpoint. */
  synchronized long calls() {
    return calls;
  }

  /** The last reported usage as {@code used/allowed}, or empty before the first answer. */
  synchronized String usage() {
    return allowed < 0 ? "" : used + "/" + allowed;
  }

  /**
   * Throws when starting work that needs about {@code neededCalls} calls would eat into the
   * reserve, counting the requests in flight as used.
   *
   * @throws PermanentDestinationException that stops the run (records stay pending)
   */
  private void checkReserve(long neededCalls) {
    if (allowed < 0) {
      return;
    }
    long reserve = Math.max(reserveCalls, (long) Math.ceil(allowed * reserveFraction));
    if (used + inFlight + neededCalls > allowed - reserve) {
      throw PermanentDestinationException.stopsRun("the org has used " + used + " of its " + allowed + " daily API"
          + " calls (Sforce-Limit-Info); the run stopped to leave " + reserve + " for the org's other integrations"
          + " (apiReserve). Unsent records stay pending for the next run, after the 24-hour window moves on");
    }
  }

  /**
   * Throws what a non-2xx answer about the org's limits means; returns for any other answer.
   *
   * @throws PermanentDestinationException stopping the run for the daily allocation
   * @throws RateLimitedException for the concurrent-request limit
   */
  void throwIfLimited(JsonResponse response, JsonNode body) {
    if (response.status() != 403) {
      return;
    }
    for (JsonNode error : body) {
      if (!error.path("errorCode").asText().equals("REQUEST_LIMIT_EXCEEDED")) {
        continue;
      }
      String message = error.path("message").asText("");
      if (message.contains("TotalRequests")) {
        throw PermanentDestinationException.stopsRun("the org's daily API allocation is used up (" + message
            + (usage().isEmpty() ? "" : " api-usage=" + usage()) + "); the run stopped and unsent records stay pending"
            + " for the next run");
      }
      throw new RateLimitedException("Salesforce refused the request for the org's concurrent-request limit ("
          + message + "); waiting " + concurrencyWait, concurrencyWait);
    }
  }
}
