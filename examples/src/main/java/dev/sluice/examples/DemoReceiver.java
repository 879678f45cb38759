package dev.sluice.examples;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.webhook.WebhookVerificationException;
import dev.sluice.webhook.WebhookVerifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The other end of the quickstart's webhook: an HTTP endpoint on loopback, written as a service
 * that receives Sluice webhooks would be. It verifies every request's signature (refusing with 401
 * what does not verify), processes each {@code webhook-id} once (a batch sent again is
 * acknowledged, not applied twice), and holds the customers by key. It prints the records of
 * small requests as they arrive (large ones it only counts).
 */
final class DemoReceiver implements AutoCloseable {

  private static final int PRINTED_REQUEST_SIZE = 5;

  private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private final WebhookVerifier verifier;
  private final PrintStream out;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final Map<String, Map<String, Object>> customers = new TreeMap<>();
  private final Set<String> processed = new HashSet<>();
  private final List<String> lines = new ArrayList<>();
  private int requests;
  private int records;
  private int refused;

  DemoReceiver(WebhookVerifier verifier, PrintStream out) throws IOException {
    this.verifier = verifier;
    this.out = out;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hooks/customers", this::handle);
    server.setExecutor(threads);
    server.start();
  }

  /** Where Sluice should send: {@code http://127.0.0.1:PORT/hooks/customers}. */
  String url() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort()
        + "/hooks/customers";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readAllBytes();
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
      int status;
      try {
        verifier.verify(headers, body);
        status = apply(headers.get("webhook-id"), json.readTree(body));
      } catch (WebhookVerificationException e) {
        synchronized (this) {
          refused++;
        }
        status = 401;
      } catch (IOException e) {
        status = 400;
      }
      exchange.sendResponseHeaders(status, -1);
    }
  }

  @SuppressWarnings("unchecked")
  private synchronized int apply(String messageId, JsonNode envelope) {
    if (!processed.add(messageId)) {
      return 204; // already applied: a retry of a batch that arrived
    }
    requests++;
    boolean delete = "sluice.delete".equals(envelope.path("type").asText());
    JsonNode batch = envelope.path("data").path("records");
    for (JsonNode record : batch) {
      String key = record.path("key").asText();
      records++;
      if (delete) {
        customers.remove(key);
      } else {
        customers.put(key, json.convertValue(record.path("fields"), Map.class));
      }
      if (batch.size() <= PRINTED_REQUEST_SIZE) {
        lines.add("  -> " + envelope.path("type").asText() + " " + key + (delete ? "" : " " + customers.get(key)));
      }
    }
    return 204;
  }

  /** How many customers the receiver holds. */
  synchronized int size() {
    return customers.size();
  }

  /** The customer held under {@code key}, or null. */
  synchronized Map<String, Object> customer(String key) {
    return customers.get(key);
  }

  /**
   * Prints what arrived since the last call: the records of small requests (sorted, since
   * concurrent requests arrive in any order), then the counts.
   */
  synchronized void printReceived() {
    Collections.sort(lines);
    lines.forEach(out::println);
    out.println("  receiver verified and applied " + requests + (requests == 1 ? " request, " : " requests, ")
        + records + " records; refused " + refused);
    lines.clear();
    requests = 0;
    records = 0;
    refused = 0;
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
