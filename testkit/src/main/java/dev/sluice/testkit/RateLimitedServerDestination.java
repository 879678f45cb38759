package dev.sluice.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Record;
import dev.sluice.delivery.RollingWindowRateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiter;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.http.AuthProvider;
import dev.sluice.http.JsonClient;
import java.time.Duration;
import dev.sluice.http.JsonResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client side of {@link RateLimitedServer}'s protocol, built as a connector would be: batches
 * as JSON over {@link JsonClient}, responses classified by it; with a budget, every request takes a
 * permit from it (declared with {@link Capabilities.Builder#requestsTakePermits}) and the rate-limit
 * headers are reported to it when it is a {@link RollingWindowRateLimiter}. Thread-safe.
 */
public final class RateLimitedServerDestination implements Destination {

  private final JsonClient client;
  private final int batchSize;
  private final RateLimiter budget;

  /**
   * Sends batches of up to {@code batchSize} records to {@code server}, paced by {@code budget}.
   *
   * @param server the server
   * @param batchSize records per batch
   * @param budget the budget every request takes a permit from, or null
   */
  public RateLimitedServerDestination(RateLimitedServer server, int batchSize, RateLimiter budget) {
    this(server, batchSize, budget, AuthProvider.none(), JsonClient.DEFAULT_RESPONSE_TIMEOUT);
  }

  /**
   * As the other constructor, with credentials and a response timeout.
   *
   * @param server the server
   * @param batchSize records per batch
   * @param budget the budget every request takes a permit from, or null
   * @param auth how requests are authenticated
   * @param responseTimeout the time to wait for an answer
   */
  public RateLimitedServerDestination(RateLimitedServer server, int batchSize, RateLimiter budget, AuthProvider auth,
      Duration responseTimeout) {
    this(server.url(), batchSize, budget, auth, responseTimeout, null);
  }

  /**
   * Sends to any server at {@code url} that speaks {@link RateLimitedServer}'s protocol, each
   * request within {@code requestTimeout} (null: the client's default).
   *
   * @param url the server's base URL
   * @param batchSize records per batch
   * @param budget the budget every request takes a permit from, or null
   * @param auth how requests are authenticated
   * @param responseTimeout the time to wait for an answer
   * @param requestTimeout the whole-request deadline, or null
   */
  public RateLimitedServerDestination(String url, int batchSize, RateLimiter budget, AuthProvider auth,
      Duration responseTimeout, Duration requestTimeout) {
    this.batchSize = batchSize;
    this.budget = budget;
    JsonClient.Builder http = JsonClient.builder(url)
        .auth(auth)
        .responseTimeout(responseTimeout)
        .responseListener(response -> report(response, budget));
    if (budget != null) {
      http.rateLimiter(budget);
    }
    if (requestTimeout != null) {
      http.requestTimeout(requestTimeout);
    }
    this.client = http.build();
  }

  private static void report(JsonResponse response, RateLimiter budget) {
    if (!(budget instanceof RollingWindowRateLimiter) || response.status() == 429) {
      return;
    }
    String limit = response.header(RateLimitedServer.LIMIT_HEADER).orElse(null);
    String remaining = response.header(RateLimitedServer.REMAINING_HEADER).orElse(null);
    if (limit != null && remaining != null) {
      ((RollingWindowRateLimiter) budget).observe(Integer.parseInt(limit), Integer.parseInt(remaining));
    }
  }

  @Override
  public Capabilities capabilities() {
    Capabilities.Builder caps = Capabilities.builder().operations(Operation.UPSERT, Operation.DELETE)
        .maxRecordsPerBatch(batchSize).idempotentWrites(true);
    if (budget != null) {
      caps.requestsTakePermits(budget);
    }
    return caps.build();
  }

  @Override
  public BatchResult write(Batch batch) {
    Map<String, Object> body = new LinkedHashMap<>();
    JsonResponse response;
    if (batch.operation() == Operation.DELETE) {
      body.put("keys", batch.keys());
      response = client.post("/batch/delete", body).throwIfFailed();
    } else {
      List<Map<String, Object>> records = new ArrayList<>();
      for (Record r : batch.records()) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("key", r.key());
        record.put("fields", r.fields());
        records.add(record);
      }
      body.put("records", records);
      response = client.post("/batch", body).throwIfFailed();
    }
    JsonNode answer = response.json();
    if (answer.isMissingNode()) {
      throw new RetryableDestinationException("HTTP " + response.status() + " with an empty body: no outcome to read");
    }
    BatchResult.Builder result = BatchResult.builder(batch);
    for (JsonNode outcome : answer.path("results")) {
      if ("ok".equals(outcome.path("status").asText())) {
        result.succeeded(outcome.path("key").asText());
      }
    }
    return result.build();
  }

  @Override
  public void close() {
    client.close();
  }
}
