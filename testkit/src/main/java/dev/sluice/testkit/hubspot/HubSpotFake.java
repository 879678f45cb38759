package dev.sluice.testkit.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A stateful fake of HubSpot's CRM v3 API on a loopback socket, for testing connectors and syncs
 * against HubSpot's behaviour without an account. Needs {@code com.squareup.okhttp3:mockwebserver3}.
 *
 * <p>It keeps objects by id per object type, with an index per unique-value property, and
 * answers as the official OpenAPI specification describes:
 *
 * <ul>
 *   <li>{@code GET /crm/v3/properties/{objectType}}: the object's properties (name, label, type,
 *       fieldType, options, hasUniqueValue, calculated, modificationMetadata);
 *   <li>{@code POST /crm/v3/objects/{objectType}/batch/upsert | update | create | read}: at most
 *       100 inputs; 200 (201 for create) when every input succeeded; when some failed, 207 with
 *       {@code results} and {@code errors} if every input carries a distinct
 *       {@code objectWriteTraceId}, else 400 for the whole batch;
 *   <li>{@code POST /crm/v3/objects/{objectType}/batch/archive}: 204;
 *   <li>{@code POST /oauth/v1/token} ({@code grant_type=refresh_token}): a new access token with
 *       {@code expires_in}.
 * </ul>
 *
 * <p>Values are checked by property type (number, bool, date at midnight UTC or
 * {@code YYYY-MM-DD}, datetime in epoch milliseconds or ISO-8601, enumeration options separated by
 * {@code ;}), unknown and read-only properties are refused, and unique values are enforced.
 *
 * <p>Every answer carries {@code X-HubSpot-RateLimit-Max}, {@code -Remaining},
 * {@code -Interval-Milliseconds}, {@code -Daily} and {@code -Daily-Remaining}; a request over the
 * rolling 10-second limit gets 429 with {@code "policyName":"TEN_SECONDLY_ROLLING"}, over the daily
 * limit 429 with {@code "policyName":"DAILY"}, neither with a {@code Retry-After}. Thread-safe.
 */
public final class HubSpotFake implements AutoCloseable {

  /** A property of an object type, as {@code GET /crm/v3/properties} lists it. */
  public static final class Property {
    final String name;
    final String type;
    final String fieldType;
    final List<String> options;
    final boolean unique;
    final boolean calculated;
    final boolean readOnly;

    private Property(String name, String type, String fieldType, List<String> options, boolean unique,
        boolean calculated, boolean readOnly) {
      this.name = name;
      this.type = type;
      this.fieldType = fieldType;
      this.options = List.copyOf(options);
      this.unique = unique;
      this.calculated = calculated;
      this.readOnly = readOnly;
    }

    /**
     * {@return a single-line text property}
     *
     * @param name the name
     */
    public static Property string(String name) {
      return new Property(name, "string", "text", List.of(), false, false, false);
    }

    /**
     * {@return a number property}
     *
     * @param name the name
     */
    public static Property number(String name) {
      return new Property(name, "number", "number", List.of(), false, false, false);
    }

    /**
     * {@return a checkbox (boolean) property}
     *
     * @param name the name
     */
    public static Property bool(String name) {
      return new Property(name, "bool", "booleancheckbox", List.of("true", "false"), false, false, false);
    }

    /**
     * {@return a date property (midnight UTC)}
     *
     * @param name the name
     */
    public static Property date(String name) {
      return new Property(name, "date", "date", List.of(), false, false, false);
    }

    /**
     * {@return a date-and-time property}
     *
     * @param name the name
     */
    public static Property datetime(String name) {
      return new Property(name, "datetime", "date", List.of(), false, false, false);
    }

    /**
     * {@return a dropdown with these option values}
     *
     * @param name the name
     * @param options the option values
     */
    public static Property enumeration(String name, String... options) {
      return new Property(name, "enumeration", "select", List.of(options), false, false, false);
    }

    /**
     * Multiple checkboxes with these option values (a value lists several, separated by {@code ;}).
     *
     * @param name the name
     * @param options the option values
     * @return the property
     */
    public static Property multiSelect(String name, String... options) {
      return new Property(name, "enumeration", "checkbox", List.of(options), false, false, false);
    }

    /** {@return this property with unique values (it can key upserts)} */
    public Property unique() {
      return new Property(name, type, fieldType, options, true, calculated, readOnly);
    }

    /** {@return this property calculated by HubSpot (its value cannot be set)} */
    public Property calculated() {
      return new Property(name, type, "calculation_equation", options, unique, true, true);
    }

    /** {@return this property with a read-only value} */
    public Property readOnly() {
      return new Property(name, type, fieldType, options, unique, calculated, true);
    }
  }

  /** The access token the fake accepts unless told otherwise. */
  public static final String DEFAULT_TOKEN = "pat-na1-fake-token";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern OBJECTS = Pattern.compile("/crm/v3/objects/([^/]+)/batch/(upsert|update|create|read|archive)");
  private static final Pattern PROPERTIES = Pattern.compile("/crm/v3/properties/([^/?]+)");
  private static final int MAX_INPUTS = 100;

  private final MockWebServer server = new MockWebServer();
  private final Clock clock;
  private final Map<String, Map<String, Property>> schema = new HashMap<>();
  private final Map<String, Map<String, Map<String, String>>> objects = new HashMap<>();
  private final Map<String, Map<String, Instant>> created = new HashMap<>();
  /** objectType → unique property → value (emails lower-cased) → id. */
  private final Map<String, Map<String, Map<String, String>>> unique = new HashMap<>();
  private final ArrayDeque<Long> window = new ArrayDeque<>();
  private final ArrayDeque<MockResponse> scripted = new ArrayDeque<>();
  private final Set<String> validTokens = new HashSet<>();
  private final Map<String, Instant> tokenExpiry = new HashMap<>();
  private long nextId = 1_000;
  private int limit = 190;
  private long windowMillis = 10_000;
  private long dailyLimit = 1_000_000;
  private long dailyUsed;
  private long requests;
  private long rateLimited;
  private int refreshes;
  private boolean multiStatus = true;
  private String refreshToken;
  private Duration accessTokenLifetime = Duration.ofMinutes(30);
  private final List<String> paths = new ArrayList<>();
  private final List<Long> acceptedAt = new ArrayList<>();
  private final Map<String, Integer> batchSizes = new TreeMap<>();

  private HubSpotFake(Clock clock) {
    this.clock = clock;
    validTokens.add(DEFAULT_TOKEN);
    defineStandardObjects();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return handle(request);
      }
    });
  }

  /**
   * Starts a fake portal with the standard objects, 190 requests per rolling 10 s.
   *
   * @return the started fake; close it when done
   */
  public static HubSpotFake start() {
    return start(Clock.systemUTC());
  }

  /**
   * As {@link #start()}, judging token expiry by {@code clock}.
   *
   * @param clock the clock to read the time from
   * @return the started fake; close it when done
   */
  public static HubSpotFake start(Clock clock) {
    HubSpotFake fake = new HubSpotFake(clock);
    try {
      fake.server.start(0);
    } catch (IOException e) {
      throw new UncheckedIOException("the HubSpot fake did not start", e);
    }
    return fake;
  }

  /** {@return the base URL to give a connector instead of {@code https://api.hubapi.com}} */
  public String baseUrl() {
    String url = server.url("/").toString();
    return url.substring(0, url.length() - 1);
  }

  // ---- configuration --------------------------------------------------------------------------

  /**
   * Allows {@code requests} per rolling {@code window} (HubSpot: 100 or 190 per 10 s by tier).
   *
   * @param requests how many requests
   * @param window the rolling window
   * @return this fake
   */
  public synchronized HubSpotFake rateLimit(int requests, Duration window) {
    this.limit = requests;
    this.windowMillis = window.toMillis();
    return this;
  }

  /**
   * Allows {@code requests} per day; the next ones get 429 DAILY.
   *
   * @param requests how many requests
   * @return this fake
   */
  public synchronized HubSpotFake dailyLimit(long requests) {
    this.dailyLimit = requests;
    return this;
  }

  /**
   * Accepts {@code token} as a private app token too.
   *
   * @param token the token
   * @return this fake
   */
  public synchronized HubSpotFake acceptToken(String token) {
    validTokens.add(token);
    return this;
  }

  /**
   * Enables the OAuth refresh flow: {@code refreshToken} gets access tokens living {@code lifetime}.
   *
   * @param refreshToken the refresh token
   * @param lifetime how long an access token lives
   * @return this fake
   */
  public synchronized HubSpotFake oauth(String refreshToken, Duration lifetime) {
    this.refreshToken = refreshToken;
    this.accessTokenLifetime = lifetime;
    return this;
  }

  /**
   * With false, a batch with any invalid input is refused as a whole with 400, whatever the
   * trace ids: how the API answers some kinds of errors.
   *
   * @param enabled whether 207 answers are given
   * @return this fake
   */
  public synchronized HubSpotFake multiStatus(boolean enabled) {
    this.multiStatus = enabled;
    return this;
  }

  /**
   * Adds (or replaces) a property of {@code objectType}; the type is created if new (custom objects).
   *
   * @param objectType the object type: {@code contacts}, a custom object's name or id, ...
   * @param properties the properties
   * @return this fake
   */
  public synchronized HubSpotFake define(String objectType, Property... properties) {
    Map<String, Property> props = schema.computeIfAbsent(objectType, t -> {
      Map<String, Property> base = new LinkedHashMap<>();
      base.put("hs_object_id", new Property("hs_object_id", "number", "number", List.of(), true, false, true));
      base.put("createdate", Property.datetime("createdate").readOnly());
      base.put("hs_lastmodifieddate", Property.datetime("hs_lastmodifieddate").readOnly());
      return base;
    });
    for (Property p : properties) {
      props.put(p.name, p);
    }
    return this;
  }

  /**
   * Answers the next request with {@code status} and {@code body}, whatever it is.
   *
   * @param status the HTTP status
   * @param body the body
   * @return this fake
   */
  public synchronized HubSpotFake respondNext(int status, String body) {
    scripted.add(new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json").body(body).build());
    return this;
  }

  /**
   * Answers the next request with a 429 of {@code policyName} (TEN_SECONDLY_ROLLING or DAILY).
   *
   * @param policyName {@code TEN_SECONDLY_ROLLING} or {@code DAILY}
   * @return this fake
   */
  public synchronized HubSpotFake rateLimitNext(String policyName) {
    scripted.add(tooManyRequests(policyName));
    return this;
  }

  // ---- what the fake holds ---------------------------------------------------------------------

  /**
   * {@return the live objects of {@code objectType}: their properties by HubSpot id}
   *
   * @param objectType the object type: {@code contacts}, a custom object's name or id, ...
   */
  public synchronized Map<String, Map<String, String>> objects(String objectType) {
    Map<String, Map<String, String>> copy = new TreeMap<>();
    objects.getOrDefault(objectType, Map.of()).forEach((id, props) -> copy.put(id, Map.copyOf(props)));
    return copy;
  }

  /**
   * {@return the live objects of {@code objectType} by the value of {@code property}}
   *
   * @param objectType the object type: {@code contacts}, a custom object's name or id, ...
   * @param property the property name
   */
  public synchronized Map<String, Map<String, String>> objectsBy(String objectType, String property) {
    Map<String, Map<String, String>> byValue = new TreeMap<>();
    objects.getOrDefault(objectType, Map.of()).values().forEach(props -> {
      if (props.get(property) != null) {
        byValue.put(props.get(property), Map.copyOf(props));
      }
    });
    return byValue;
  }

  /**
   * Creates an object directly, as if made in HubSpot's UI; returns its id.
   *
   * @param objectType the object type: {@code contacts}, a custom object's name or id, ...
   * @param properties the properties
   * @return the new object's id
   */
  public synchronized String put(String objectType, Map<String, String> properties) {
    String id = Long.toString(nextId++);
    Map<String, String> props = new TreeMap<>(properties);
    props.put("hs_object_id", id);
    objects.computeIfAbsent(objectType, t -> new LinkedHashMap<>()).put(id, props);
    props.forEach((name, value) -> index(objectType, name, value, id));
    created.computeIfAbsent(objectType, t -> new HashMap<>()).put(id, clock.instant());
    return id;
  }

  /** {@return requests received, 429s included} */
  public synchronized long requests() {
    return requests;
  }

  /** {@return requests answered 429} */
  public synchronized long rateLimited() {
    return rateLimited;
  }

  /** {@return when each request under the limits arrived ({@link System#nanoTime()}), in order} */
  public synchronized List<Long> acceptedAt() {
    return List.copyOf(acceptedAt);
  }

  /** {@return access tokens issued by the refresh flow} */
  public synchronized int refreshes() {
    return refreshes;
  }

  /**
   * {@return the paths requested, in order (method and path, such as {@code POST /crm/v3/objects/contacts/batch/upsert})}
   */
  public synchronized List<String> paths() {
    return List.copyOf(paths);
  }

  /**
   * {@return inputs received per batch endpoint (upsert, update, create, read, archive), summed}
   */
  public synchronized Map<String, Integer> inputs() {
    return new TreeMap<>(batchSizes);
  }

  @Override
  public void close() {
    server.close();
  }

  // ---- request handling ------------------------------------------------------------------------

  private synchronized MockResponse handle(RecordedRequest request) {
    requests++;
    String target = request.getTarget();
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    paths.add(request.getMethod() + " " + path);
    MockResponse next = scripted.poll();
    if (next != null) {
      if (next.getCode() == 429) {
        rateLimited++;
      }
      return next;
    }
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    if (path.equals("/oauth/v1/token")) {
      return token(body);
    }
    if (!authorized(request.getHeaders().get("Authorization"))) {
      return error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found. This API supports OAuth 2.0"
          + " authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview", null);
    }
    long now = System.nanoTime() / 1_000_000;
    while (!window.isEmpty() && window.peekFirst() <= now - windowMillis) {
      window.pollFirst();
    }
    if (dailyUsed >= dailyLimit) {
      rateLimited++;
      return tooManyRequests("DAILY");
    }
    if (window.size() >= limit) {
      rateLimited++;
      return tooManyRequests("TEN_SECONDLY_ROLLING");
    }
    window.addLast(now);
    acceptedAt.add(System.nanoTime());
    dailyUsed++;
    MockResponse response;
    try {
      Matcher m;
      if (request.getMethod().equals("GET") && (m = PROPERTIES.matcher(path)).matches()) {
        response = properties(m.group(1));
      } else if (request.getMethod().equals("POST") && (m = OBJECTS.matcher(path)).matches()) {
        response = batch(m.group(1), m.group(2), JSON.readTree(body));
      } else {
        response = error(404, "OBJECT_NOT_FOUND", "Unable to route " + request.getMethod() + " " + path, null);
      }
    } catch (IOException e) {
      response = error(400, "VALIDATION_ERROR", "Invalid input JSON: " + e.getMessage(), null);
    }
    return withLimitHeaders(response);
  }

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    String token = header.substring("Bearer ".length());
    if (validTokens.contains(token)) {
      return true;
    }
    Instant expiry = tokenExpiry.get(token);
    return expiry != null && clock.instant().isBefore(expiry);
  }

  private MockResponse token(String form) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    if (refreshToken == null || !"refresh_token".equals(fields.get("grant_type"))
        || !refreshToken.equals(fields.get("refresh_token"))) {
      return new MockResponse.Builder().code(400).addHeader("Content-Type", "application/json")
          .body("{\"status\":\"BAD_REFRESH_TOKEN\",\"message\":\"missing or unknown refresh token\"}").build();
    }
    refreshes++;
    String access = "oauth-access-" + UUID.randomUUID();
    tokenExpiry.put(access, clock.instant().plus(accessTokenLifetime));
    ObjectNode reply = JSON.createObjectNode()
        .put("access_token", access)
        .put("refresh_token", refreshToken)
        .put("expires_in", accessTokenLifetime.toSeconds())
        .put("token_type", "bearer");
    return json(200, reply);
  }

  private MockResponse properties(String objectType) {
    Map<String, Property> props = schema.get(objectType);
    if (props == null) {
      return error(400, "VALIDATION_ERROR", "Unable to infer object type from: " + objectType, null);
    }
    ArrayNode results = JSON.createArrayNode();
    int order = 0;
    for (Property p : props.values()) {
      ObjectNode n = results.addObject()
          .put("name", p.name)
          .put("label", label(p.name))
          .put("type", p.type)
          .put("fieldType", p.fieldType)
          .put("description", "")
          .put("groupName", objectType.replaceAll("s$", "") + "information")
          .put("displayOrder", order++)
          .put("hasUniqueValue", p.unique)
          .put("calculated", p.calculated)
          .put("hidden", false)
          .put("formField", !p.readOnly)
          .put("hubspotDefined", p.name.startsWith("hs_") || p.name.equals("createdate"));
      ArrayNode options = n.putArray("options");
      int o = 0;
      for (String value : p.options) {
        options.addObject().put("label", label(value)).put("value", value).put("displayOrder", o++).put("hidden", false);
      }
      n.putObject("modificationMetadata").put("archivable", true).put("readOnlyDefinition", p.readOnly)
          .put("readOnlyValue", p.readOnly);
    }
    ObjectNode reply = JSON.createObjectNode();
    reply.set("results", results);
    return json(200, reply);
  }

  private MockResponse batch(String objectType, String operation, JsonNode request) {
    Map<String, Property> props = schema.get(objectType);
    if (props == null) {
      return error(400, "VALIDATION_ERROR", "Unable to infer object type from: " + objectType, null);
    }
    JsonNode inputs = request.path("inputs");
    if (!inputs.isArray()) {
      return error(400, "VALIDATION_ERROR", "Invalid input JSON: 'inputs' is required", null);
    }
    if (inputs.size() > MAX_INPUTS) {
      return error(400, "VALIDATION_ERROR", "Batch input size must be at most " + MAX_INPUTS + ", was " + inputs.size(), null);
    }
    batchSizes.merge(operation, inputs.size(), Integer::sum);
    Map<String, Map<String, String>> store = objects.computeIfAbsent(objectType, t -> new LinkedHashMap<>());
    if (operation.equals("archive")) {
      for (JsonNode input : inputs) {
        Map<String, String> gone = store.remove(input.path("id").asText());
        if (gone != null) {
          gone.forEach((name, value) -> unindex(objectType, name, value));
        }
      }
      return new MockResponse.Builder().code(204).build();
    }
    if (operation.equals("read")) {
      return read(objectType, props, store, request);
    }
    Set<String> traceIds = new HashSet<>();
    boolean traced = true;
    for (JsonNode input : inputs) {
      String trace = input.path("objectWriteTraceId").asText(null);
      traced &= trace != null && traceIds.add(trace);
    }
    // Validate everything first: a batch is applied only as far as its inputs are valid.
    List<ObjectNode> errors = new ArrayList<>();
    List<JsonNode> valid = new ArrayList<>();
    Set<String> seenIds = new HashSet<>();
    for (JsonNode input : inputs) {
      ObjectNode problem = validate(objectType, operation, props, input, seenIds);
      if (problem == null) {
        valid.add(input);
      } else {
        errors.add(problem);
      }
    }
    if (!errors.isEmpty() && (!traced || !multiStatus)) {
      ObjectNode first = errors.get(0);
      return error(400, first.path("category").asText(), first.path("message").asText(), first.path("errors"));
    }
    ArrayNode results = JSON.createArrayNode();
    for (JsonNode input : valid) {
      results.add(apply(objectType, operation, store, input));
    }
    ObjectNode reply = JSON.createObjectNode();
    reply.put("status", "COMPLETE");
    reply.set("results", results);
    String now = clock.instant().toString();
    reply.put("requestedAt", now).put("startedAt", now).put("completedAt", now);
    if (!errors.isEmpty()) {
      reply.put("numErrors", errors.size());
      reply.putArray("errors").addAll(errors);
      return json(207, reply);
    }
    return json(operation.equals("create") ? 201 : 200, reply);
  }

  private MockResponse read(String objectType, Map<String, Property> props, Map<String, Map<String, String>> store,
      JsonNode request) {
    String idProperty = request.path("idProperty").asText("hs_object_id");
    if (!props.containsKey(idProperty) || !props.get(idProperty).unique) {
      return error(400, "VALIDATION_ERROR", idProperty + " is not a unique property of " + objectType, null);
    }
    ArrayNode results = JSON.createArrayNode();
    List<String> missing = new ArrayList<>();
    for (JsonNode input : request.path("inputs")) {
      String value = input.path("id").asText();
      String id = find(objectType, idProperty, value);
      if (id == null) {
        missing.add(value);
      } else {
        ObjectNode result = objectNode(objectType, id, store.get(id), false);
        ObjectNode properties = result.putObject("properties");
        properties.put("hs_object_id", id);
        for (JsonNode name : request.path("properties")) {
          properties.put(name.asText(), store.get(id).get(name.asText()));
        }
        properties.put(idProperty, store.get(id).get(idProperty));
        results.add(result);
      }
    }
    ObjectNode reply = JSON.createObjectNode();
    reply.put("status", "COMPLETE");
    reply.set("results", results);
    String now = clock.instant().toString();
    reply.put("startedAt", now).put("completedAt", now);
    if (missing.isEmpty()) {
      return json(200, reply);
    }
    reply.put("numErrors", 1);
    ObjectNode e = reply.putArray("errors").addObject().put("status", "error").put("category", "OBJECT_NOT_FOUND")
        .put("message", "Could not get some " + objectType + " objects, they may be deleted or not exist."
            + " Check that ids are valid.");
    ArrayNode ids = e.putObject("context").putArray("ids");
    missing.forEach(ids::add);
    e.putArray("errors");
    e.putObject("links");
    return json(207, reply);
  }

  /** A problem with one input, as an entry of {@code errors}, or null when it is valid. */
  private ObjectNode validate(String objectType, String operation, Map<String, Property> props, JsonNode input,
      Set<String> seenIds) {
    String trace = input.path("objectWriteTraceId").asText(null);
    String idProperty = input.path("idProperty").asText("hs_object_id");
    String id = input.path("id").asText(null);
    if (!operation.equals("create")) {
      if (id == null) {
        return problem("VALIDATION_ERROR", "Input is missing the required field 'id'", trace, null, List.of());
      }
      Property key = props.get(idProperty);
      if (key == null || !key.unique) {
        return problem("VALIDATION_ERROR", "Property '" + idProperty + "' is not a unique value property and cannot"
            + " be used as an idProperty", trace, id, List.of());
      }
      if (!seenIds.add(id)) {
        return problem("VALIDATION_ERROR", "Duplicate IDs found in batch input: [" + id + "]. IDs must be unique",
            trace, id, List.of());
      }
      if (operation.equals("update") && find(objectType, idProperty, id) == null) {
        return problem("OBJECT_NOT_FOUND", "No " + objectType + " with " + idProperty + " " + id + " exists",
            trace, id, List.of());
      }
    }
    List<ObjectNode> details = new ArrayList<>();
    JsonNode properties = input.path("properties");
    if (!properties.isObject()) {
      return problem("VALIDATION_ERROR", "Input is missing the required field 'properties'", trace, id, List.of());
    }
    for (Map.Entry<String, JsonNode> field : properties.properties()) {
      String name = field.getKey();
      Property p = props.get(name);
      String value = field.getValue().isNull() ? "" : field.getValue().asText();
      String code = p == null ? "PROPERTY_DOESNT_EXIST" : p.readOnly ? "READ_ONLY_VALUE" : invalid(p, value);
      if (code == null && p.unique && !value.isEmpty()) {
        String holder = find(objectType, name, value);
        String self = operation.equals("create") ? null : find(objectType, idProperty, id);
        if (holder != null && !holder.equals(self)) {
          code = "OBJECT_ALREADY_EXISTS";
        }
      }
      if (code != null) {
        details.add(JSON.createObjectNode().put("isValid", false).put("message", message(code, name, value, objectType))
            .put("error", code).put("name", name));
      }
    }
    if (details.isEmpty()) {
      return null;
    }
    String category = details.stream().anyMatch(d -> d.path("error").asText().equals("OBJECT_ALREADY_EXISTS"))
        ? "CONFLICT" : "VALIDATION_ERROR";
    return problem(category, "Property values were not valid: " + details, trace, id, details);
  }

  private static String message(String code, String name, String value, String objectType) {
    switch (code) {
      case "PROPERTY_DOESNT_EXIST":
        return "Property \"" + name + "\" does not exist";
      case "READ_ONLY_VALUE":
        return name + " is a read only property; its value cannot be set.";
      case "INVALID_OPTION":
        return value + " was not one of the allowed options";
      case "OBJECT_ALREADY_EXISTS":
        return "A " + objectType + " with " + name + " " + value + " already exists";
      default:
        return value + " is not a valid " + code.substring("INVALID_".length()).toLowerCase(Locale.ROOT) + " for " + name;
    }
  }

  /** The error code for {@code value} of {@code p}, or null when it is valid. Empty clears. */
  private static String invalid(Property p, String value) {
    if (value.isEmpty()) {
      return null;
    }
    switch (p.type) {
      case "number":
        try {
          new BigDecimal(value);
          return null;
        } catch (NumberFormatException e) {
          return "INVALID_FLOAT";
        }
      case "bool":
        return value.equals("true") || value.equals("false") ? null : "INVALID_BOOLEAN";
      case "date":
        if (value.matches("\\d+")) {
          return Long.parseLong(value) % 86_400_000L == 0 ? null : "INVALID_DATE";
        }
        try {
          LocalDate.parse(value);
          return null;
        } catch (DateTimeParseException e) {
          return "INVALID_DATE";
        }
      case "datetime":
        if (value.matches("\\d+")) {
          return null;
        }
        try {
          Instant.parse(value);
          return null;
        } catch (DateTimeParseException e) {
          return "INVALID_DATETIME";
        }
      case "enumeration":
        for (String option : p.fieldType.equals("checkbox") ? value.split(";") : new String[] {value}) {
          if (!p.options.contains(option)) {
            return "INVALID_OPTION";
          }
        }
        return null;
      default:
        if (p.name.equals("email") && !value.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
          return "INVALID_EMAIL";
        }
        return null;
    }
  }

  private ObjectNode problem(String category, String message, String trace, String id, List<ObjectNode> details) {
    ObjectNode e = JSON.createObjectNode().put("status", "error").put("category", category).put("message", message);
    ObjectNode context = e.putObject("context");
    if (id != null) {
      context.putArray("id").add(id);
    }
    if (trace != null) {
      context.putArray("objectWriteTraceId").add(trace);
    }
    ArrayNode errors = e.putArray("errors");
    for (ObjectNode d : details) {
      errors.addObject().put("message", d.path("message").asText()).put("code", d.path("error").asText())
          .put("in", d.path("name").asText());
    }
    e.putObject("links");
    return e;
  }

  private ObjectNode apply(String objectType, String operation, Map<String, Map<String, String>> store, JsonNode input) {
    String idProperty = input.path("idProperty").asText("hs_object_id");
    String value = input.path("id").asText(null);
    String id = operation.equals("create") ? null : find(objectType, idProperty, value);
    boolean isNew = id == null;
    if (isNew) {
      id = Long.toString(nextId++);
      store.put(id, new TreeMap<>());
      created.computeIfAbsent(objectType, t -> new HashMap<>()).put(id, clock.instant());
      if (!operation.equals("create") && !idProperty.equals("hs_object_id")) {
        store.get(id).put(idProperty, value);
        index(objectType, idProperty, value, id);
      }
    }
    Map<String, String> props = store.get(id);
    props.put("hs_object_id", id);
    boolean changed = isNew;
    for (Map.Entry<String, JsonNode> field : input.path("properties").properties()) {
      String v = field.getValue().isNull() ? "" : field.getValue().asText();
      String old = v.isEmpty() ? props.remove(field.getKey()) : props.put(field.getKey(), v);
      changed |= !v.equals(old == null ? "" : old);
      if (old != null) {
        unindex(objectType, field.getKey(), old);
      }
      if (!v.isEmpty()) {
        index(objectType, field.getKey(), v, id);
      }
    }
    if (changed) {
      props.put("hs_lastmodifieddate", clock.instant().toString());
    }
    ObjectNode result = objectNode(objectType, id, props, true);
    if (operation.equals("upsert")) {
      result.put("new", isNew);
    }
    if (input.hasNonNull("objectWriteTraceId")) {
      result.put("objectWriteTraceId", input.get("objectWriteTraceId").asText());
    }
    return result;
  }

  private ObjectNode objectNode(String objectType, String id, Map<String, String> props, boolean withProperties) {
    Instant at = created.getOrDefault(objectType, Map.of()).getOrDefault(id, clock.instant());
    ObjectNode result = JSON.createObjectNode().put("id", id).put("archived", false)
        .put("createdAt", at.toString()).put("updatedAt", clock.instant().toString());
    if (withProperties) {
      ObjectNode p = result.putObject("properties");
      props.forEach(p::put);
    }
    return result;
  }

  private String find(String objectType, String property, String value) {
    if (property.equals("hs_object_id")) {
      return objects.getOrDefault(objectType, Map.of()).containsKey(value) ? value : null;
    }
    return unique.getOrDefault(objectType, Map.of()).getOrDefault(property, Map.of()).get(normal(property, value));
  }

  private void index(String objectType, String property, String value, String id) {
    Property p = schema.get(objectType).get(property);
    if (p != null && p.unique && !property.equals("hs_object_id")) {
      unique.computeIfAbsent(objectType, t -> new HashMap<>()).computeIfAbsent(property, n -> new HashMap<>())
          .put(normal(property, value), id);
    }
  }

  private void unindex(String objectType, String property, String value) {
    Map<String, String> byValue = unique.getOrDefault(objectType, Map.of()).get(property);
    if (byValue != null) {
      byValue.remove(normal(property, value));
    }
  }

  private static String normal(String property, String value) {
    return property.equals("email") ? value.toLowerCase(Locale.ROOT) : value;
  }

  private MockResponse tooManyRequests(String policy) {
    String message = policy.equals("DAILY") ? "You have reached your daily limit."
        : "You have reached your ten_secondly_rolling limit.";
    ObjectNode body = JSON.createObjectNode().put("status", "error").put("message", message)
        .put("errorType", "RATE_LIMIT").put("correlationId", UUID.randomUUID().toString()).put("policyName", policy)
        .put("requestId", UUID.randomUUID().toString());
    return withLimitHeaders(json(429, body));
  }

  private MockResponse withLimitHeaders(MockResponse response) {
    return response.newBuilder()
        .addHeader("X-HubSpot-RateLimit-Max", Integer.toString(limit))
        .addHeader("X-HubSpot-RateLimit-Remaining", Integer.toString(Math.max(0, limit - window.size())))
        .addHeader("X-HubSpot-RateLimit-Interval-Milliseconds", Long.toString(windowMillis))
        .addHeader("X-HubSpot-RateLimit-Daily", Long.toString(dailyLimit))
        .addHeader("X-HubSpot-RateLimit-Daily-Remaining", Long.toString(Math.max(0, dailyLimit - dailyUsed)))
        .build();
  }

  private static MockResponse error(int status, String category, String message, JsonNode errors) {
    ObjectNode body = JSON.createObjectNode().put("status", "error").put("message", message)
        .put("correlationId", UUID.randomUUID().toString()).put("category", category);
    if (errors != null && errors.isArray() && !errors.isEmpty()) {
      body.set("errors", errors);
    }
    return json(status, body);
  }

  private static MockResponse json(int status, JsonNode body) {
    try {
      return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json;charset=utf-8")
          .body(JSON.writeValueAsString(body)).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String label(String name) {
    String spaced = name.replace('_', ' ');
    return spaced.isEmpty() ? spaced : Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
  }

  private void defineStandardObjects() {
    define("contacts",
        Property.string("email").unique(),
        Property.string("firstname"),
        Property.string("lastname"),
        Property.string("phone"),
        Property.string("company"),
        Property.enumeration("lifecyclestage", "subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead",
            "opportunity", "customer", "evangelist", "other"),
        Property.number("hs_lead_score").calculated(),
        Property.date("date_of_birth"),
        Property.datetime("lastmodifieddate").readOnly());
    define("companies",
        Property.string("name"),
        Property.string("domain"),
        Property.string("industry"),
        Property.number("annualrevenue"),
        Property.number("numberofemployees"));
    define("deals",
        Property.string("dealname"),
        Property.number("amount"),
        Property.enumeration("dealstage", "appointmentscheduled", "qualifiedtobuy", "presentationscheduled",
            "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"),
        Property.string("pipeline"),
        Property.datetime("closedate"));
    define("tickets",
        Property.string("subject"),
        Property.string("content"),
        Property.string("hs_pipeline"),
        Property.string("hs_pipeline_stage"),
        Property.enumeration("hs_ticket_priority", "LOW", "MEDIUM", "HIGH", "URGENT"));
  }
}
