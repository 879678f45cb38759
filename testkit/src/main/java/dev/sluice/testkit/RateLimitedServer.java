package dev.sluice.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;

/**
 * A fake JSON API on a loopback socket that enforces a rolling-window rate limit as real APIs do,
 * and stores what it accepts by key: for testing and benchmarking pacing and delivery over real
 * HTTP. Needs {@code com.squareup.okhttp3:mockwebserver3}.
 *
 * <p>Protocol: {@code POST /batch} with {@code {"records":[{"key":"k1","fields":{...}}, ...]}}
 * stores the records; {@code POST /batch/delete} with {@code {"keys":["k1", ...]}} removes them. Both
 * answer {@code 200 {"results":[{"key":"k1","status":"ok"}, ...]}}. Every answer carries
 * {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and
 * {@code X-RateLimit-Interval-Milliseconds}; a call over the limit gets
 * {@code 429 {"status":"error","message":"rate limit exceeded"}} with a {@code Retry-After} in whole
 * seconds. The limit can change while it runs ({@link #setLimit(int)}). Thread-safe.
 */
public final class RateLimitedServer implements AutoCloseable {

  /** The header with the limit per window. */
  public static final String LIMIT_HEADER = "X-RateLimit-Limit";
  /** The header with the calls left in the current window. */
  public static final String REMAINING_HEADER = "X-RateLimit-Remaining";
  /** The header with the window in milliseconds. */
  public static final String INTERVAL_HEADER = "X-RateLimit-Interval-Milliseconds";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MockWebServer server = new MockWebServer();
  private final long windowNanos;
  private final ArrayDeque<Long> calls = new ArrayDeque<>();
  private final List<Long> accepted = new ArrayList<>();
  private final Map<String, JsonNode> records = new TreeMap<>();
  private int limit;
  private long rejected;
  private final ArrayDeque<MockResponse> scripted = new ArrayDeque<>();
  private final Map<String, String> poison = new TreeMap<>();
  private final List<Long> rateLimitedAt = new ArrayList<>();
  private java.util.function.Predicate<String> authorization = header -> true;
  private int stallEvery;
  private long stallMillis;
  private long requests;
  private int resetNext;

  private RateLimitedServer(int limit, java.time.Duration window) {
    this.limit = limit;
    this.windowNanos = window.toNanos();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return handle(request);
      }
    });
  }

  /**
   * Starts a server on loopback allowing {@code limit} calls per rolling {@code window}.
   *
   * @param limit calls allowed per window
   * @param window the rolling window
   * @return the started server; close it when done
   */
  public static RateLimitedServer start(int limit, java.time.Duration window) {
    RateLimitedServer fake = new RateLimitedServer(limit, window);
    try {
      fake.server.start(0);
    } catch (IOException e) {
      throw new UncheckedIOException("the fake API did not start", e);
    }
    return fake;
  }

  /** {@return the base URL, such as {@code http://127.0.0.1:PORT}} */
  public String url() {
    String url = server.url("/").toString();
    return url.substring(0, url.length() - 1);
  }

  /**
   * The next {@code n} calls are answered with {@code code} and {@code body}, storing nothing.
   *
   * @param n how many calls
   * @param code the HTTP status
   * @param body the body
   * @return this server
   */
  public synchronized RateLimitedServer respondNext(int n, int code, String body) {
    for (int i = 0; i < n; i++) {
      scripted.add(new MockResponse.Builder().code(code).body(body).build());
    }
    return this;
  }

  /**
   * The next {@code n} calls get 429 with {@code Retry-After: seconds}, storing nothing.
   *
   * @param n how many calls
   * @param seconds the {@code Retry-After} value, in seconds
   * @return this server
   */
  public synchronized RateLimitedServer rateLimitNext(int n, int seconds) {
    for (int i = 0; i < n; i++) {
      scripted.add(new MockResponse.Builder().code(429).addHeader("Retry-After", String.valueOf(seconds))
          .body("{\"status\":\"error\",\"message\":\"rate limit storm\"}").build());
    }
    return this;
  }

  /**
   * The next {@code n} calls are processed, then the connection is closed before the answer.
   *
   * @param n how many calls
   * @return this server
   */
  public synchronized RateLimitedServer resetAfterProcessingNext(int n) {
    resetNext += n;
    return this;
  }

  /**
   * Every {@code k}-th call answers only after {@code delay} (beyond a client's timeout), storing nothing.
   *
   * @param k every how many calls
   * @param delay how long before the answer
   * @return this server
   */
  public synchronized RateLimitedServer stallEvery(int k, java.time.Duration delay) {
    this.stallEvery = k;
    this.stallMillis = delay.toMillis();
    return this;
  }

  /**
   * Batches containing {@code key} are refused as a whole with a 400 naming {@code reason}.
   *
   * @param key the record key
   * @param reason why, in words for the report
   * @return this server
   */
  public synchronized RateLimitedServer rejectBatchesContaining(String key, String reason) {
    poison.put(key, reason);
    return this;
  }

  /**
   * Calls whose Authorization header fails {@code accepted} get 401.
   *
   * @param accepted true for an Authorization header value the server accepts
   * @return this server
   */
  public synchronized RateLimitedServer requireAuthorization(java.util.function.Predicate<String> accepted) {
    this.authorization = accepted;
    return this;
  }

  /** {@return when each scripted 429 was sent ({@link System#nanoTime()})} */
  public synchronized List<Long> rateLimitedAt() {
    return Collections.unmodifiableList(new ArrayList<>(rateLimitedAt));
  }

  /**
   * Changes the limit from now on.
   *
   * @param limit calls allowed per window
   */
  public synchronized void setLimit(int limit) {
    this.limit = limit;
  }

  /**
   * Calls answered 429 so far.
   *
   * @return the calls answered 429 so far
   */
  public synchronized long rejected() {
    return rejected;
  }

  /** {@return when each accepted call arrived ({@link System#nanoTime()}), in order} */
  public synchronized List<Long> acceptedAt() {
    return Collections.unmodifiableList(new ArrayList<>(accepted));
  }

  /** {@return what the API holds, by key} */
  public synchronized Map<String, JsonNode> records() {
    return Collections.unmodifiableMap(new TreeMap<>(records));
  }

  private synchronized MockResponse handle(RecordedRequest request) {
    long now = System.nanoTime();
    requests++;
    if (!authorization.test(request.getHeaders().get("Authorization"))) {
      return response(401, "{\"status\":\"error\",\"message\":\"expired token\"}", limit - calls.size(), null);
    }
    MockResponse next = scripted.poll();
    if (next != null) {
      if (next.getCode() == 429) {
        rateLimitedAt.add(now);
      }
      return next;
    }
    if (stallEvery > 0 && requests % stallEvery == 0) {
      return new MockResponse.Builder().code(200).body("{\"results\":[]}")
          .headersDelay(stallMillis, java.util.concurrent.TimeUnit.MILLISECONDS).build();
    }
    String body0 = request.getBody() == null ? "" : request.getBody().utf8();
    for (Map.Entry<String, String> p : poison.entrySet()) {
      if (body0.contains("\"" + p.getKey() + "\"")) {
        return response(400, "{\"status\":\"error\",\"category\":\"VALIDATION_ERROR\",\"message\":\""
            + p.getValue() + "\"}", limit - calls.size(), null);
      }
    }
    while (!calls.isEmpty() && calls.peekFirst() <= now - windowNanos) {
      calls.pollFirst();
    }
    if (calls.size() >= limit) {
      rejected++;
      long waitNanos = calls.toArray(new Long[0])[calls.size() - limit] + windowNanos - now;
      long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
      return response(429, "{\"status\":\"error\",\"message\":\"rate limit exceeded\"}", 0, String.valueOf(seconds));
    }
    calls.addLast(now);
    accepted.add(now);
    try {
      JsonNode body = JSON.readTree(request.getBody().utf8());
      ArrayNode results = JSON.createArrayNode();
      if (request.getTarget().startsWith("/batch/delete")) {
        for (JsonNode key : body.path("keys")) {
          records.remove(key.asText());
          results.addObject().put("key", key.asText()).put("status", "ok");
        }
      } else {
        for (JsonNode record : body.path("records")) {
          records.put(record.path("key").asText(), record.path("fields"));
          results.addObject().put("key", record.path("key").asText()).put("status", "ok");
        }
      }
      ObjectNode answer = JSON.createObjectNode();
      answer.set("results", results);
      MockResponse ok = response(200, answer.toString(), limit - calls.size(), null);
      if (resetNext > 0) {
        resetNext--;
        return ok.newBuilder().onResponseStart(new mockwebserver3.SocketEffect.CloseSocket()).build();
      }
      return ok;
    } catch (IOException e) {
      return response(400, "{\"status\":\"error\",\"message\":\"invalid JSON\"}", limit - calls.size(), null);
    }
  }

  private MockResponse response(int code, String body, int remaining, String retryAfter) {
    Headers.Builder headers = new Headers.Builder()
        .add("Content-Type", "application/json")
        .add(LIMIT_HEADER, String.valueOf(limit))
        .add(REMAINING_HEADER, String.valueOf(Math.max(0, remaining)))
        .add(INTERVAL_HEADER, String.valueOf(windowNanos / 1_000_000));
    if (retryAfter != null) {
      headers.add("Retry-After", retryAfter);
    }
    return new MockResponse.Builder().code(code).headers(headers.build()).body(body).build();
  }

  @Override
  public void close() {
    server.close();
  }
}
