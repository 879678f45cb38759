package dev.sluice.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Record;
import dev.sluice.RunContext;
import dev.sluice.SyncMode;
import dev.sluice.delivery.RateLimitRegistry;
import dev.sluice.delivery.RollingWindowRateLimiter;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RateLimitedException;
import dev.sluice.destination.RecordOutcome;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.http.AuthProvider;
import dev.sluice.http.JsonClient;
import dev.sluice.http.Redaction;
import dev.sluice.http.JsonResponse;
import dev.sluice.http.OAuth2RefreshTokenProvider;
import dev.sluice.map.Mapping;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records to a HubSpot CRM object type — contacts, companies, deals, tickets, or any other
 * object type by name or id, custom objects included — through the CRM v3 batch endpoints.
 *
 * <pre>{@code
 * HubSpot contacts = HubSpot.builder("contacts")
 *     .privateAppToken(System.getenv("HUBSPOT_TOKEN"))
 *     .idProperty("email")                   // the sync's key is the contact's email
 *     .tier(HubSpotTier.PROFESSIONAL)        // 190 requests per 10 s to start with
 *     .build();
 * }</pre>
 *
 * <p><b>Keys.</b> The record key is the value of {@code idProperty}, a property with unique values
 * ({@code email} for contacts, or a custom external-id property). Upserts go to
 * {@code batch/upsert}, updates to {@code batch/update} (both keyed by {@code idProperty}),
 * inserts to {@code batch/create} (with {@code idProperty} set to the key), and deletes of a
 * mirror sync read the HubSpot ids with {@code batch/read} and archive them with
 * {@code batch/archive}. 100 records per request. Each input carries the record key as its
 * {@code objectWriteTraceId}, so a partial failure (207) is mapped to its record.
 *
 * <p><b>Schema.</b> When a run opens, the object's properties are read
 * ({@code GET /crm/v3/properties/{objectType}}) and the mapped fields checked: a field that is no
 * property (with the nearest names suggested), a read-only or calculated property, or an
 * {@code idProperty} without unique values fails the run before anything is sent
 * ({@link HubSpotSchemaException}). Values are written as HubSpot expects them: numbers in plain
 * notation, booleans as {@code true}/{@code false}, dates as {@code YYYY-MM-DD}, datetimes as
 * epoch milliseconds, enumeration values checked against the property's options (several joined
 * by {@code ;}), maps and lists as JSON text in text properties, null clearing the property. A
 * value that does not fit fails its record, with the field and the reason, and is not sent.
 *
 * <p><b>Answers.</b> 200, 201 and 207 give one outcome per record; a 400 that refuses the whole
 * batch is permanent, and the engine splits the batch to find the bad records; a 429 of the
 * {@code TEN_SECONDLY_ROLLING} policy waits and retries; a 429 of the {@code DAILY} policy stops
 * the run (ABORTED, unsent records pending) since the daily limit resets only at midnight; 401
 * (token invalid), 403 (missing scope) and 404 (unknown object type) stop the run; 5xx and timeouts
 * are retried.
 *
 * <p><b>Pacing.</b> Every request takes a permit from the account's budget — batch writes, the
 * {@code batch/read} that resolves ids before an archive, and schema reads alike — so the number
 * of requests in any rolling 10 s never exceeds it; the destination declares this to the engine
 * ({@link Capabilities#requestsTakePermits()}), which then takes none of its own. The budget is a
 * {@link RollingWindowRateLimiter} at the tier's burst limit, following HubSpot's
 * {@code X-HubSpot-RateLimit-Max} and {@code -Remaining} headers (leaving room for other apps on
 * the account and counting requests still in flight). Syncs to the same account share one budget
 * when built with the same {@link Builder#portal(String, RateLimitRegistry)}.
 */
public final class HubSpot implements Destination {

  /** HubSpot's own id property: an object's HubSpot id. */
  public static final String OBJECT_ID = "hs_object_id";

  /** HubSpot's API. */
  public static final String DEFAULT_BASE_URL = "https://api.hubapi.com";

  /** Inputs per batch request. */
  public static final int MAX_INPUTS = 100;

  private static final int SCHEMA_ATTEMPTS = 3;

  /** HubSpot's burst window. */
  private static final Duration WINDOW = Duration.ofSeconds(10);

  /** How values are written when the schema is not read: as text. */
  private static final HubSpotSchema.Property UNKNOWN_PROPERTY =
      new HubSpotSchema.Property("(unknown)", "(unknown)", "string", "text", Set.of(), false, false);

  private static final Logger log = LoggerFactory.getLogger(HubSpot.class);

  private final String objectType;
  private final String idProperty;
  private final String identity;
  private final boolean checkSchema;
  private final boolean privateAppToken;
  private final Duration burstWait;
  private final RateLimiter rateLimit;
  private final JsonClient client;
  private final Capabilities capabilities;
  private final String objectsPath;
  private volatile HubSpotSchema schema;

  private HubSpot(Builder b) {
    this.objectType = b.objectType;
    this.idProperty = b.idProperty;
    this.checkSchema = b.checkSchema;
    this.privateAppToken = b.privateAppToken;
    this.burstWait = b.burstWait;
    this.rateLimit = b.rateLimit != null ? b.rateLimit
        : b.portal != null
            ? b.budgets.rollingWindow("hubspot:" + b.portal, b.tier.requestsPerTenSeconds(), WINDOW)
            : RollingWindowRateLimiter.of("hubspot:" + b.objectType, b.tier.requestsPerTenSeconds(), WINDOW);
    JsonClient.Builder http = JsonClient.builder(b.baseUrl)
        .auth(b.auth)
        .responseTimeout(b.timeout)
        .requestTimeout(b.timeout)
        .userAgent("sluice-hubspot")
        .rateLimiter(rateLimit)
        .responseListener(this::observeLimits);
    if (b.meterRegistry != null) {
      http.metrics(b.meterRegistry, "hubspot");
    }
    this.client = http.build();
    Redaction.registerAll(b.auth.secrets());
    this.identity = "hubspot " + b.baseUrl + " " + objectType;
    // Without idProperty a record cannot be found again: only creating is possible, and a sync in
    // another mode fails at build() naming the operations this destination offers.
    Operation[] operations = idProperty == null ? new Operation[] {Operation.INSERT}
        : new Operation[] {Operation.UPSERT, Operation.UPDATE, Operation.INSERT, Operation.DELETE};
    this.capabilities = Capabilities.builder()
        .operations(operations)
        .maxRecordsPerBatch(MAX_INPUTS)
        .idempotentWrites(true)
        .requestsTakePermits(rateLimit)
        .build();
    this.objectsPath = "/crm/v3/objects/" + objectType + "/batch/";
  }

  /**
   * Starts a destination for {@code objectType}: {@code contacts}, {@code companies},
   * {@code deals}, {@code tickets}, another standard object, or a custom object's name or id
   * (such as {@code p_vehicles} or {@code 2-1234567}).
   *
   * @param objectType the object type: {@code contacts}, a custom object's name or id, ...
   * @return a builder to configure it with
   */
  public static Builder builder(String objectType) {
    return new Builder(objectType);
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  /** {@return the budget every request of this destination takes a permit from} */
  public RateLimiter rateLimit() {
    return rateLimit;
  }

  @Override
  public void open(RunContext context) {
    if (idProperty == null && context.mode() != SyncMode.INSERT) {
      throw new IllegalStateException("HubSpot " + objectType + " needs idProperty(...) for mode " + context.mode()
          + ": name a property with unique values whose value is the record key, such as email for contacts");
    }
    if (!checkSchema) {
      return;
    }
    HubSpotSchema loaded = loadSchema();
    List<String> problems = loaded.problems(context.fields().orElse(List.of()), idProperty);
    if (!problems.isEmpty()) {
      throw new HubSpotSchemaException(objectType, problems);
    }
    this.schema = loaded;
  }

  /**
   * Reads the object's properties and matches source column names to writable ones, ignoring
   * case, underscores and spaces (by property name, then by label): {@code First_Name} →
   * {@code firstname}. Columns without a match are left out.
   *
   * @param columns the source column names
   * @return column → property, in column order
   */
  public Map<String, String> matchProperties(Collection<String> columns) {
    return loadSchema().match(columns);
  }

  /**
   * {@return a mapping that renames each source column to the HubSpot property its name matches (see
   * {@link #matchProperties(Collection)}); columns without a match are not sent, and are logged}
   *
   * @param columns the source column names
   */
  public Mapping autoMapping(Collection<String> columns) {
    Map<String, String> matched = matchProperties(columns);
    Mapping.Builder mapping = Mapping.builder();
    matched.forEach(mapping::rename);
    List<String> unmatched = new ArrayList<>(columns);
    unmatched.removeAll(matched.keySet());
    if (!unmatched.isEmpty()) {
      log.info("columns with no {} property of the same name, not mapped: {}", objectType, unmatched);
    }
    return mapping.build();
  }

  /**
   * Reads the object's properties; a retryable failure (5xx, timeout, a rate limit) is tried again
   * up to {@value #SCHEMA_ATTEMPTS} times, waiting as HubSpot asks or 200 ms more each time.
   */
  private HubSpotSchema loadSchema() {
    for (int attempt = 1; ; attempt++) {
      try {
        JsonResponse response = client.get("/crm/v3/properties/" + objectType + "?archived=false");
        failOnAccountProblems(response);
        response.throwIfFailed();
        return HubSpotSchema.parse(objectType, response.json());
      } catch (RetryableDestinationException e) {
        if (attempt == SCHEMA_ATTEMPTS) {
          throw e;
        }
        Duration wait = e.requestedWait().orElse(Duration.ofMillis(200L * attempt));
        log.debug("reading the {} properties failed ({}); trying again in {}", objectType, e.getMessage(), wait);
        LockSupport.parkNanos(wait.toNanos());
      }
    }
  }

  @Override
  public BatchResult write(Batch batch) {
    if (batch.operation() == Operation.DELETE) {
      return archive(batch);
    }
    BatchResult.Builder result = BatchResult.builder(batch);
    List<Map<String, Object>> inputs = new ArrayList<>(batch.size());
    for (Record record : batch.records()) {
      Map<String, Object> input = new LinkedHashMap<>();
      Map<String, String> properties;
      try {
        properties = properties(record);
      } catch (IllegalArgumentException e) {
        result.failed(record.key(), e.getMessage(), false);
        continue;
      }
      if (batch.operation() == Operation.INSERT) {
        if (idProperty != null && !idProperty.equals(OBJECT_ID)) {
          properties.put(idProperty, record.key());
        }
        input.put("associations", List.of());
      } else {
        input.put("id", record.key());
        if (!idProperty.equals(OBJECT_ID)) {
          input.put("idProperty", idProperty);
        }
      }
      input.put("properties", properties);
      input.put("objectWriteTraceId", record.key());
      inputs.add(input);
    }
    if (inputs.isEmpty()) {
      return result.build();
    }
    String endpoint = batch.operation() == Operation.INSERT ? "create"
        : batch.operation() == Operation.UPDATE ? "update" : "upsert";
    JsonResponse response = client.post(objectsPath + endpoint, Map.of("inputs", inputs));
    readOutcomes(response, batch, result);
    return result.build();
  }

  /** The record's fields as HubSpot property values. */
  private Map<String, String> properties(Record record) {
    Map<String, String> properties = new LinkedHashMap<>();
    HubSpotSchema known = schema;
    for (int i = 0; i < record.size(); i++) {
      String name = record.shape().name(i);
      Object value = record.get(i);
      if (known == null) {
        // Schema check switched off: values are written as text, the way HubSpot returns them.
        properties.put(name, HubSpotSchema.write(UNKNOWN_PROPERTY, value, client::toJson));
        continue;
      }
      HubSpotSchema.Property p = known.property(name).orElseThrow(() -> PermanentDestinationException.stopsRun(
          "field '" + name + "' is not a property of HubSpot " + objectType + "; the mapping declares no fields, so it"
              + " was found only now: map fields to existing properties"));
      if (p.readOnly && !name.equals(idProperty)) {
        throw PermanentDestinationException.stopsRun("field '" + name + "' is read-only or calculated in HubSpot "
            + objectType + "; remove it from the mapping");
      }
      try {
        properties.put(name, HubSpotSchema.write(p, value, client::toJson));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("field '" + name + "' (HubSpot " + p.type + " property): " + e.getMessage());
      }
    }
    return properties;
  }

  private void readOutcomes(JsonResponse response, Batch batch, BatchResult.Builder result) {
    int status = response.status();
    if (status != 200 && status != 201 && status != 207) {
      failOnAccountProblems(response);
      if (status == 400 || status == 409) {
        JsonNode error = response.json();
        RecordOutcome single = batch.size() == 1
            ? outcome(batch.operation(), error, batch.records().get(0).key(), message(error), false) : null;
        if (single != null && single.status() != RecordOutcome.Status.FAILED) {
          result.set(single);
          return;
        }
        throw new PermanentDestinationException("HubSpot refused the batch: " + message(error));
      }
      response.throwIfFailed();
      return;
    }
    JsonNode body = response.json();
    // Trace ids are the record keys.
    Set<String> keys = new HashSet<>(batch.keys());
    for (JsonNode object : body.path("results")) {
      String key = object.path("objectWriteTraceId").asText(null);
      if (key == null) {
        key = object.path("properties").path(idProperty == null ? OBJECT_ID : idProperty).asText(null);
      }
      if (key != null && keys.contains(key)) {
        result.succeeded(key);
      }
    }
    for (JsonNode error : body.path("errors")) {
      String message = message(error);
      boolean retryable = isRetryable(error);
      for (String key : keysOf(error, keys)) {
        result.set(outcome(batch.operation(), error, key, message, retryable));
      }
    }
    if (status != 207 && body.path("errors").isEmpty() && !body.path("results").isEmpty()
        && body.path("results").size() == batch.size() && !body.path("results").get(0).has("objectWriteTraceId")) {
      result.restSucceeded(); // every input succeeded: an answer without trace ids
    }
  }

  /**
   * What an error says about one record: an update of an object HubSpot does not hold is "not
   * found", a create whose idProperty value another object already has is "already exists";
   * anything else is a failure.
   */
  private RecordOutcome outcome(Operation operation, JsonNode error, String key, String message, boolean retryable) {
    String category = error.path("category").asText("");
    if (operation == Operation.UPDATE && category.equals("OBJECT_NOT_FOUND")) {
      return RecordOutcome.notFound(key, message);
    }
    if (operation == Operation.INSERT && category.equals("CONFLICT") && idProperty != null) {
      boolean onId = false;
      for (JsonNode detail : error.path("errors")) {
        // HubSpot names the property in "in" (older answers: "name").
        onId |= idProperty.equals(detail.path("in").asText(detail.path("name").asText("")));
      }
      onId |= !error.path("errors").isArray() || error.path("errors").isEmpty();
      if (onId) {
        return RecordOutcome.alreadyExists(key, message);
      }
    }
    return retryable ? RecordOutcome.retryableFailure(key, message) : RecordOutcome.permanentFailure(key, message);
  }

  /** The record keys an error names, by trace id or by the id (the idProperty value) it lists. */
  private static List<String> keysOf(JsonNode error, Set<String> batchKeys) {
    List<String> keys = new ArrayList<>();
    JsonNode context = error.path("context");
    for (String field : List.of("objectWriteTraceId", "id", "ids")) {
      for (JsonNode value : context.path(field)) {
        String key = value.asText();
        if (batchKeys.contains(key) && !keys.contains(key)) {
          keys.add(key);
        }
      }
      if (!keys.isEmpty()) {
        return keys;
      }
    }
    return keys;
  }

  private static boolean isRetryable(JsonNode error) {
    String category = error.path("category").asText("");
    return category.equals("RATE_LIMITS") || category.equals("INTERNAL_ERROR") || category.equals("TIMEOUT");
  }

  /** HubSpot's message, its category, and the messages of the details. */
  private static String message(JsonNode error) {
    StringBuilder text = new StringBuilder();
    String category = error.path("category").asText("");
    if (!category.isEmpty()) {
      text.append(category).append(": ");
    }
    text.append(error.path("message").asText("(no message)"));
    List<String> details = new ArrayList<>();
    error.path("errors").forEach(d -> {
      String m = d.path("message").asText("");
      if (!m.isEmpty() && !text.toString().contains(m)) {
        details.add(m + (d.hasNonNull("in") ? " (" + d.path("in").asText() + ")" : ""));
      }
    });
    if (!details.isEmpty()) {
      text.append(" — ").append(String.join("; ", details));
    }
    // HubSpot's text may echo what was sent, credentials a gateway saw included.
    return Redaction.masked(text.toString());
  }

  /** Archives the HubSpot objects whose idProperty values are the batch's keys. */
  private BatchResult archive(Batch batch) {
    BatchResult.Builder result = BatchResult.builder(batch);
    Map<String, String> hubspotIds = new LinkedHashMap<>(); // HubSpot id -> key
    if (idProperty.equals(OBJECT_ID)) {
      batch.keys().forEach(key -> hubspotIds.put(key, key));
    } else {
      List<Map<String, String>> ids = new ArrayList<>();
      batch.keys().forEach(key -> ids.add(Map.of("id", key)));
      Map<String, Object> read = new LinkedHashMap<>();
      read.put("idProperty", idProperty);
      read.put("inputs", ids);
      read.put("properties", List.of(idProperty));
      read.put("propertiesWithHistory", List.of());
      JsonResponse response = client.post(objectsPath + "read", read);
      if (response.status() != 200 && response.status() != 207) {
        failOnAccountProblems(response);
        response.throwIfFailed();
      }
      Map<String, String> keys = new HashMap<>();
      for (String key : batch.keys()) {
        keys.put(idProperty.equals("email") ? key.toLowerCase(Locale.ROOT) : key, key);
      }
      for (JsonNode object : response.json().path("results")) {
        String value = object.path("properties").path(idProperty).asText("");
        String key = keys.get(idProperty.equals("email") ? value.toLowerCase(Locale.ROOT) : value);
        if (key != null) {
          hubspotIds.put(object.path("id").asText(), key);
        }
      }
      // Keys HubSpot does not know are already gone: nothing to delete.
      for (String key : batch.keys()) {
        if (!hubspotIds.containsValue(key)) {
          result.succeeded(key);
        }
      }
    }
    if (!hubspotIds.isEmpty()) {
      List<Map<String, String>> inputs = new ArrayList<>();
      hubspotIds.keySet().forEach(id -> inputs.add(Map.of("id", id)));
      JsonResponse response = client.post(objectsPath + "archive", Map.of("inputs", inputs));
      if (response.status() != 204 && response.status() != 200) {
        failOnAccountProblems(response);
        if (response.status() == 400) {
          throw new PermanentDestinationException("HubSpot refused to archive: " + message(response.json()));
        }
        response.throwIfFailed();
      }
      hubspotIds.values().forEach(result::succeeded);
    }
    return result.build();
  }

  /** Stops or paces the run on answers about the account rather than the records. */
  private void failOnAccountProblems(JsonResponse response) {
    int status = response.status();
    if (status == 429) {
      JsonNode body = safeJson(response);
      String policy = body.path("policyName").asText("");
      if (policy.equals("DAILY")) {
        throw PermanentDestinationException.stopsRun("HubSpot's daily API limit for this account is used up"
            + response.header("X-HubSpot-RateLimit-Daily").map(d -> " (" + d + " requests per day)").orElse("")
            + "; it resets at midnight in the account's time zone. The run stopped; unsent records stay pending"
            + " for the next run");
      }
      // Every caller of the budget pauses; the headers of the next answers then tell how much of
      // the window other apps use.
      Duration wait = response.retryAfter().orElse(burstWait);
      throw new RateLimitedException("HubSpot rate limit reached (" + (policy.isEmpty() ? "429" : policy) + "): "
          + body.path("message").asText(""), wait);
    }
    if (status == 401) {
      throw PermanentDestinationException.stopsRun(privateAppToken
          ? "HubSpot refused the private app token (401): it is invalid, expired or revoked; create or copy the"
              + " token in HubSpot's private app settings"
          : "HubSpot refused the credentials (401) even after refreshing the OAuth access token: check the refresh"
              + " token and the app's client id and secret");
    }
    if (status == 403) {
      throw PermanentDestinationException.stopsRun("HubSpot refused access (403): the token lacks a scope this sync"
          + " needs (such as crm.objects." + objectType + ".write): " + message(safeJson(response)));
    }
    if (status == 404) {
      throw PermanentDestinationException.stopsRun("HubSpot does not know object type '" + objectType + "' (404): "
          + message(safeJson(response)));
    }
  }

  private static JsonNode safeJson(JsonResponse response) {
    try {
      return response.json();
    } catch (RuntimeException e) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  /** Follows the account's limit and what other apps leave of it. */
  private void observeLimits(JsonResponse response) {
    Optional<Integer> max = response.header("X-HubSpot-RateLimit-Max").map(HubSpot::integer);
    Optional<Integer> remaining = response.header("X-HubSpot-RateLimit-Remaining").map(HubSpot::integer);
    if (max.isPresent() && remaining.isPresent() && response.status() != 429
        && rateLimit instanceof RollingWindowRateLimiter) {
      ((RollingWindowRateLimiter) rateLimit).observe(max.get(), remaining.get());
    }
  }

  private static int integer(String header) {
    try {
      return Integer.parseInt(header.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public String describe() {
    return "hubspot " + objectType + " idProperty " + idProperty;
  }

  /** The account's API and the object type: which HubSpot objects the state describes. */
  @Override
  public String identity() {
    return identity;
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "HubSpot{" + objectType + ", idProperty=" + idProperty + ", " + rateLimit + '}';
  }

  /** Configures a {@link HubSpot} destination; each setter validates at once. */
  public static final class Builder {
    private final String objectType;
    private String idProperty;
    private AuthProvider auth;
    private boolean privateAppToken;
    private HubSpotTier tier = HubSpotTier.FREE;
    private String portal;
    private RateLimitRegistry budgets;
    private RateLimiter rateLimit;
    private String baseUrl = DEFAULT_BASE_URL;
    private Duration timeout = Duration.ofSeconds(30);
    private Duration burstWait = Duration.ofSeconds(1);
    private boolean checkSchema = true;
    private io.micrometer.core.instrument.MeterRegistry meterRegistry;

    private Builder(String objectType) {
      Objects.requireNonNull(objectType, "objectType");
      if (!objectType.matches("[A-Za-z0-9_\\-]+")) {
        throw new IllegalArgumentException("objectType '" + objectType + "' is not a HubSpot object type name or id"
            + " (such as contacts, companies, deals, tickets, p_vehicles or 2-1234567)");
      }
      this.objectType = objectType;
    }

    /**
     * The property with unique values whose value is each record's key: {@code email} for
     * contacts, a custom external-id property, or {@link HubSpot#OBJECT_ID} when keys are HubSpot
     * ids. Needed for every mode but INSERT.
     *
     * @param property the property name
     * @return this builder
     */
    public Builder idProperty(String property) {
      this.idProperty = Objects.requireNonNull(property, "property");
      return this;
    }

    /**
     * Authenticates with a private app's access token.
     *
     * @param token the token
     * @return this builder
     */
    public Builder privateAppToken(String token) {
      Objects.requireNonNull(token, "token");
      if (token.isBlank()) {
        throw new IllegalArgumentException("the private app token is empty: copy it from HubSpot's private app settings");
      }
      this.auth = AuthProvider.bearer(token);
      this.privateAppToken = true;
      return this;
    }

    /**
     * Authenticates with OAuth: the provider refreshes the access token ahead of its
     * {@code expires_in}. Build it with {@link HubSpot#oauth(String, String, String)}.
     *
     * @param provider the OAuth provider
     * @return this builder
     */
    public Builder oauth(OAuth2RefreshTokenProvider provider) {
      this.auth = Objects.requireNonNull(provider, "provider");
      this.privateAppToken = false;
      return this;
    }

    /**
     * The account tier, for the starting pace (default {@link HubSpotTier#FREE}: 100 per 10 s).
     *
     * @param tier the account tier
     * @return this builder
     */
    public Builder tier(HubSpotTier tier) {
      this.tier = Objects.requireNonNull(tier, "tier");
      return this;
    }

    /**
     * The HubSpot account (portal) id, and the registry where your application keeps its budgets:
     * every destination built with the same id and registry shares one budget
     * ({@code hubspot:<portalId>}, at the tier's pace), as HubSpot counts requests per account.
     * Building two destinations of one portal with different tiers fails, naming both.
     *
     * @param portalId the portal id
     * @param budgets the registry your application keeps its budgets in
     * @return this builder
     */
    public Builder portal(String portalId, RateLimitRegistry budgets) {
      this.portal = Objects.requireNonNull(portalId, "portalId");
      this.budgets = Objects.requireNonNull(budgets, "budgets");
      return this;
    }

    /**
     * A budget of your own instead of the tier's (any Resilience4j limiter; a
     * {@link RollingWindowRateLimiter} also follows HubSpot's rate-limit headers).
     *
     * @param limit the budget
     * @return this builder
     */
    public Builder rateLimit(RateLimiter limit) {
      this.rateLimit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Where the API is; default {@value HubSpot#DEFAULT_BASE_URL}. For tests: a fake's URL.
     *
     * @param url the URL
     * @return this builder
     */
    public Builder baseUrl(String url) {
      this.baseUrl = Objects.requireNonNull(url, "url");
      return this;
    }

    /**
     * The most each request may take, connect, send and the whole answer; default 30 s.
     *
     * @param timeout the time
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * How long every request waits after a {@code TEN_SECONDLY_ROLLING} 429 that carries no
     * {@code Retry-After}; default 1 s. The rolling window then paces the rest.
     *
     * @param wait how long to wait
     * @return this builder
     */
    public Builder burstWait(Duration wait) {
      if (wait.isNegative()) {
        throw new IllegalArgumentException("burstWait must not be negative, was " + wait);
      }
      this.burstWait = wait;
      return this;
    }

    /**
     * Whether to check the mapping against the object's properties when a run opens; default true.
     *
     * @param check whether to check
     * @return this builder
     */
    public Builder checkSchema(boolean check) {
      this.checkSchema = check;
      return this;
    }

    /**
     * Times every request ({@code sluice.http.requests}, destination {@code hubspot}).
     *
     * @param registry the meter registry
     * @return this builder
     */
    public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Builds the destination.
     *
     * @return the destination
     * @throws IllegalStateException when no credentials were given
     */
    public HubSpot build() {
      if (auth == null) {
        throw new IllegalStateException("HubSpot needs credentials: privateAppToken(...) or oauth(...)");
      }
      return new HubSpot(this);
    }
  }

  /**
   * {@return an OAuth provider for HubSpot's token endpoint ({@code POST /oauth/v1/token}), refreshing the
   * access token five minutes before it expires}
   *
   * @param clientId the app's client id
   * @param clientSecret the app's client secret
   * @param refreshToken the refresh token
   */
  public static OAuth2RefreshTokenProvider oauth(String clientId, String clientSecret, String refreshToken) {
    return oauth(DEFAULT_BASE_URL, clientId, clientSecret, refreshToken);
  }

  /**
   * As {@link #oauth(String, String, String)}, against {@code baseUrl} (a fake in tests).
   *
   * @param baseUrl the API's base URL
   * @param clientId the app's client id
   * @param clientSecret the app's client secret
   * @param refreshToken the refresh token
   * @return the provider, for {@link Builder#oauth(OAuth2RefreshTokenProvider)}
   */
  public static OAuth2RefreshTokenProvider oauth(String baseUrl, String clientId, String clientSecret,
      String refreshToken) {
    return OAuth2RefreshTokenProvider.builder(baseUrl, "/oauth/v1/token")
        .client(clientId, clientSecret)
        .refreshToken(refreshToken)
        .build();
  }
}
