package dev.sluice.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.sluice.delivery.RollingWindowRateLimiter;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RateLimitedException;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.http.JsonClient;
import dev.sluice.http.JsonResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import io.github.resilience4j.ratelimiter.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way requests reach Zendesk: every request — bulk writes, job polls, field and id reads —
 * takes a permit from the account's rate budget (the {@link JsonClient} is built with it), and the answers about the account rather
 * than the records (429, 5xx, 401, 403) are dealt with here. Thread-safe.
 */
final class ZendeskApi implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ZendeskApi.class);

  private final JsonClient client;
  private final RateLimiter rateLimit;
  private final String credential;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int serverErrorAttempts;
  private final Duration maxRateLimitWait;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong tooManyRequests = new AtomicLong();

  ZendeskApi(JsonClient client, RateLimiter rateLimit, String credential, Duration initialBackoff, Duration maxBackoff,
      int serverErrorAttempts, Duration maxRateLimitWait) {
    this.client = client;
    this.rateLimit = rateLimit;
    this.credential = credential;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.serverErrorAttempts = serverErrorAttempts;
    this.maxRateLimitWait = maxRateLimitWait;
  }

  /**
   * Sends one request, waiting for a permit first, and again after each 429 (for
   * {@code Retry-After}, or with growing backoff when the answer has none, as endpoint limits and
   * the job limit answer) and 5xx (up to the configured attempts). Returns any other answer.
   *
   * @throws PermanentDestinationException that stops the run, for 401 and 403
   * @throws RateLimitedException when the waits for 429s add up to more than the allowed wait
   * @throws RetryableDestinationException when 5xx or I/O errors persist
   */
  JsonResponse send(String method, String path, Object body) {
    byte[] bytes = body == null ? null : json(body);
    int serverErrors = 0;
    int limited = 0;
    long waitedMillis = 0;
    while (true) {
      permit();
      JsonResponse response;
      try {
        response = client.send(method, path, bytes, JsonClient.JSON, Map.of());
      } catch (RetryableDestinationException e) {
        if (++serverErrors >= serverErrorAttempts) {
          throw e;
        }
        pause(backoff(serverErrors - 1));
        continue;
      }
      int status = response.status();
      if (status == 429) {
        tooManyRequests.incrementAndGet();
        Optional<Duration> retryAfter = response.retryAfter();
        Duration wait = retryAfter.isPresent() ? retryAfter.get() : backoff(limited);
        limited++;
        waitedMillis += wait.toMillis();
        if (waitedMillis > maxRateLimitWait.toMillis()) {
          throw new RateLimitedException("Zendesk kept answering 429 to " + method + " " + path + " for "
              + Duration.ofMillis(waitedMillis) + " (" + response.excerpt() + "); the records stay pending", wait);
        }
        if (retryAfter.isPresent()) {
          // Every request of the budget waits; the permit below blocks until then.
          if (rateLimit instanceof RollingWindowRateLimiter) {
            ((RollingWindowRateLimiter) rateLimit).pause(wait);
          } else {
            pause(wait);
          }
          log.debug("429 from {} {}: everything waits {} as Retry-After asks", method, path, wait);
        } else {
          // An endpoint's own limit or the job limit: no Retry-After, so back off instead of hammering.
          log.debug("429 without Retry-After from {} {} ({}): backing off {}", method, path, response.excerpt(), wait);
          pause(wait);
        }
        continue;
      }
      if (status == 408 || status >= 500) {
        if (++serverErrors >= serverErrorAttempts) {
          response.throwIfFailed();
        }
        pause(backoff(serverErrors - 1));
        continue;
      }
      if (status == 401) {
        throw PermanentDestinationException.stopsRun("Zendesk refused " + credential + " (401 "
            + message(response) + "): check the credential; an API token is created in Admin Center under Apps and"
            + " integrations > APIs > Zendesk API, where token access must be enabled");
      }
      if (status == 403) {
        String message = message(response);
        if (message.toLowerCase(java.util.Locale.ROOT).contains("data imports")) {
          throw PermanentDestinationException.stopsRun("Zendesk refused the bulk import (403 " + message + "): bulk"
              + " user imports are off by default; the account owner must ask Zendesk Customer Support to enable"
              + " data imports for the account. The records stay pending");
        }
        throw PermanentDestinationException.stopsRun("Zendesk refused access with " + credential + " (403 "
            + message + "): the agent must be an admin, or an agent whose custom role may manage users and"
            + " organizations");
      }
      return response;
    }
  }

  /** Counts a request; its permit is taken by the client, from the account's budget. */
  private void permit() {
    requests.incrementAndGet();
  }

  /** Zendesk's error and description (or message, or the errors' titles) for messages. */
  static String message(JsonResponse response) {
    JsonNode body = safeJson(response);
    StringBuilder text = new StringBuilder();
    String error = body.path("error").isTextual() ? body.path("error").asText() : body.path("error").path("title").asText("");
    text.append(error);
    for (String field : new String[] {"description", "message"}) {
      String s = body.path(field).asText("");
      if (!s.isEmpty()) {
        text.append(text.length() == 0 ? "" : ": ").append(s);
      }
    }
    body.path("errors").forEach(e -> text.append(text.length() == 0 ? "" : "; ")
        .append(e.path("code").asText("")).append(' ').append(e.path("title").asText("")));
    for (Map.Entry<String, JsonNode> d : body.path("details").properties()) {
      d.getValue().forEach(item -> text.append(text.length() == 0 ? "" : "; ")
          .append(item.path("description").asText(d.getKey())));
    }
    return text.length() == 0 ? response.excerpt() : text.toString().trim();
  }

  static JsonNode safeJson(JsonResponse response) {
    try {
      return response.json();
    } catch (RuntimeException e) {
      return MissingNode.getInstance();
    }
  }

  private Duration backoff(int attempt) {
    return min(initialBackoff.multipliedBy(1L << Math.min(attempt, 20)), maxBackoff);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static void pause(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    long left;
    while ((left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      if (Thread.currentThread().isInterrupted()) {
        throw new RetryableDestinationException("interrupted while backing off from Zendesk");
      }
    }
  }

  private byte[] json(Object body) {
    return client.toJson(body).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  JsonClient client() {
    return client;
  }

  RateLimiter rateLimit() {
    return rateLimit;
  }

  /** Requests sent (each took a permit). */
  long requests() {
    return requests.get();
  }

  /** Answers with 429. */
  long tooManyRequests() {
    return tooManyRequests.get();
  }

  @Override
  public void close() {
    client.close();
  }
}
