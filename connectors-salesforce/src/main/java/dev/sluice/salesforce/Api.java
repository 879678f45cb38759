package dev.sluice.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.http.JsonClient;
import dev.sluice.http.JsonResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Calls to one org's REST API under {@code /services/data/vNN.N}, with Salesforce's answers
 * classified once: 2xx returned; 401 after signing in again, 403 other than the limits, and 404
 * of the object stop the run; 403 {@code REQUEST_LIMIT_EXCEEDED} as {@link ApiLimits} says; 400
 * and other 4xx permanent for the request; 408 and 5xx retryable. Thread-safe.
 */
final class Api {

  private static final String CSV = "text/csv; charset=UTF-8";

  private final JsonClient client;
  private final ApiLimits limits;
  private final String version;

  Api(JsonClient client, ApiLimits limits, String version) {
    this.client = client;
    this.limits = limits;
    this.version = version;
  }

  /** {@code /services/data/vNN.N/} + {@code resource}. */
  String path(String resource) {
    return "/services/data/" + version + "/" + resource;
  }

  /** {@code value} as JSON text, as the client writes bodies. */
  String toJson(Object value) {
    return client.toJson(value);
  }

  ApiLimits limits() {
    return limits;
  }

  /** Sends a JSON request (body null for none) to {@code resource}; returns the JSON answer. */
  JsonNode json(String method, String resource, Object body) {
    return json(method, resource, body, 0);
  }

  /**
   * As {@link #json(String, String, Object)}, for a request that starts new work needing about
   * {@code newWork} calls: refused when the org's reserve would be touched.
   */
  JsonNode json(String method, String resource, Object body, long newWork) {
    byte[] bytes = body == null ? null : client.toJson(body).getBytes(StandardCharsets.UTF_8);
    byte[] sent = bytes;
    return checked(counted(newWork, () -> client.send(method, resource.startsWith("/") ? resource : path(resource),
        sent, JsonClient.JSON, Map.of()))).json();
  }

  /** Uploads CSV with PUT; Salesforce answers 201 with no body. */
  void putCsv(String resource, byte[] csv) {
    checked(counted(0, () -> client.send("PUT", path(resource), csv, CSV, Map.of("Accept", "application/json"))));
  }

  /** GETs a text resource (a result CSV). */
  String text(String resource) {
    return checked(counted(0, () -> client.send("GET", path(resource), null, null, Map.of("Accept", "text/csv")))).text();
  }

  /** Every record a SOQL query returns, following {@code nextRecordsUrl}; the first page starts {@code newWork}. */
  List<JsonNode> query(String soql, long newWork) {
    List<JsonNode> records = new ArrayList<>();
    JsonNode page = json("GET", "query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8), null, newWork);
    while (true) {
      page.path("records").forEach(records::add);
      if (page.path("done").asBoolean(true) || !page.hasNonNull("nextRecordsUrl")) {
        return records;
      }
      page = json("GET", page.path("nextRecordsUrl").asText(), null);
    }
  }

  /** Every request goes through here, so {@link ApiLimits} counts it while it is in flight. */
  private JsonResponse counted(long newWork, java.util.function.Supplier<JsonResponse> request) {
    limits.started(newWork);
    try {
      return request.get();
    } finally {
      limits.finished();
    }
  }

  private JsonResponse checked(JsonResponse response) {
    int status = response.status();
    if (response.isSuccess()) {
      return response;
    }
    JsonNode body = Session.safeJson(response);
    limits.throwIfLimited(response, body);
    String errors = errors(body, response);
    if (status == 401) {
      throw PermanentDestinationException.stopsRun("Salesforce refused the session even after signing in again (401 "
          + errors + "); check that the connected app's user may use the API (API Enabled permission)");
    }
    if (status == 403) {
      throw PermanentDestinationException.stopsRun("Salesforce refused access (403 " + errors + "); check the"
          + " integration user's permissions on the object and its fields");
    }
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      throw new PermanentDestinationException("Salesforce refused the request (" + status + " " + errors + ")");
    }
    response.throwIfFailed();
    return response;
  }

  /** {@code CODE: message; CODE: message} of an error array, or the answer's excerpt. */
  static String errors(JsonNode body, JsonResponse response) {
    if (!body.isArray() || body.isEmpty()) {
      return response.excerpt();
    }
    StringBuilder text = new StringBuilder();
    for (JsonNode e : body) {
      text.append(text.length() == 0 ? "" : "; ").append(e.path("errorCode").asText("ERROR")).append(": ")
          .append(e.path("message").asText(""));
    }
    return text.toString();
  }

  /** A SOQL string literal. */
  static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  void close() {
    client.close();
  }
}
