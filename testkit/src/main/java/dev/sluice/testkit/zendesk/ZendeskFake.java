package dev.sluice.testkit.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;

/**
 * A stateful fake of Zendesk's Support API (users, organizations, their custom fields and the
 * background jobs of the bulk endpoints) on a loopback socket, for testing connectors and syncs
 * without a Zendesk account. Needs {@code com.squareup.okhttp3:mockwebserver3}.
 *
 * <p>Endpoints, under {@code /api/v2} (a {@code .json} suffix is accepted), with the request and
 * response shapes of Zendesk's OpenAPI specification:
 *
 * <ul>
 *   <li>{@code POST users/create_or_update_many}, {@code POST users/create_many},
 *       {@code PUT users/update_many}, {@code DELETE users/destroy_many?ids=|external_ids=}, and the
 *       same for {@code organizations} (but no {@code create_or_update_many}): at most 100 items,
 *       answered with a {@code job_status} that is {@code queued}, then {@code working}, then
 *       {@code completed} with one result per item ({@code Created}, {@code Updated},
 *       {@code Deleted} or {@code Failed} with {@code error} and {@code details}); the writes are
 *       applied when the job completes;
 *   <li>{@code POST organizations/create_or_update}: one organization, synchronously (201 created,
 *       200 updated, 422 invalid);
 *   <li>{@code GET users/show_many} and {@code GET organizations/show_many} by {@code ids} or
 *       {@code external_ids};
 *   <li>{@code GET job_statuses/{id}} and {@code GET job_statuses/show_many?ids=};
 *   <li>{@code GET user_fields} and {@code GET organization_fields}.
 * </ul>
 *
 * <p>{@code create_or_update_many} matches a user by {@code external_id} when the item has one
 * (without regard to case, taking the item's case), else by {@code email}. Like Zendesk it
 * enforces: users' unique external id and email; organizations' unique name and external id (both case-insensitive); email format; user
 * roles; custom field values by type (text, textarea, integer, decimal, date, checkbox, dropdown
 * options, regexp); at most {@value #MAX_JOBS} jobs queued or working at once (more get 429
 * {@code TooManyJobs}); a rolling per-minute request limit (every request counts, job polls
 * included), with {@code X-Rate-Limit}, {@code X-Rate-Limit-Remaining} and {@code ratelimit-*}
 * headers on every answer and 429 with {@code Retry-After} (seconds) over the limit; 403
 * "Data imports are not enabled" from the user bulk-create endpoints when imports are off; API
 * token ({@code {email}/token:{token}} Basic) and OAuth bearer authentication, 401 otherwise.
 *
 * <p>Time (job progress and the rate window) follows the injected {@link Clock}, so a test can
 * move it by hand. Thread-safe.
 */
public final class ZendeskFake implements AutoCloseable {

  /** Jobs that may be queued or working at once, per account. */
  public static final int MAX_JOBS = 30;
  /** Items per bulk request. */
  public static final int MAX_ITEMS = 100;
  /** The agent email the fake accepts API tokens for unless told otherwise. */
  public static final String DEFAULT_EMAIL = "agent@example.com";
  /** The API token the fake accepts for {@link #DEFAULT_EMAIL}. */
  public static final String DEFAULT_API_TOKEN = "zd-fake-api-token-6f1c";
  /** The OAuth access token the fake accepts. */
  public static final String DEFAULT_OAUTH_TOKEN = "zd-fake-oauth-token-93ab";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Set<String> ROLES = Set.of("end-user", "agent", "admin");
  private static final Set<String> USER_SYSTEM = Set.of("id", "url", "created_at", "updated_at", "active");
  private static final Set<String> ORG_SYSTEM = Set.of("id", "url", "created_at", "updated_at");

  /** A custom user or organization field, as {@code GET user_fields} lists it. */
  public static final class Field {
    final String key;
    final String type;
    final List<String> options;
    final String regexp;
    final boolean active;

    private Field(String key, String type, List<String> options, String regexp, boolean active) {
      this.key = key;
      this.type = type;
      this.options = List.copyOf(options);
      this.regexp = regexp;
      this.active = active;
    }

    /**
     * {@return a single-line text field}
     *
     * @param key the field's key
     */
    public static Field text(String key) {
      return new Field(key, "text", List.of(), null, true);
    }

    /**
     * {@return a multi-line text field}
     *
     * @param key the field's key
     */
    public static Field textarea(String key) {
      return new Field(key, "textarea", List.of(), null, true);
    }

    /**
     * {@return a whole-number field}
     *
     * @param key the field's key
     */
    public static Field integer(String key) {
      return new Field(key, "integer", List.of(), null, true);
    }

    /**
     * {@return a decimal-number field}
     *
     * @param key the field's key
     */
    public static Field decimal(String key) {
      return new Field(key, "decimal", List.of(), null, true);
    }

    /**
     * {@return a date field}
     *
     * @param key the field's key
     */
    public static Field date(String key) {
      return new Field(key, "date", List.of(), null, true);
    }

    /**
     * {@return a checkbox (boolean) field}
     *
     * @param key the field's key
     */
    public static Field checkbox(String key) {
      return new Field(key, "checkbox", List.of(), null, true);
    }

    /**
     * {@return a dropdown whose options have these values}
     *
     * @param key the field's key
     * @param values the option values
     */
    public static Field dropdown(String key, String... values) {
      return new Field(key, "dropdown", Arrays.asList(values), null, true);
    }

    /**
     * {@return a text field whose values must match {@code regexp}}
     *
     * @param key the field's key
     * @param regexp the regular expression values must match
     */
    public static Field regexp(String key, String regexp) {
      return new Field(key, "regexp", List.of(), regexp, true);
    }

    /**
     * {@return this field, switched off (listed with {@code active: false}; values are refused)}
     */
    public Field inactive() {
      return new Field(key, type, options, regexp, false);
    }
  }

  /** A request the fake accepted (under the rate limit): when, which, and how many items it carried. */
  public static final class Accepted {
    /** When it arrived, by {@link System#nanoTime()}. */
    public final long nanoTime;
    /** Method and path, such as {@code POST /api/v2/users/create_or_update_many}. */
    public final String request;
    /** Items of a bulk request that created a job; 0 for any other request. */
    public final int items;

    Accepted(long nanoTime, String request, int items) {
      this.nanoTime = nanoTime;
      this.request = request;
      this.items = items;
    }
  }

  /** One background job and what it will do. */
  private static final class Job {
    final String id;
    final String type; // users or organizations
    final String action; // create_or_update, create, update, destroy
    final List<JsonNode> items;
    final Instant created;
    final Duration queued;
    final Duration working;
    final String failWith;
    String status = "queued";
    ArrayNode results;

    Job(String id, String type, String action, List<JsonNode> items, Instant created, Duration queued,
        Duration working, String failWith) {
      this.id = id;
      this.type = type;
      this.action = action;
      this.items = items;
      this.created = created;
      this.queued = queued;
      this.working = working;
      this.failWith = failWith;
    }

    Instant completesAt() {
      return created.plus(queued).plus(working);
    }
  }

  private final MockWebServer server = new MockWebServer();
  private final Clock clock;
  private final Map<Long, ObjectNode> users = new TreeMap<>();
  private final Map<String, Long> userByExternalId = new HashMap<>();
  private final Map<String, Long> userByEmail = new HashMap<>();
  private final Map<Long, ObjectNode> organizations = new TreeMap<>();
  private final Map<String, Long> orgByExternalId = new HashMap<>();
  private final Map<String, Long> orgByName = new HashMap<>();
  private final Map<String, Field> userFields = new LinkedHashMap<>();
  private final Map<String, Field> organizationFields = new LinkedHashMap<>();
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final ArrayDeque<Long> window = new ArrayDeque<>();
  private final ArrayDeque<MockResponse> scripted = new ArrayDeque<>();
  private final ArrayDeque<Duration[]> nextJobDurations = new ArrayDeque<>();
  private final ArrayDeque<String> nextJobFailures = new ArrayDeque<>();
  private final Map<String, String> apiTokens = new HashMap<>();
  private final Set<String> oauthTokens = new HashSet<>();
  private final List<String> paths = new ArrayList<>();
  private final Map<String, Integer> items = new TreeMap<>();
  private final List<Accepted> accepted = new ArrayList<>();
  private final List<Long> rateLimitedAt = new ArrayList<>();
  private int limit = 700;
  private Duration queuedFor = Duration.ofMillis(200);
  private Duration workingFor = Duration.ofMillis(300);
  private boolean dataImports = true;
  private long nextId = 360_000_000L;
  private long jobCounter;
  private long requests;
  private long rateLimited;
  private long tooManyJobs;
  private int maxActiveJobs;
  private long jobsSubmitted;
  private int lastJobItems;

  private ZendeskFake(Clock clock) {
    this.clock = clock;
    apiTokens.put(DEFAULT_EMAIL, DEFAULT_API_TOKEN);
    oauthTokens.add(DEFAULT_OAUTH_TOKEN);
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return handle(request);
      }
    });
  }

  /**
   * Starts a fake account on the system clock: 700 requests per rolling minute (Enterprise).
   *
   * @return the started fake; close it when done
   */
  public static ZendeskFake start() {
    return start(Clock.systemUTC());
  }

  /**
   * As {@link #start()}, with job progress and the rate window following {@code clock}.
   *
   * @param clock the clock to read the time from
   * @return the started fake; close it when done
   */
  public static ZendeskFake start(Clock clock) {
    ZendeskFake fake = new ZendeskFake(clock);
    try {
      fake.server.start(0);
    } catch (IOException e) {
      throw new UncheckedIOException("the Zendesk fake did not start", e);
    }
    return fake;
  }

  /**
   * {@return the base URL to give a connector instead of {@code https://{subdomain}.zendesk.com}}
   */
  public String baseUrl() {
    String url = server.url("/").toString();
    return url.substring(0, url.length() - 1);
  }

  // ---- configuration --------------------------------------------------------------------------

  /**
   * Allows {@code perMinute} requests per rolling minute (Team 200, Enterprise 700, …).
   *
   * @param perMinute requests per rolling minute
   * @return this fake
   */
  public synchronized ZendeskFake rateLimit(int perMinute) {
    this.limit = perMinute;
    return this;
  }

  /**
   * How long each job stays queued, then working (default 200 ms and 300 ms).
   *
   * @param queued how long a job stays queued
   * @param working how long a job then works
   * @return this fake
   */
  public synchronized ZendeskFake jobDuration(Duration queued, Duration working) {
    this.queuedFor = queued;
    this.workingFor = working;
    return this;
  }

  /**
   * The next job created stays queued for {@code queued} and works for {@code working}.
   *
   * @param queued how long a job stays queued
   * @param working how long a job then works
   * @return this fake
   */
  public synchronized ZendeskFake nextJobTakes(Duration queued, Duration working) {
    nextJobDurations.add(new Duration[] {queued, working});
    return this;
  }

  /**
   * The next job created ends {@code failed} with {@code message}, having changed nothing.
   *
   * @param message the job's error message
   * @return this fake
   */
  public synchronized ZendeskFake failNextJob(String message) {
    nextJobFailures.add(message);
    return this;
  }

  /**
   * Forgets every job, as Zendesk does a day after it finished: polls then get 404.
   *
   * @return this fake
   */
  public synchronized ZendeskFake forgetJobs() {
    jobs.clear();
    return this;
  }

  /**
   * Switches bulk user imports on or off (off: 403 from users' create_many and create_or_update_many).
   *
   * @param enabled whether 207 answers are given
   * @return this fake
   */
  public synchronized ZendeskFake dataImports(boolean enabled) {
    this.dataImports = enabled;
    return this;
  }

  /**
   * Accepts the API token {@code token} for agent {@code email}.
   *
   * @param email the agent's email
   * @param token the token
   * @return this fake
   */
  public synchronized ZendeskFake acceptApiToken(String email, String token) {
    apiTokens.put(email, token);
    return this;
  }

  /**
   * Accepts {@code token} as an OAuth access token.
   *
   * @param token the token
   * @return this fake
   */
  public synchronized ZendeskFake acceptOAuthToken(String token) {
    oauthTokens.add(token);
    return this;
  }

  /**
   * Stops accepting any credential: every request gets 401 (a revoked token).
   *
   * @return this fake
   */
  public synchronized ZendeskFake revokeCredentials() {
    apiTokens.clear();
    oauthTokens.clear();
    return this;
  }

  /**
   * Adds (or replaces) custom user fields.
   *
   * @param fields the fields
   * @return this fake
   */
  public synchronized ZendeskFake userFields(Field... fields) {
    for (Field f : fields) {
      userFields.put(f.key, f);
    }
    return this;
  }

  /**
   * Adds (or replaces) custom organization fields.
   *
   * @param fields the fields
   * @return this fake
   */
  public synchronized ZendeskFake organizationFields(Field... fields) {
    for (Field f : fields) {
      organizationFields.put(f.key, f);
    }
    return this;
  }

  /**
   * Answers the next request with {@code status} and a JSON {@code body}, whatever it is.
   *
   * @param status the HTTP status
   * @param body the body
   * @return this fake
   */
  public synchronized ZendeskFake respondNext(int status, String body) {
    scripted.add(new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json; charset=utf-8")
        .body(body).build());
    return this;
  }

  /**
   * Answers the next request with 429 and {@code Retry-After: seconds}, as over the account's limit.
   *
   * @param retryAfterSeconds the {@code Retry-After} value, in seconds
   * @return this fake
   */
  public synchronized ZendeskFake rateLimitNext(int retryAfterSeconds) {
    scripted.add(new MockResponse.Builder().code(429).addHeader("Content-Type", "application/json; charset=utf-8")
        .addHeader("Retry-After", String.valueOf(retryAfterSeconds))
        .body("{\"error\":\"APIRateLimitExceeded\",\"description\":\"Number of allowed API requests per minute"
            + " exceeded\"}").build());
    return this;
  }

  /**
   * Answers the next request with an endpoint-specific 429 that carries no {@code Retry-After}
   * (the spec's {@code {"errors":[{"code":"TooManyRequests",...}]}}).
   *
   * @return this fake
   */
  public synchronized ZendeskFake endpointLimitNext() {
    scripted.add(new MockResponse.Builder().code(429).addHeader("Content-Type", "application/json; charset=utf-8")
        .body("{\"errors\":[{\"code\":\"TooManyRequests\",\"title\":\"Too many requests to update\"}]}").build());
    return this;
  }

  // ---- what the fake holds ---------------------------------------------------------------------

  /**
   * {@return the users, as Zendesk returns them, by external id (users without one are left out)}
   */
  public synchronized Map<String, Map<String, Object>> usersByExternalId() {
    settleJobs();
    return byAttribute(users, "external_id");
  }

  /**
   * {@return the users, as Zendesk returns them, by email (lower case; users without one are left out)}
   */
  public synchronized Map<String, Map<String, Object>> usersByEmail() {
    settleJobs();
    Map<String, Map<String, Object>> byEmail = new TreeMap<>();
    users.values().forEach(u -> {
      if (u.hasNonNull("email")) {
        byEmail.put(u.get("email").asText().toLowerCase(Locale.ROOT), plain(u));
      }
    });
    return byEmail;
  }

  /** {@return the organizations, as Zendesk returns them, by external id} */
  public synchronized Map<String, Map<String, Object>> organizationsByExternalId() {
    settleJobs();
    return byAttribute(organizations, "external_id");
  }

  /**
   * {@return the id of the organization with {@code externalId} (any case), or null}
   *
   * @param externalId the external id
   */
  public synchronized Long organizationId(String externalId) {
    return orgByExternalId.get(externalId.toLowerCase(Locale.ROOT));
  }

  /**
   * Creates a user directly, as if made in Zendesk's UI; returns its id.
   *
   * @param attributes the attributes, as the API takes them
   * @return the new user's id
   */
  public synchronized long putUser(Map<String, ?> attributes) {
    ObjectNode user = JSON.valueToTree(attributes);
    return store(users, user, "users");
  }

  /**
   * Creates an organization directly, as if made in Zendesk's UI; returns its id.
   *
   * @param attributes the attributes, as the API takes them
   * @return the new organization's id
   */
  public synchronized long putOrganization(Map<String, ?> attributes) {
    ObjectNode org = JSON.valueToTree(attributes);
    return store(organizations, org, "organizations");
  }

  /** {@return requests received, refused ones included} */
  public synchronized long requests() {
    return requests;
  }

  /** {@return requests answered 429 for the per-minute limit (scripted ones included)} */
  public synchronized long rateLimited() {
    return rateLimited;
  }

  /** {@return when each request over the per-minute limit arrived ({@link System#nanoTime()}); scripted 429s are not counted} */
  public synchronized List<Long> rateLimitedAt() {
    return List.copyOf(rateLimitedAt);
  }

  /** {@return every request accepted under the rate limit, in order} */
  public synchronized List<Accepted> accepted() {
    return List.copyOf(accepted);
  }

  /** {@return requests answered 429 {@code TooManyJobs}} */
  public synchronized long tooManyJobs() {
    return tooManyJobs;
  }

  /** {@return the most jobs that were queued or working at once} */
  public synchronized int maxActiveJobs() {
    return maxActiveJobs;
  }

  /** {@return jobs created so far} */
  public synchronized long jobsSubmitted() {
    return jobsSubmitted;
  }

  /** {@return jobs queued or working now} */
  public synchronized int activeJobs() {
    settleJobs();
    return (int) jobs.values().stream().filter(j -> !finished(j)).count();
  }

  /**
   * {@return method and path of every request, in order (such as {@code POST /api/v2/users/create_many})}
   */
  public synchronized List<String> paths() {
    return List.copyOf(paths);
  }

  /** {@return items received per bulk endpoint (such as {@code users/create_or_update}), summed} */
  public synchronized Map<String, Integer> items() {
    return new TreeMap<>(items);
  }

  @Override
  public void close() {
    server.close();
  }

  // ---- request handling ------------------------------------------------------------------------

  private synchronized MockResponse handle(RecordedRequest request) {
    requests++;
    String target = request.getTarget();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    if (path.endsWith(".json")) {
      path = path.substring(0, path.length() - ".json".length());
    }
    Map<String, String> query = query(q < 0 ? "" : target.substring(q + 1));
    String method = request.getMethod();
    paths.add(method + " " + path);
    if (!authorized(request.getHeaders().get("Authorization"))) {
      return json(401, error("Couldn't authenticate you", null)).build();
    }
    MockResponse next = scripted.poll();
    if (next != null) {
      if (next.getCode() == 429) {
        rateLimited++;
      }
      return next;
    }
    long now = clock.millis();
    while (!window.isEmpty() && window.peekFirst() <= now - 60_000) {
      window.pollFirst();
    }
    if (window.size() >= limit) {
      rateLimited++;
      rateLimitedAt.add(System.nanoTime());
      long resetMillis = window.peekFirst() + 60_000 - now;
      long seconds = Math.max(1, (resetMillis + 999) / 1000);
      return withLimitHeaders(new MockResponse.Builder().code(429).addHeader("Retry-After", String.valueOf(seconds))
          .addHeader("Content-Type", "application/json; charset=utf-8")
          .body("{\"error\":\"APIRateLimitExceeded\",\"description\":\"Number of allowed API requests per minute"
              + " exceeded\"}"));
    }
    window.addLast(now);
    long arrived = System.nanoTime();
    long jobsBefore = jobsSubmitted;
    settleJobs();
    String body = request.getBody() == null ? "" : request.getBody().utf8();
    MockResponse.Builder response;
    try {
      response = route(method, path, query, body);
    } catch (IOException e) {
      response = json(400, error("InvalidJSON", "The request body is not valid JSON: " + e.getMessage()));
    }
    accepted.add(new Accepted(arrived, method + " " + path, jobsSubmitted > jobsBefore ? lastJobItems : 0));
    return withLimitHeaders(response);
  }

  private MockResponse.Builder route(String method, String path, Map<String, String> query, String body)
      throws IOException {
    switch (method + " " + path) {
      case "GET /api/v2/user_fields":
        return fields("user_fields", userFields);
      case "GET /api/v2/organization_fields":
        return fields("organization_fields", organizationFields);
      case "GET /api/v2/job_statuses/show_many":
        return showJobs(query.getOrDefault("ids", ""));
      case "GET /api/v2/users/show_many":
        return showMany("users", users, userByExternalId, query);
      case "GET /api/v2/organizations/show_many":
        return showMany("organizations", organizations, orgByExternalId, query);
      case "POST /api/v2/users/create_or_update_many":
        return bulk("users", "create_or_update", JSON.readTree(body), "users");
      case "POST /api/v2/users/create_many":
        return bulk("users", "create", JSON.readTree(body), "users");
      case "PUT /api/v2/users/update_many":
        return update("users", "users", "user", JSON.readTree(body), query);
      case "DELETE /api/v2/users/destroy_many":
        return destroy("users", query);
      case "POST /api/v2/organizations/create_many":
        return bulk("organizations", "create", JSON.readTree(body), "organizations");
      case "PUT /api/v2/organizations/update_many":
        return update("organizations", "organizations", "organization", JSON.readTree(body), query);
      case "DELETE /api/v2/organizations/destroy_many":
        return destroy("organizations", query);
      case "POST /api/v2/organizations/create_or_update":
        return createOrUpdateOrganization(JSON.readTree(body));
      default:
        if (method.equals("GET") && path.startsWith("/api/v2/job_statuses/")) {
          Job job = jobs.get(path.substring("/api/v2/job_statuses/".length()));
          if (job == null) {
            return json(404, error("RecordNotFound", "Not found"));
          }
          ObjectNode reply = JSON.createObjectNode();
          reply.set("job_status", jobStatus(job));
          return json(200, reply);
        }
        return json(404, error("InvalidEndpoint", "Not found: " + method + " " + path));
    }
  }

  private boolean authorized(String header) {
    if (header == null) {
      return false;
    }
    if (header.startsWith("Bearer ")) {
      return oauthTokens.contains(header.substring("Bearer ".length()));
    }
    if (header.startsWith("Basic ")) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(header.substring("Basic ".length()).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return false;
      }
      int colon = decoded.indexOf(':');
      if (colon < 0 || !decoded.substring(0, colon).endsWith("/token")) {
        return false; // passwords are not accepted: API tokens only
      }
      String email = decoded.substring(0, colon - "/token".length());
      return decoded.substring(colon + 1).equals(apiTokens.get(email));
    }
    return false;
  }

  private MockResponse.Builder fields(String name, Map<String, Field> defined) {
    ObjectNode reply = JSON.createObjectNode();
    ArrayNode list = reply.putArray(name);
    int position = 0;
    long id = 900;
    for (Field f : defined.values()) {
      ObjectNode n = list.addObject()
          .put("id", id++)
          .put("url", baseUrl() + "/api/v2/" + name + "/" + (id - 1) + ".json")
          .put("key", f.key)
          .put("type", f.type)
          .put("title", title(f.key))
          .put("raw_title", title(f.key))
          .put("description", "")
          .put("raw_description", "")
          .put("position", position++)
          .put("active", f.active)
          .put("system", false)
          .put("created_at", "2026-01-05T09:00:00Z")
          .put("updated_at", "2026-01-05T09:00:00Z");
      if (f.type.equals("regexp")) {
        n.put("regexp_for_validation", f.regexp);
      } else {
        n.putNull("regexp_for_validation");
      }
      if (f.type.equals("dropdown")) {
        ArrayNode options = n.putArray("custom_field_options");
        long optionId = id * 100;
        int p = 0;
        for (String value : f.options) {
          options.addObject().put("id", optionId++).put("name", title(value)).put("raw_name", title(value))
              .put("position", p++).put("value", value);
        }
      }
    }
    reply.putNull("next_page");
    reply.putNull("previous_page");
    reply.put("count", defined.size());
    return json(200, reply);
  }

  private MockResponse.Builder showMany(String type, Map<Long, ObjectNode> store, Map<String, Long> byExternalId,
      Map<String, String> query) {
    List<String> values = list(query.containsKey("ids") ? query.get("ids") : query.get("external_ids"));
    if (values.isEmpty()) {
      return json(400, error("InvalidValue", "ids or external_ids is required"));
    }
    if (values.size() > MAX_ITEMS) {
      return json(400, error("InvalidValue", "at most " + MAX_ITEMS + " ids per request, got " + values.size()));
    }
    ObjectNode reply = JSON.createObjectNode();
    ArrayNode list = reply.putArray(type);
    for (String value : values) {
      Long id = query.containsKey("ids") ? parseId(value) : byExternalId.get(value.toLowerCase(Locale.ROOT));
      if (id != null && store.containsKey(id)) {
        list.add(store.get(id).deepCopy());
      }
    }
    reply.putNull("next_page");
    reply.putNull("previous_page");
    reply.put("count", list.size());
    return json(200, reply);
  }

  private MockResponse.Builder showJobs(String ids) {
    List<String> wanted = list(ids);
    if (wanted.isEmpty()) {
      return json(400, error("InvalidValue", "ids is required"));
    }
    if (wanted.size() > MAX_ITEMS) {
      return json(400, error("InvalidValue", "at most " + MAX_ITEMS + " ids per request, got " + wanted.size()));
    }
    ObjectNode reply = JSON.createObjectNode();
    ArrayNode list = reply.putArray("job_statuses");
    for (String id : wanted) {
      Job job = jobs.get(id);
      if (job != null) {
        list.add(jobStatus(job));
      }
    }
    return json(200, reply);
  }

  private MockResponse.Builder bulk(String type, String action, JsonNode body, String listName) {
    if (type.equals("users") && !dataImports) {
      return json(403, JSON.createObjectNode().put("error", "Forbidden").put("message", "Data imports are not enabled"));
    }
    JsonNode list = body.path(listName);
    if (!list.isArray() || list.isEmpty()) {
      return json(400, error("InvalidValue", "'" + listName + "' must be a non-empty array"));
    }
    if (list.size() > MAX_ITEMS) {
      return json(400, error("TooManyValues", "at most " + MAX_ITEMS + " " + listName + " per request, got " + list.size()));
    }
    List<JsonNode> work = new ArrayList<>();
    list.forEach(work::add);
    return newJob(type, action, work);
  }

  private MockResponse.Builder update(String type, String listName, String oneName, JsonNode body,
      Map<String, String> query) {
    List<JsonNode> work = new ArrayList<>();
    if (body.has(listName)) {
      body.path(listName).forEach(work::add);
    } else if (body.has(oneName) && (query.containsKey("ids") || query.containsKey("external_ids"))) {
      // Bulk form: the same change for every id.
      boolean byId = query.containsKey("ids");
      for (String value : list(byId ? query.get("ids") : query.get("external_ids"))) {
        ObjectNode item = body.path(oneName).deepCopy();
        if (byId) {
          Long id = parseId(value);
          item.put("id", id == null ? -1 : id);
        } else {
          item.put("external_id", value);
        }
        work.add(item);
      }
    }
    if (work.isEmpty()) {
      return json(400, error("InvalidValue", "send '" + listName + "', or '" + oneName + "' with ids or external_ids"));
    }
    if (work.size() > MAX_ITEMS) {
      return json(400, error("TooManyValues", "at most " + MAX_ITEMS + " " + listName + " per request, got " + work.size()));
    }
    return newJob(type, "update", work);
  }

  private MockResponse.Builder destroy(String type, Map<String, String> query) {
    boolean byId = query.containsKey("ids");
    List<String> values = list(byId ? query.get("ids") : query.get("external_ids"));
    if (values.isEmpty()) {
      return json(400, error("InvalidValue", "ids or external_ids is required"));
    }
    if (values.size() > MAX_ITEMS) {
      return json(400, error("TooManyValues", "at most " + MAX_ITEMS + " ids per request, got " + values.size()));
    }
    List<JsonNode> work = new ArrayList<>();
    for (String value : values) {
      ObjectNode item = JSON.createObjectNode();
      if (byId) {
        Long id = parseId(value);
        item.put("id", id == null ? -1 : id);
      } else {
        item.put("external_id", value);
      }
      work.add(item);
    }
    return newJob(type, "destroy", work);
  }

  private MockResponse.Builder newJob(String type, String action, List<JsonNode> work) {
    long active = jobs.values().stream().filter(j -> !finished(j)).count();
    if (active >= MAX_JOBS) {
      tooManyJobs++;
      return json(429, error("TooManyJobs", "Number of allowed queued or running jobs (" + MAX_JOBS + ") exceeded"));
    }
    items.merge(type + "/" + action, work.size(), Integer::sum);
    Duration[] durations = nextJobDurations.isEmpty() ? new Duration[] {queuedFor, workingFor} : nextJobDurations.poll();
    String id = String.format(Locale.ROOT, "%08x%024x", ++jobCounter, Math.abs((long) (type + action).hashCode()) + jobCounter * 7919);
    Job job = new Job(id, type, action, work, clock.instant(), durations[0], durations[1], nextJobFailures.poll());
    jobs.put(id, job);
    jobsSubmitted++;
    lastJobItems = work.size();
    maxActiveJobs = (int) Math.max(maxActiveJobs, active + 1);
    settleJobs();
    ObjectNode reply = JSON.createObjectNode();
    reply.set("job_status", jobStatus(job));
    return json(200, reply);
  }

  /** Moves jobs along by the clock; completes those due, earliest first, applying their work. */
  private void settleJobs() {
    Instant now = clock.instant();
    List<Job> due = new ArrayList<>();
    for (Job job : jobs.values()) {
      if (!finished(job) && !job.completesAt().isAfter(now)) {
        due.add(job);
      } else if (job.status.equals("queued") && !job.created.plus(job.queued).isAfter(now)) {
        job.status = "working";
      }
    }
    due.sort(Comparator.comparing(Job::completesAt));
    for (Job job : due) {
      if (job.failWith != null) {
        job.status = "failed";
        continue;
      }
      ArrayNode results = NODES.arrayNode();
      for (int i = 0; i < job.items.size(); i++) {
        results.add(apply(job, i, job.items.get(i)));
      }
      job.results = results;
      job.status = "completed";
    }
  }

  private static boolean finished(Job job) {
    return job.status.equals("completed") || job.status.equals("failed");
  }

  private ObjectNode jobStatus(Job job) {
    ObjectNode n = JSON.createObjectNode()
        .put("id", job.id)
        .put("job_type", jobType(job))
        .put("url", baseUrl() + "/api/v2/job_statuses/" + job.id + ".json")
        .put("status", job.status)
        .put("total", job.items.size());
    switch (job.status) {
      case "queued":
        n.putNull("progress").putNull("message").putNull("results");
        break;
      case "working": {
        long elapsed = Duration.between(job.created.plus(job.queued), clock.instant()).toMillis();
        long total = Math.max(1, job.working.toMillis());
        n.put("progress", (int) Math.min(job.items.size() - 1, job.items.size() * elapsed / total));
        n.putNull("message").putNull("results");
        break;
      }
      case "failed":
        n.put("progress", 0).put("message", job.failWith).putNull("results");
        break;
      default:
        n.put("progress", job.items.size()).put("message", "Completed at " + job.completesAt());
        n.set("results", job.results);
    }
    return n;
  }

  private static String jobType(Job job) {
    String resource = job.type.equals("users") ? "User" : "Organization";
    switch (job.action) {
      case "create_or_update":
        return "Bulk Create Or Update " + resource + "s";
      case "create":
        return "Bulk Create " + resource + "s";
      case "update":
        return "Bulk Update " + resource + "s";
      default:
        return "Bulk Delete " + resource + "s";
    }
  }

  // ---- the work of a job ------------------------------------------------------------------------

  private ObjectNode apply(Job job, int index, JsonNode item) {
    boolean user = job.type.equals("users");
    Map<Long, ObjectNode> store = user ? users : organizations;
    Map<String, Long> byExternal = user ? userByExternalId : orgByExternalId;
    String externalId = item.hasNonNull("external_id") ? item.get("external_id").asText() : null;
    String email = user && item.hasNonNull("email") ? item.get("email").asText() : null;
    Long id = item.hasNonNull("id") ? Long.valueOf(item.get("id").asLong()) : null;
    if (id != null && !store.containsKey(id)) {
      id = null;
      if (!job.action.equals("create") && !job.action.equals("create_or_update")) {
        return failed(job, index, item, "RecordNotFound", (user ? "User" : "Organization") + " not found");
      }
    }
    if (id == null && externalId != null) {
      id = byExternal.get(externalId.toLowerCase(Locale.ROOT));
    }
    if (id == null && externalId == null && email != null && job.action.equals("create_or_update")) {
      id = userByEmail.get(email.toLowerCase(Locale.ROOT));
    }
    String what = user ? "User" : "Organization";
    switch (job.action) {
      case "destroy": {
        if (id == null) {
          return failed(job, index, item, "RecordNotFound", what + " not found");
        }
        unstore(store, id, user);
        return ok(job, index, item, id, "delete", "Deleted");
      }
      case "update": {
        if (id == null) {
          return failed(job, index, item, "RecordNotFound", what + " not found");
        }
        String problem = problems(user, item, id);
        if (problem != null) {
          return failed(job, index, item, what + "UpdateError", problem);
        }
        merge(store, id, item, user);
        return ok(job, index, item, id, "update", "Updated");
      }
      case "create": {
        if (externalId != null && byExternal.containsKey(externalId.toLowerCase(Locale.ROOT))) {
          return failed(job, index, item, what + "CreateError", "External ID: '" + externalId + "' has already been taken");
        }
        String problem = problems(user, item, null);
        if (problem != null) {
          return failed(job, index, item, what + "CreateError", problem);
        }
        long created = store(store, item.deepCopy(), job.type);
        return ok(job, index, item, created, "create", "Created");
      }
      default: { // create_or_update
        String problem = problems(user, item, id);
        if (problem != null) {
          return failed(job, index, item, what + (id == null ? "CreateError" : "UpdateError"), problem);
        }
        if (id == null) {
          long created = store(store, item.deepCopy(), job.type);
          return ok(job, index, item, created, "create", "Created");
        }
        merge(store, id, item, user);
        return ok(job, index, item, id, "update", "Updated");
      }
    }
  }

  /** A result: create-style results carry {@code index}, update and delete results carry {@code id} and {@code action}. */
  private static ObjectNode ok(Job job, int index, JsonNode item, long id, String action, String status) {
    ObjectNode r = JSON.createObjectNode().put("id", id);
    if (job.action.equals("create") || job.action.equals("create_or_update")) {
      r.put("index", index);
    } else {
      r.put("action", action).put("success", true);
    }
    r.put("status", status);
    identify(r, item);
    return r;
  }

  private static ObjectNode failed(Job job, int index, JsonNode item, String error, String details) {
    ObjectNode r = JSON.createObjectNode();
    if (item.hasNonNull("id")) {
      r.put("id", item.get("id").asLong());
    }
    if (job.action.equals("create") || job.action.equals("create_or_update")) {
      r.put("index", index);
    } else {
      r.put("action", job.action.equals("destroy") ? "delete" : "update").put("success", false);
    }
    r.put("status", "Failed").put("error", error).put("details", details);
    identify(r, item);
    return r;
  }

  private static void identify(ObjectNode result, JsonNode item) {
    if (item.hasNonNull("external_id")) {
      result.put("external_id", item.get("external_id").asText());
    }
    if (item.hasNonNull("email")) {
      result.put("email", item.get("email").asText());
    }
  }

  /** What Zendesk would refuse in {@code item} (for the record {@code id}, null when new); null when valid. */
  private String problems(boolean user, JsonNode item, Long id) {
    ObjectNode existing = id == null ? null : (user ? users : organizations).get(id);
    String name = item.hasNonNull("name") ? item.get("name").asText() : existing == null ? null : existing.path("name").asText(null);
    if (name == null || name.isBlank()) {
      return "Name: cannot be blank";
    }
    if (item.hasNonNull("external_id")) {
      Long other = (user ? userByExternalId : orgByExternalId).get(item.get("external_id").asText().toLowerCase(Locale.ROOT));
      if (other != null && !other.equals(id)) {
        return "External ID: '" + item.get("external_id").asText() + "' has already been taken";
      }
    }
    if (user) {
      if (item.hasNonNull("email")) {
        String email = item.get("email").asText();
        if (!EMAIL.matcher(email).matches()) {
          return "Email: " + email + " is not properly formatted";
        }
        Long other = userByEmail.get(email.toLowerCase(Locale.ROOT));
        if (other != null && !other.equals(id)) {
          return "Email: " + email + " is already being used by another user";
        }
      }
      if (item.has("role") && !ROLES.contains(item.path("role").asText())) {
        return "Role: '" + item.path("role").asText() + "' is not a role (end-user, agent or admin)";
      }
      if (item.hasNonNull("organization_id") && !organizations.containsKey(item.get("organization_id").asLong())) {
        return "Organization: " + item.get("organization_id").asText() + " does not exist";
      }
    } else {
      Long other = orgByName.get(name.toLowerCase(Locale.ROOT));
      if (other != null && !other.equals(id)) {
        return "Name: " + name + " has already been taken";
      }
    }
    if (item.has("tags") && !item.get("tags").isNull()) {
      if (!item.get("tags").isArray()) {
        return "Tags: must be a list of tags";
      }
    }
    JsonNode custom = item.path(user ? "user_fields" : "organization_fields");
    if (!custom.isMissingNode() && !custom.isNull()) {
      if (!custom.isObject()) {
        return (user ? "User" : "Organization") + " fields: must be an object";
      }
      Map<String, Field> defined = user ? userFields : organizationFields;
      for (Map.Entry<String, JsonNode> e : iterable(custom)) {
        Field f = defined.get(e.getKey());
        if (f == null || !f.active) {
          return title(e.getKey()) + ": is not a " + (user ? "user" : "organization") + " field";
        }
        String bad = invalid(f, e.getValue());
        if (bad != null) {
          return title(f.key) + ": " + bad;
        }
      }
    }
    return null;
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
    return new ArrayList<>(object.properties());
  }

  /** Why {@code value} does not fit field {@code f}; null when it does. */
  private static String invalid(Field f, JsonNode value) {
    if (value.isNull()) {
      return null;
    }
    switch (f.type) {
      case "integer":
        if (value.isIntegralNumber() || value.isTextual() && value.asText().matches("-?\\d+")) {
          return null;
        }
        return "'" + value.asText() + "' is not a whole number";
      case "decimal":
        if (value.isNumber()) {
          return null;
        }
        try {
          new BigDecimal(value.asText());
          return null;
        } catch (NumberFormatException e) {
          return "'" + value.asText() + "' is not a number";
        }
      case "checkbox":
        return value.isBoolean() ? null : "'" + value.asText() + "' is not true or false";
      case "date":
        try {
          LocalDate.parse(value.asText());
          return null;
        } catch (DateTimeParseException e) {
          try {
            OffsetDateTime.parse(value.asText());
            return null;
          } catch (DateTimeParseException again) {
            return "'" + value.asText() + "' is not a date (YYYY-MM-DD)";
          }
        }
      case "dropdown":
        return f.options.contains(value.asText()) ? null : "'" + value.asText() + "' is not an option";
      case "regexp":
        try {
          return Pattern.compile(f.regexp).matcher(value.asText()).matches() ? null
              : "'" + value.asText() + "' does not match " + f.regexp;
        } catch (PatternSyntaxException e) {
          return null;
        }
      default:
        return value.isValueNode() ? null : "must be text";
    }
  }

  private long store(Map<Long, ObjectNode> store, ObjectNode item, String type) {
    boolean user = type.equals("users");
    long id = nextId++;
    String now = clock.instant().toString();
    ObjectNode record = JSON.createObjectNode();
    record.put("id", id).put("url", baseUrl() + "/api/v2/" + type + "/" + id + ".json");
    record.putNull("name").putNull("external_id");
    if (user) {
      record.putNull("email").put("role", "end-user").putNull("organization_id").put("active", true);
    } else {
      record.putArray("domain_names");
    }
    record.putArray("tags");
    ObjectNode custom = record.putObject(user ? "user_fields" : "organization_fields");
    (user ? userFields : organizationFields).values().forEach(f -> custom.putNull(f.key));
    record.put("created_at", now).put("updated_at", now);
    store.put(id, record);
    merge(store, id, item, user);
    record.put("created_at", now);
    return id;
  }

  private void merge(Map<Long, ObjectNode> store, long id, JsonNode item, boolean user) {
    ObjectNode record = store.get(id);
    unindex(record, user);
    Set<String> system = user ? USER_SYSTEM : ORG_SYSTEM;
    for (Map.Entry<String, JsonNode> e : iterable(item)) {
      String name = e.getKey();
      if (system.contains(name)) {
        continue;
      }
      if (name.equals("user_fields") || name.equals("organization_fields")) {
        if (!record.path(name).isObject()) {
          record.putObject(name);
        }
        ObjectNode custom = (ObjectNode) record.get(name);
        for (Map.Entry<String, JsonNode> f : iterable(e.getValue())) {
          custom.set(f.getKey(), normalised(f.getKey(), f.getValue(), user));
        }
      } else if (name.equals("tags")) {
        ArrayNode tags = NODES.arrayNode();
        e.getValue().forEach(t -> tags.add(t.asText().toLowerCase(Locale.ROOT)));
        record.set("tags", tags);
      } else {
        record.set(name, e.getValue().deepCopy());
      }
    }
    record.put("updated_at", clock.instant().toString());
    index(record, user);
  }

  /** Values as Zendesk returns them: numbers as numbers, dates with a time. */
  private JsonNode normalised(String key, JsonNode value, boolean user) {
    Field f = (user ? userFields : organizationFields).get(key);
    if (f == null || value.isNull()) {
      return value.deepCopy();
    }
    switch (f.type) {
      case "integer":
        return NODES.numberNode(Long.parseLong(value.asText()));
      case "decimal":
        BigDecimal number = new BigDecimal(value.asText()).stripTrailingZeros();
        return NODES.numberNode(number.scale() < 0 ? number.setScale(0) : number);
      case "date":
        return NODES.textNode(value.asText().length() == 10 ? value.asText() + "T00:00:00+00:00" : value.asText());
      default:
        return value.deepCopy();
    }
  }

  private void unstore(Map<Long, ObjectNode> store, long id, boolean user) {
    ObjectNode gone = store.remove(id);
    if (gone != null) {
      unindex(gone, user);
    }
  }

  private void index(ObjectNode record, boolean user) {
    long id = record.get("id").asLong();
    if (record.hasNonNull("external_id")) {
      (user ? userByExternalId : orgByExternalId).put(record.get("external_id").asText().toLowerCase(Locale.ROOT), id);
    }
    if (user && record.hasNonNull("email")) {
      userByEmail.put(record.get("email").asText().toLowerCase(Locale.ROOT), id);
    }
    if (!user && record.hasNonNull("name")) {
      orgByName.put(record.get("name").asText().toLowerCase(Locale.ROOT), id);
    }
  }

  private void unindex(ObjectNode record, boolean user) {
    if (record.hasNonNull("external_id")) {
      (user ? userByExternalId : orgByExternalId).remove(record.get("external_id").asText().toLowerCase(Locale.ROOT));
    }
    if (user && record.hasNonNull("email")) {
      userByEmail.remove(record.get("email").asText().toLowerCase(Locale.ROOT));
    }
    if (!user && record.hasNonNull("name")) {
      orgByName.remove(record.get("name").asText().toLowerCase(Locale.ROOT));
    }
  }

  private MockResponse.Builder createOrUpdateOrganization(JsonNode body) {
    JsonNode item = body.path("organization");
    if (!item.isObject()) {
      return json(400, error("InvalidValue", "'organization' is required"));
    }
    Long id = item.hasNonNull("id") && organizations.containsKey(item.get("id").asLong()) ? Long.valueOf(item.get("id").asLong())
        : item.hasNonNull("external_id") ? orgByExternalId.get(item.get("external_id").asText().toLowerCase(Locale.ROOT)) : null;
    items.merge("organizations/create_or_update_one", 1, Integer::sum);
    String problem = problems(false, item, id);
    if (problem != null) {
      ObjectNode reply = JSON.createObjectNode().put("error", "RecordInvalid").put("description", "Record validation errors");
      String field = problem.substring(0, problem.indexOf(':')).toLowerCase(Locale.ROOT).replace(' ', '_');
      reply.putObject("details").putArray(field).addObject().put("description", problem)
          .put("error", problem.contains("taken") ? "DuplicateValue" : "InvalidValue");
      return json(422, reply);
    }
    boolean created = id == null;
    long orgId = created ? store(organizations, item.deepCopy(), "organizations") : id;
    if (!created) {
      merge(organizations, orgId, item, false);
    }
    ObjectNode reply = JSON.createObjectNode();
    reply.set("organization", organizations.get(orgId).deepCopy());
    return json(created ? 201 : 200, reply);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private MockResponse withLimitHeaders(MockResponse.Builder response) {
    long now = clock.millis();
    int remaining = Math.max(0, limit - window.size());
    long reset = window.isEmpty() ? 60 : Math.max(1, (window.peekFirst() + 60_000 - now + 999) / 1000);
    Headers.Builder h = new Headers.Builder()
        .add("X-Rate-Limit", String.valueOf(limit))
        .add("X-Rate-Limit-Remaining", String.valueOf(remaining))
        .add("ratelimit-limit", String.valueOf(limit))
        .add("ratelimit-remaining", String.valueOf(remaining))
        .add("ratelimit-reset", String.valueOf(reset));
    for (String name : h.build().names()) {
      response.addHeader(name, h.get(name));
    }
    return response.build();
  }

  private static MockResponse.Builder json(int status, JsonNode body) {
    return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json; charset=utf-8")
        .body(body.toString());
  }

  private static ObjectNode error(String error, String description) {
    ObjectNode n = JSON.createObjectNode().put("error", error);
    if (description != null) {
      n.put("description", description);
    }
    return n;
  }

  private static Map<String, String> query(String query) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return fields;
  }

  private static List<String> list(String commaSeparated) {
    List<String> values = new ArrayList<>();
    if (commaSeparated != null) {
      for (String v : commaSeparated.split(",")) {
        if (!v.isBlank()) {
          values.add(v.trim());
        }
      }
    }
    return values;
  }

  private static Long parseId(String value) {
    try {
      return Long.valueOf(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Map<String, Map<String, Object>> byAttribute(Map<Long, ObjectNode> store, String attribute) {
    Map<String, Map<String, Object>> by = new TreeMap<>();
    store.values().forEach(r -> {
      if (r.hasNonNull(attribute)) {
        by.put(r.get(attribute).asText(), plain(r));
      }
    });
    return by;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> plain(ObjectNode record) {
    return JSON.convertValue(record, LinkedHashMap.class);
  }

  private static String title(String key) {
    String spaced = key.replace('_', ' ');
    return spaced.isEmpty() ? spaced : Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
  }
}
