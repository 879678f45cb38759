package dev.sluice.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A webhook endpoint on loopback, as a user would run it: verifies every signature, ignores a
 * message id it has already processed, stores records by key, and answers with a chosen status on
 * command.
 */
final class TestReceiver implements AutoCloseable {

  /** Reads numbers exactly, as a careful receiver would. */
  static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .configure(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

  private final MockWebServer server = new MockWebServer();
  private final WebhookVerifier verifier;
  private final Map<String, JsonNode> records = new TreeMap<>();
  private final Set<String> processed = new HashSet<>();
  private final ArrayDeque<MockResponse> scripted = new ArrayDeque<>();
  final List<Map<String, String>> requestHeaders = new ArrayList<>();
  final List<String> rejections = new ArrayList<>();
  final List<Integer> bodySizes = new ArrayList<>();
  /** Every request's body, scripted answers included. */
  final List<byte[]> bodies = new ArrayList<>();
  final List<Long> arrivalNanos = new ArrayList<>();
  /** Every request's target as it arrived on the wire: path and query. */
  final List<String> targets = new ArrayList<>();
  int requests;

  TestReceiver(WebhookVerifier verifier) throws IOException {
    this.verifier = verifier;
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return handle(request);
      }
    });
    server.start(0);
  }

  String url() {
    return server.url("/hooks/sluice").toString();
  }

  synchronized void respondNext(int status, String... headerPairs) {
    MockResponse.Builder b = new MockResponse.Builder().code(status).body("{}");
    for (int i = 0; i + 1 < headerPairs.length; i += 2) {
      b.addHeader(headerPairs[i], headerPairs[i + 1]);
    }
    scripted.add(b.build());
  }

  /** Answers the next request only after {@code millis}: slower than a client's timeout. */
  synchronized void stallNext(long millis) {
    scripted.add(new MockResponse.Builder().code(204)
        .headersDelay(millis, java.util.concurrent.TimeUnit.MILLISECONDS).build());
  }

  synchronized void respondNextWithBody(int status, String body) {
    scripted.add(new MockResponse.Builder().code(status).body(body).build());
  }

  synchronized Map<String, JsonNode> records() {
    return new TreeMap<>(records);
  }

  private synchronized MockResponse handle(RecordedRequest request) {
    requests++;
    arrivalNanos.add(System.nanoTime());
    targets.add(request.getTarget());
    Map<String, String> headers = new LinkedHashMap<>();
    for (String name : request.getHeaders().names()) {
      headers.put(name, request.getHeaders().get(name));
    }
    requestHeaders.add(headers);
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
    bodies.add(body);
    MockResponse next = scripted.poll();
    if (next != null) {
      return next;
    }
    bodySizes.add(body.length);
    try {
      verifier.verify(headers, body);
    } catch (WebhookVerificationException e) {
      rejections.add(e.getMessage());
      return new MockResponse.Builder().code(401).body("{\"error\":\"" + e.getMessage() + "\"}").build();
    }
    if (!processed.add(headers.get("webhook-id"))) {
      return new MockResponse.Builder().code(200).body("{\"duplicate\":true}").build();
    }
    try {
      JsonNode envelope = JSON.readTree(body);
      boolean delete = "sluice.delete".equals(envelope.path("type").asText());
      for (JsonNode record : envelope.path("data").path("records")) {
        if (delete) {
          records.remove(record.path("key").asText());
        } else {
          records.put(record.path("key").asText(), record.path("fields"));
        }
      }
    } catch (IOException e) {
      return new MockResponse.Builder().code(400).body("{}").build();
    }
    return new MockResponse.Builder().code(204).build();
  }

  @Override
  public void close() {
    server.close();
  }
}
