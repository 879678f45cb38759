package dev.sluice.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.Record;
import dev.sluice.RunContext;
import dev.sluice.SyncMode;
import dev.sluice.delivery.RateLimitRegistry;
import dev.sluice.delivery.RollingWindowRateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiter;
import dev.sluice.destination.AsyncDestination;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.DestinationException;
import dev.sluice.destination.Operation;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RecordOutcome;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.delivery.RequestCounter;
import dev.sluice.http.AuthProvider;
import dev.sluice.http.JsonClient;
import dev.sluice.http.JsonResponse;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes records to Zendesk Support users or organizations through the bulk endpoints, whose
 * background jobs report each record's outcome later.
 *
 * <pre>{@code
 * Zendesk users = Zendesk.users()
 *     .subdomain("acme")                                   // https://acme.zendesk.com
 *     .apiToken("sync-bot@acme.com", System.getenv("ZENDESK_TOKEN"))
 *     .plan(ZendeskPlan.ENTERPRISE)                        // 700 requests per minute to start with
 *     .build();
 * }</pre>
 *
 * <p><b>Keys and endpoints.</b> The record key is the user's or organization's
 * {@code external_id} (users can be keyed by {@code email} instead, with {@link Builder#keyByEmail()};
 * then only UPSERT and INSERT are possible). 100 records per request:
 *
 * <ul>
 *   <li>users: UPSERT by {@code POST /api/v2/users/create_or_update_many}, INSERT by
 *       {@code create_many} (an existing user is <em>already exists</em>, not a failure), UPDATE
 *       by {@code PUT update_many} with the ids read by {@code GET show_many?external_ids=} (an
 *       unknown key is <em>not found</em>, never created), deletes of a MIRROR sync by
 *       {@code DELETE destroy_many?external_ids=} (a key Zendesk does not hold is already gone);
 *   <li>organizations: INSERT, UPDATE and deletes the same way. Zendesk has no bulk upsert for
 *       organizations, and its single {@code create_or_update} costs one request per record (100
 *       per batch); an UPSERT instead reads the batch's ids with one {@code show_many}, updates those
 *       found with one {@code update_many} job and creates the others with one {@code create_many}
 *       job: three requests per 100 records, plus polls.
 * </ul>
 *
 * <p><b>Fields.</b> A record's fields are written to the standard attribute of the same name
 * ({@code name}, {@code email}, {@code role}, {@code tags}, {@code phone}, {@code notes},
 * {@code details}, {@code time_zone}, {@code locale}, {@code verified} …; for organizations
 * {@code name}, {@code details}, {@code notes}, {@code domain_names}, {@code group_id},
 * {@code shared_tickets}, {@code shared_comments}, {@code tags}), or else to the custom field
 * ({@code user_fields} / {@code organization_fields}) with that key. A user's
 * {@value #ORGANIZATION_EXTERNAL_ID} field names their organization by its external id; it is
 * looked up ({@code organizations/show_many}, cached) and written as {@code organization_id}.
 *
 * <p><b>Schema.</b> When a run opens, the custom fields are read and the mapped fields checked: a
 * field that is neither an attribute nor an active custom field fails the run before anything is
 * sent, with the nearest names suggested ({@link ZendeskSchemaException}). Values are converted to
 * each field's type: integers and decimals as numbers, dates as {@code YYYY-MM-DD}, checkboxes as
 * booleans, dropdown values checked against the options, regexp fields matched, emails and roles
 * checked, tags as a list. A value that does not fit fails its record, naming the field, and is
 * not sent.
 *
 * <p><b>Jobs.</b> {@link #submit(Batch)} returns at once; a small pool of request threads
 * ({@link Builder#requestThreads(int)}) sends the requests, never more than
 * {@link Builder#maxJobs(int) 30} jobs are queued or working at once (Zendesk's limit per
 * account), and one scheduler thread polls every due job with one
 * {@code GET /api/v2/job_statuses/show_many}, backing off while jobs are queued or working. The
 * {@code results} of a completed job are matched to records by {@code index} (and by external id
 * or id where the result has no index) and become one outcome per record, with Zendesk's
 * {@code error} and {@code details}. A job that fails, disappears or outlives
 * {@link Builder#jobTimeout(Duration)} leaves its records pending: they are never claimed.
 *
 * <p><b>Pacing.</b> Every request (writes, polls, field and id reads) takes a permit from one
 * rolling-minute budget: the plan's limit at first, then what {@code X-Rate-Limit} and
 * {@code X-Rate-Limit-Remaining} report. A 429 with {@code Retry-After} pauses every request for
 * that long; a 429 without it (an endpoint's own limit, or the job limit) backs off on its own.
 * Polls are spaced so that they take at most about 5% of the budget (and never run more often
 * than once a second). 5xx and I/O errors are tried again
 * ({@link Builder#serverErrorAttempts(int)}); 401 and 403 stop the run and say what to fix.
 * Destinations built with the same {@link Builder#subdomain(String)} and
 * {@link Builder#budgets(RateLimitRegistry)} share one budget.
 *
 * <p>Set the sync's {@code concurrency} to the jobs you want in flight (up to 30): each batch in
 * flight is one job.
 */
public final class Zendesk implements AsyncDestination {

  /** The field of a user record that names their organization by its external id. */
  public static final String ORGANIZATION_EXTERNAL_ID = ZendeskSchema.ORGANIZATION_EXTERNAL_ID;

  /** Records per bulk request, and ids per lookup. */
  public static final int MAX_ITEMS = 100;

  /** Jobs Zendesk lets an account have queued or working at once. */
  public static final int MAX_JOBS = 30;

  /** The share of the budget polls may take when no {@link Builder#pollInterval(Duration)} is set. */
  private static final double POLL_SHARE = 0.05;

  private static final Duration MIN_POLL_SPACING = Duration.ofSeconds(1);

  private static final Logger log = LoggerFactory.getLogger(Zendesk.class);

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Resource resource;
  private final String keyAttribute;
  private final boolean checkSchema;
  private final ZendeskApi api;
  private final JobTracker jobs;
  private final ExecutorService senders;
  private final ExecutorService completer;
  private final Capabilities capabilities;
  private final Map<String, Long> organizationIds = new ConcurrentHashMap<>();
  private volatile ZendeskSchema schema;
  private volatile boolean closed;

  private Zendesk(Builder b) {
    this.resource = b.resource;
    this.keyAttribute = b.keyByEmail ? "email" : "external_id";
    this.checkSchema = b.checkSchema;
    this.schema = ZendeskSchema.unread(resource);
    RateLimiter rateLimit = b.rateLimit != null ? b.rateLimit
        : b.subdomain != null && b.budgets != null
            ? b.budgets.rollingWindow("zendesk:" + b.subdomain, b.plan.requestsPerMinute(), Duration.ofMinutes(1))
            : RollingWindowRateLimiter.of("zendesk:" + (b.subdomain == null ? resource.plural : b.subdomain),
                b.plan.requestsPerMinute(), Duration.ofMinutes(1));
    JsonClient.Builder http = JsonClient.builder(b.baseUrl)
        .auth(b.auth)
        .responseTimeout(b.timeout)
        .maxConnections(b.requestThreads + 1)
        .userAgent("sluice-zendesk")
        .rateLimiter(rateLimit)
        .responseListener(response -> observeLimits(rateLimit, response));
    if (b.meterRegistry != null) {
      http.metrics(b.meterRegistry, "zendesk");
    }
    this.api = new ZendeskApi(http.build(), rateLimit, b.credential, b.initialBackoff, b.maxBackoff,
        b.serverErrorAttempts, b.maxRateLimitWait);
    int instance = INSTANCES.incrementAndGet();
    Duration fixedSpacing = b.pollInterval;
    this.jobs = new JobTracker(api, b.maxJobs, () -> fixedSpacing != null ? fixedSpacing : budgetSpacing(rateLimit),
        b.maxPollDelay, b.jobTimeout, "sluice-zendesk-" + instance + "-jobs");
    AtomicInteger n = new AtomicInteger();
    this.senders = Executors.newFixedThreadPool(b.requestThreads, r -> daemon(r,
        "sluice-zendesk-" + instance + "-request-" + n.incrementAndGet()));
    this.completer = Executors.newSingleThreadExecutor(r -> daemon(r, "sluice-zendesk-" + instance + "-results"));
    Capabilities.Builder caps = Capabilities.builder()
        .maxRecordsPerBatch(MAX_ITEMS)
        .idempotentWrites(true)
        .requestsTakePermits(rateLimit);
    if (b.keyByEmail) {
      caps.operations(Operation.UPSERT, Operation.INSERT);
    } else {
      caps.operations(Operation.UPSERT, Operation.UPDATE, Operation.INSERT, Operation.DELETE);
    }
    this.capabilities = caps.build();
  }

  /**
   * Starts a destination for Zendesk Support users.
   *
   * @return a builder to configure it with
   */
  public static Builder users() {
    return new Builder(Resource.USERS);
  }

  /**
   * Starts a destination for Zendesk Support organizations.
   *
   * @return a builder to configure it with
   */
  public static Builder organizations() {
    return new Builder(Resource.ORGANIZATIONS);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static Duration budgetSpacing(RateLimiter rateLimit) {
    long window = rateLimit.getRateLimiterConfig().getLimitRefreshPeriod().toMillis();
    long millis = (long) (window / (rateLimit.getRateLimiterConfig().getLimitForPeriod() * POLL_SHARE));
    return Duration.ofMillis(Math.max(MIN_POLL_SPACING.toMillis(), millis));
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  /**
   * The budget every request of this destination takes a permit from.
   *
   * @return the budget
   */
  public RateLimiter rateLimit() {
    return api.rateLimit();
  }

  /** {@return requests sent so far, polls and lookups included} */
  public long requests() {
    return api.requests();
  }

  /** {@return job polls sent so far} */
  public long polls() {
    return jobs.polls();
  }

  /**
   * Answers with 429 so far.
   *
   * @return the answers with 429 so far
   */
  public long rateLimitedAnswers() {
    return api.tooManyRequests();
  }

  @Override
  public void open(RunContext context) {
    if (keyAttribute.equals("email") && (context.mode() == SyncMode.UPDATE || context.mode() == SyncMode.MIRROR)) {
      throw new IllegalStateException("Zendesk users keyed by email can be synced with mode UPSERT or INSERT only,"
          + " not " + context.mode() + ": Zendesk reads, updates and deletes users in bulk by external id; key the"
          + " users by external_id for " + context.mode());
    }
    organizationIds.clear();
    if (!checkSchema) {
      return;
    }
    ZendeskSchema loaded = loadSchema();
    List<String> problems = loaded.problems(context.fields().orElse(List.of()), keyAttribute);
    if (!problems.isEmpty()) {
      throw new ZendeskSchemaException(resource.plural, problems);
    }
    this.schema = loaded;
  }

  private ZendeskSchema loadSchema() {
    List<JsonNode> pages = new ArrayList<>();
    String path = "/api/v2/" + resource.fieldsName;
    for (int page = 0; path != null && page < 100; page++) {
      JsonResponse response = api.send("GET", path, null);
      if (!response.isSuccess()) {
        throw refused(response, "reading the " + resource.fieldsName);
      }
      JsonNode body = response.json();
      pages.add(body);
      String next = body.path("next_page").asText(null);
      path = next == null || body.path("next_page").isNull() ? null : pathOf(next);
    }
    return ZendeskSchema.parse(resource, pages);
  }

  private static String pathOf(String url) {
    URI uri = URI.create(url);
    return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  @Override
  public CompletionStage<BatchResult> submit(Batch batch) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("this Zendesk destination is closed"));
    }
    Pending pending = new Pending(batch);
    List<Item> items = new ArrayList<>(batch.size());
    for (Record record : batch.records()) {
      try {
        items.add(prepare(record, batch.operation()));
      } catch (IllegalArgumentException e) {
        pending.fail(List.of(record.key()), e.getMessage(), false);
      }
    }
    if (items.isEmpty()) {
      pending.done();
      return pending.future;
    }
    try {
      // The run's request counter goes with the work: its requests (and the job's polls) count for the run.
      senders.execute(RequestCounter.propagating(() -> {
        try {
          send(pending, batch.operation(), items);
        } catch (DestinationException e) {
          pending.sendingFailed(e);
        } catch (RuntimeException e) {
          pending.sendingFailed(new RetryableDestinationException("sending to Zendesk failed: " + e, e));
        } finally {
          pending.done();
        }
      }));
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new IllegalStateException("this Zendesk destination is closed", e));
    }
    return pending.future;
  }

  /** One record as the body Zendesk expects, checked and converted; no request is made. */
  private Item prepare(Record record, Operation operation) {
    String key = record.key();
    if (operation == Operation.DELETE) {
      return new Item(key, null);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    Map<String, Object> custom = new LinkedHashMap<>();
    Item item = new Item(key, body);
    if (keyAttribute.equals("email")) {
      if (!ZendeskSchema.isEmail(key)) {
        throw new IllegalArgumentException("key '" + key + "' is not a properly formatted email address, which"
            + " users keyed by email need");
      }
      body.put("email", key);
    } else {
      body.put("external_id", key);
    }
    ZendeskSchema known = schema;
    for (int i = 0; i < record.size(); i++) {
      String name = record.shape().name(i);
      if (name.equals(keyAttribute) || name.equals("external_id") || name.equals("id")) {
        throw new IllegalArgumentException("field '" + name + "' is written from the record key (" + keyAttribute
            + "); remove it from the mapping");
      }
      ZendeskSchema.Field f = known.field(name).orElseThrow(() -> new IllegalArgumentException("field '" + name
          + "' is neither a standard " + resource.singular + " attribute nor a " + resource.fieldsName + " key"));
      Object value;
      try {
        value = ZendeskSchema.write(f, record.get(i), api.client()::toJson);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("field '" + name + "' (Zendesk " + f.type + "): " + e.getMessage());
      }
      if (name.equals(ORGANIZATION_EXTERNAL_ID)) {
        item.organization = true;
        item.organizationExternalId = (String) value;
      } else if (f.custom) {
        custom.put(name, value);
      } else {
        body.put(name, value);
      }
    }
    if (!custom.isEmpty()) {
      body.put(resource.fieldsName, custom);
    }
    return item;
  }

  /** Runs on a request thread: lookups, then the bulk request(s) of one batch. */
  private void send(Pending p, Operation op, List<Item> items) {
    if (resource == Resource.USERS && op != Operation.DELETE) {
      items = withOrganizations(p, items);
      if (items.isEmpty()) {
        return;
      }
    }
    String base = "/api/v2/" + resource.plural;
    switch (op) {
      case INSERT:
        job(p, op, "POST", base + "/create_many", Map.of(resource.plural, bodies(items)), keys(items), Map.of());
        break;
      case UPSERT:
        if (resource == Resource.USERS) {
          job(p, op, "POST", base + "/create_or_update_many", Map.of(resource.plural, bodies(items)), keys(items),
              Map.of());
        } else {
          upsertOrganizations(p, items);
        }
        break;
      case UPDATE: {
        Map<String, Long> ids = ids(p, items);
        List<Item> found = new ArrayList<>();
        Map<Long, String> keyById = new HashMap<>();
        for (Item item : items) {
          Long id = ids.get(lower(item.key));
          if (id == null) {
            p.set(outcome(op, item.key, missing(item.key)));
          } else {
            item.body.put("id", id);
            keyById.put(id, item.key);
            found.add(item);
          }
        }
        if (!found.isEmpty()) {
          job(p, op, "PUT", base + "/update_many", Map.of(resource.plural, bodies(found)), keys(found), keyById);
        }
        break;
      }
      default: { // DELETE
        Map<String, Long> ids = ids(p, items);
        List<String> found = new ArrayList<>();
        Map<Long, String> keyById = new HashMap<>();
        for (Item item : items) {
          Long id = ids.get(lower(item.key));
          if (id == null) {
            p.set(outcome(op, item.key, missing(item.key)));
          } else {
            keyById.put(id, item.key);
            found.add(item.key);
          }
        }
        if (!found.isEmpty()) {
          job(p, op, "DELETE", base + "/destroy_many?external_ids=" + commaList(found), null, found, keyById);
        }
      }
    }
  }

  /** Organizations have no bulk upsert: update those Zendesk holds, create the others. */
  private void upsertOrganizations(Pending p, List<Item> items) {
    Map<String, Long> ids = ids(p, items);
    List<Item> existing = new ArrayList<>();
    List<Item> fresh = new ArrayList<>();
    Map<Long, String> keyById = new HashMap<>();
    for (Item item : items) {
      Long id = ids.get(lower(item.key));
      if (id == null) {
        fresh.add(item);
      } else {
        item.body.put("id", id);
        keyById.put(id, item.key);
        existing.add(item);
      }
    }
    String base = "/api/v2/organizations";
    if (!existing.isEmpty()) {
      job(p, Operation.UPSERT, "PUT", base + "/update_many", Map.of("organizations", bodies(existing)), keys(existing),
          keyById);
    }
    if (!fresh.isEmpty()) {
      job(p, Operation.UPSERT, "POST", base + "/create_many", Map.of("organizations", bodies(fresh)), keys(fresh),
          Map.of());
    }
  }

  /** The Zendesk ids of the items' keys (lower-cased external id → id), read with show_many. */
  private Map<String, Long> ids(Pending p, List<Item> items) {
    List<String> keys = new ArrayList<>();
    for (Item item : items) {
      if (item.key.contains(",")) {
        p.fail(List.of(item.key), "the external id contains a comma, which Zendesk's comma-separated id lists"
            + " cannot carry; change the key", false);
      } else {
        keys.add(item.key);
      }
    }
    return lookUp(resource, keys);
  }

  private Map<String, Long> lookUp(Resource what, Collection<String> externalIds) {
    Map<String, Long> ids = new HashMap<>();
    List<String> all = new ArrayList<>(externalIds);
    for (int from = 0; from < all.size(); from += MAX_ITEMS) {
      List<String> chunk = all.subList(from, Math.min(all.size(), from + MAX_ITEMS));
      JsonResponse response = api.send("GET", "/api/v2/" + what.plural + "/show_many?external_ids=" + commaList(chunk),
          null);
      if (!response.isSuccess()) {
        throw refused(response, "looking up " + what.plural + " by external id");
      }
      for (JsonNode found : response.json().path(what.plural)) {
        if (found.hasNonNull("external_id") && found.hasNonNull("id")) {
          ids.put(lower(found.get("external_id").asText()), found.get("id").asLong());
        }
      }
    }
    return ids;
  }

  /** Sets {@code organization_id} from each user's organization external id; unknown ones fail their record. */
  private List<Item> withOrganizations(Pending p, List<Item> items) {
    Set<String> wanted = new HashSet<>();
    for (Item item : items) {
      if (item.organizationExternalId != null && !item.organizationExternalId.contains(",")
          && !organizationIds.containsKey(lower(item.organizationExternalId))) {
        wanted.add(item.organizationExternalId);
      }
    }
    if (!wanted.isEmpty()) {
      organizationIds.putAll(lookUp(Resource.ORGANIZATIONS, wanted));
    }
    List<Item> ready = new ArrayList<>(items.size());
    for (Item item : items) {
      if (!item.organization) {
        ready.add(item);
      } else if (item.organizationExternalId == null) {
        item.body.put("organization_id", null);
        ready.add(item);
      } else {
        Long id = organizationIds.get(lower(item.organizationExternalId));
        if (id == null) {
          p.fail(List.of(item.key), "field '" + ORGANIZATION_EXTERNAL_ID + "': Zendesk has no organization with"
              + " external id '" + item.organizationExternalId + "'; sync the organizations first, or fix the value",
              false);
        } else {
          item.body.put("organization_id", id);
          ready.add(item);
        }
      }
    }
    return ready;
  }

  /**
   * Submits one bulk request and follows its job; its results become the outcomes of
   * {@code keys}, given in request order.
   */
  private void job(Pending p, Operation op, String method, String path, Object body, List<String> keys,
      Map<Long, String> keyById) {
    jobs.acquireSlot();
    JsonResponse response;
    try {
      response = api.send(method, path, body);
    } catch (RuntimeException e) {
      jobs.releaseSlot();
      throw e;
    }
    if (!response.isSuccess()) {
      jobs.releaseSlot();
      throw refused(response, method + " " + path.replaceAll("\\?.*", ""));
    }
    JsonNode status = response.json().path("job_status");
    String id = status.path("id").asText("");
    if (id.isEmpty()) {
      jobs.releaseSlot();
      throw new RetryableDestinationException("Zendesk answered " + method + " " + path.replaceAll("\\?.*", "")
          + " without a job_status id: " + response.excerpt());
    }
    p.submitted(keys);
    if (status.path("status").asText("").equals("completed") && !status.path("results").isMissingNode()) {
      jobs.releaseSlot();
      completer.execute(() -> finished(p, op, keys, keyById, status));
      return;
    }
    jobs.track(id, new JobTracker.Listener() {
      @Override
      public void completed(JsonNode done) {
        completer.execute(() -> finished(p, op, keys, keyById, done));
      }

      @Override
      public void failed(DestinationException error) {
        completer.execute(() -> {
          log.info("{}; batch {}", error.getMessage(), p.batch.id());
          p.jobFailed(keys, error);
        });
      }
    });
  }

  private void finished(Pending p, Operation op, List<String> keys, Map<Long, String> keyById, JsonNode status) {
    JsonNode results = status.path("results");
    if (results.isObject()) {
      boolean ok = results.path("success").asBoolean(false);
      for (String key : keys) {
        p.set(ok ? RecordOutcome.succeeded(key) : RecordOutcome.retryableFailure(key,
            "Zendesk job " + status.path("id").asText() + " completed with success false and no per-record results"));
      }
    } else {
      Map<String, String> byLower = new HashMap<>();
      keys.forEach(k -> byLower.put(lower(k), k));
      for (JsonNode result : results) {
        String key = keyOf(result, keys, byLower, keyById);
        if (key != null) {
          p.set(outcome(op, key, result));
        }
      }
    }
    p.done();
  }

  /** The record a job result is about: by index, else by external id or email, else by Zendesk id. */
  private String keyOf(JsonNode result, List<String> keys, Map<String, String> byLower, Map<Long, String> keyById) {
    JsonNode index = result.path("index");
    if (index.canConvertToInt() && index.isIntegralNumber() && index.asInt() >= 0 && index.asInt() < keys.size()) {
      return keys.get(index.asInt());
    }
    JsonNode attribute = result.path(keyAttribute);
    if (attribute.isTextual() && byLower.containsKey(lower(attribute.asText()))) {
      return byLower.get(lower(attribute.asText()));
    }
    JsonNode id = result.path("id");
    return id.canConvertToLong() ? keyById.get(id.asLong()) : null;
  }

  /**
   * What one job result means for its record: the one place Zendesk's results become outcomes.
   * Created, Updated and Deleted succeed; a delete of a record Zendesk does not hold succeeds (it
   * is gone); an update of one it does not hold is not found; an insert of one it already holds
   * (its key taken) already exists; anything else failed, for a reason in the record.
   */
  private RecordOutcome outcome(Operation op, String key, JsonNode result) {
    String status = result.path("status").asText("");
    boolean success = result.path("success").asBoolean(
        status.equals("Created") || status.equals("Updated") || status.equals("Deleted"));
    if (success && !status.equals("Failed")) {
      return RecordOutcome.succeeded(key);
    }
    String error = result.path("error").asText("");
    String details = result.path("details").asText("");
    String reason = "Zendesk: " + (error.isEmpty() ? status : error) + (details.isEmpty() ? "" : ": " + details);
    String text = (error + " " + details).toLowerCase(Locale.ROOT);
    boolean notFound = error.equals("RecordNotFound") || text.contains("not found");
    if (op == Operation.DELETE && notFound) {
      return RecordOutcome.succeeded(key);
    }
    if (op == Operation.UPDATE && notFound) {
      return RecordOutcome.notFound(key, reason);
    }
    boolean keyTaken = text.contains(keyAttribute.equals("email") ? "email" : "external")
        && (text.contains("taken") || text.contains("already"));
    if (op == Operation.INSERT && keyTaken) {
      return RecordOutcome.alreadyExists(key, reason);
    }
    return RecordOutcome.permanentFailure(key, reason);
  }

  /** The result Zendesk would give for a key show_many did not find. */
  private JsonNode missing(String key) {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("status", "Failed").put("error", "RecordNotFound")
        .put("details", "Zendesk has no " + resource.singular + " with external id '" + key + "'");
    return result;
  }

  /** A refusal of a whole request that is not about the account (400, 404, 422…): the batch fails. */
  private static DestinationException refused(JsonResponse response, String what) {
    String message = "Zendesk refused " + what + " (HTTP " + response.status() + " " + ZendeskApi.message(response) + ")";
    if (response.status() == 409 || response.status() == 429 || response.status() >= 500) {
      return new RetryableDestinationException(message);
    }
    return new PermanentDestinationException(message);
  }

  private static String commaList(List<String> values) {
    StringBuilder list = new StringBuilder();
    for (String v : values) {
      list.append(list.length() == 0 ? "" : ",").append(URLEncoder.encode(v, StandardCharsets.UTF_8));
    }
    return list.toString();
  }

  private static List<Object> bodies(List<Item> items) {
    List<Object> bodies = new ArrayList<>(items.size());
    items.forEach(i -> bodies.add(i.body));
    return bodies;
  }

  private static List<String> keys(List<Item> items) {
    List<String> keys = new ArrayList<>(items.size());
    items.forEach(i -> keys.add(i.key));
    return keys;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /**
   * Follows the account's limit and what other integrations leave of it; when nothing is left and
   * Zendesk says when the window resets ({@code ratelimit-reset}, seconds), every request waits
   * until then rather than drawing a 429.
   */
  private static void observeLimits(RateLimiter rateLimit, JsonResponse response) {
    if (response.status() == 429 || !(rateLimit instanceof RollingWindowRateLimiter)) {
      return;
    }
    RollingWindowRateLimiter budget = (RollingWindowRateLimiter) rateLimit;
    Optional<Integer> limit = response.header("X-Rate-Limit").or(() -> response.header("ratelimit-limit"))
        .map(Zendesk::integer);
    Optional<Integer> remaining = response.header("X-Rate-Limit-Remaining")
        .or(() -> response.header("ratelimit-remaining")).map(Zendesk::integer);
    if (limit.isPresent() && remaining.isPresent() && limit.get() > 0) {
      budget.observe(limit.get(), remaining.get());
      if (remaining.get() <= 0) {
        response.header("ratelimit-reset").map(Zendesk::integer).filter(seconds -> seconds > 0)
            .ifPresent(seconds -> budget.pause(Duration.ofSeconds(seconds)));
      }
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
    return "zendesk " + resource.plural + " key " + keyAttribute;
  }

  @Override
  public void close() {
    closed = true;
    senders.shutdownNow();
    jobs.close();
    completer.shutdown();
    api.close();
  }

  @Override
  public String toString() {
    return "Zendesk{" + resource.plural + ", key=" + keyAttribute + ", " + api.rateLimit() + '}';
  }

  /** One record ready to send. */
  private static final class Item {
    final String key;
    final Map<String, Object> body;
    boolean organization;
    String organizationExternalId;

    Item(String key, Map<String, Object> body) {
      this.key = key;
      this.body = body;
    }
  }

  /** One batch on its way: outcomes gathered from its lookups and jobs, completed when all are in. */
  private static final class Pending {
    final Batch batch;
    final BatchResult.Builder result;
    final CompletableFuture<BatchResult> future = new CompletableFuture<>();
    private final Set<String> decided = new HashSet<>();
    private final Set<String> inJobs = new HashSet<>();
    private int open = 1; // the sending itself, then one per job

    Pending(Batch batch) {
      this.batch = batch;
      this.result = BatchResult.builder(batch);
    }

    /** The first outcome of a record counts. */
    synchronized void set(RecordOutcome outcome) {
      if (decided.add(outcome.key())) {
        result.set(outcome);
      }
    }

    synchronized void fail(Collection<String> keys, String reason, boolean retryable) {
      for (String key : keys) {
        if (decided.add(key)) {
          result.failed(key, reason, retryable);
        }
      }
    }

    synchronized void submitted(Collection<String> keys) {
      inJobs.addAll(keys);
      open++;
    }

    /** Sending failed: the whole batch when nothing of it is in a job, else the records not in one. */
    void sendingFailed(DestinationException e) {
      boolean whole;
      synchronized (this) {
        whole = inJobs.isEmpty() && decided.isEmpty()
            || e instanceof PermanentDestinationException && ((PermanentDestinationException) e).stopsRun();
        if (!whole) {
          for (String key : batch.keys()) {
            if (!inJobs.contains(key) && decided.add(key)) {
              result.failed(key, e.getMessage(), e.isRetryable());
            }
          }
        }
      }
      if (whole) {
        future.completeExceptionally(e);
      }
    }

    void jobFailed(List<String> keys, DestinationException e) {
      if (e instanceof PermanentDestinationException && ((PermanentDestinationException) e).stopsRun()) {
        future.completeExceptionally(e);
        return;
      }
      fail(keys, e.getMessage(), e.isRetryable());
      done();
    }

    void done() {
      BatchResult built = null;
      synchronized (this) {
        if (--open == 0) {
          built = result.build();
        }
      }
      if (built != null) {
        future.complete(built);
      }
    }
  }

  /** Configures a {@link Zendesk} destination; each setter validates at once. */
  public static final class Builder {
    private final Resource resource;
    private String baseUrl;
    private String subdomain;
    private AuthProvider auth;
    private String credential;
    private boolean keyByEmail;
    private ZendeskPlan plan = ZendeskPlan.TEAM;
    private RateLimiter rateLimit;
    private RateLimitRegistry budgets;
    private int maxJobs = MAX_JOBS;
    private int requestThreads = 4;
    private Duration pollInterval;
    private Duration maxPollDelay = Duration.ofSeconds(15);
    private Duration jobTimeout = Duration.ofMinutes(30);
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(1);
    private int serverErrorAttempts = 3;
    private Duration maxRateLimitWait = Duration.ofMinutes(10);
    private Duration timeout = Duration.ofSeconds(60);
    private boolean checkSchema = true;
    private io.micrometer.core.instrument.MeterRegistry meterRegistry;

    private Builder(Resource resource) {
      this.resource = resource;
    }

    /**
     * The account's subdomain: {@code acme} for {@code https://acme.zendesk.com}.
     *
     * @param subdomain the subdomain
     * @return this builder
     */
    public Builder subdomain(String subdomain) {
      Objects.requireNonNull(subdomain, "subdomain");
      if (!subdomain.matches("[A-Za-z0-9][A-Za-z0-9-]*")) {
        throw new IllegalArgumentException("subdomain '" + subdomain + "' is not a Zendesk subdomain: give the part"
            + " before .zendesk.com, such as acme");
      }
      this.subdomain = subdomain.toLowerCase(Locale.ROOT);
      this.baseUrl = "https://" + this.subdomain + ".zendesk.com";
      return this;
    }

    /**
     * The registry your application keeps its rate budgets in: destinations of the same
     * {@link #subdomain(String)} built with the same registry share one budget
     * ({@code zendesk:<subdomain>}), as Zendesk counts requests per account.
     *
     * @param budgets the registry
     * @return this builder
     */
    public Builder budgets(RateLimitRegistry budgets) {
      this.budgets = Objects.requireNonNull(budgets, "budgets");
      return this;
    }

    /**
     * Where the API is instead of the subdomain's URL (a fake's URL in tests, a custom host).
     *
     * @param url the base URL
     * @return this builder
     */
    public Builder baseUrl(String url) {
      this.baseUrl = Objects.requireNonNull(url, "url");
      return this;
    }

    /**
     * Authenticates as agent {@code email} with an API token ({@code {email}/token:{token}}, HTTP Basic).
     *
     * @param email the agent's email
     * @param token the token
     * @return this builder
     */
    public Builder apiToken(String email, String token) {
      Objects.requireNonNull(email, "email");
      Objects.requireNonNull(token, "token");
      if (!ZendeskSchema.isEmail(email)) {
        throw new IllegalArgumentException("apiToken needs the agent's email address, was '" + email + "'");
      }
      if (token.isBlank()) {
        throw new IllegalArgumentException("the API token is empty: create one in Admin Center under Apps and"
            + " integrations > APIs > Zendesk API");
      }
      this.auth = AuthProvider.basic(email + "/token", token);
      this.credential = "the API token of " + email;
      return this;
    }

    /**
     * Authenticates with an OAuth access token ({@code Authorization: Bearer}).
     *
     * @param accessToken the OAuth access token
     * @return this builder
     */
    public Builder oauthToken(String accessToken) {
      Objects.requireNonNull(accessToken, "accessToken");
      if (accessToken.isBlank()) {
        throw new IllegalArgumentException("the OAuth access token is empty");
      }
      this.auth = AuthProvider.bearer(accessToken);
      this.credential = "the OAuth access token";
      return this;
    }

    /**
     * Keys users by email instead of external id: upserts match users by email, inserts create
     * them with it. Zendesk reads, updates and deletes in bulk by external id only, so such a
     * destination supports UPSERT and INSERT, not UPDATE or MIRROR.
     *
     * @return this builder
     */
    public Builder keyByEmail() {
      if (resource != Resource.USERS) {
        throw new IllegalStateException("only users can be keyed by email; organizations are keyed by external_id");
      }
      this.keyByEmail = true;
      return this;
    }

    /**
     * The account's plan, for the starting pace (default {@link ZendeskPlan#TEAM}: 200 per minute).
     *
     * @param plan the account's plan
     * @return this builder
     */
    public Builder plan(ZendeskPlan plan) {
      this.plan = Objects.requireNonNull(plan, "plan");
      return this;
    }

    /**
     * A budget of your own instead of the plan's (share one between destinations of an account).
     *
     * @param limit the budget
     * @return this builder
     */
    public Builder rateLimit(RateLimiter limit) {
      this.rateLimit = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Jobs this destination keeps queued or working at most (default and maximum
     * {@value Zendesk#MAX_JOBS}, Zendesk's limit per account); lower it when other integrations run
     * jobs on the same account.
     *
     * @param jobs jobs at most
     * @return this builder
     */
    public Builder maxJobs(int jobs) {
      if (jobs < 1 || jobs > MAX_JOBS) {
        throw new IllegalArgumentException("maxJobs must be between 1 and " + MAX_JOBS + ", was " + jobs);
      }
      this.maxJobs = jobs;
      return this;
    }

    /**
     * Threads that send requests (default 4); jobs are polled from one more thread.
     *
     * @param threads threads, at least 1
     * @return this builder
     */
    public Builder requestThreads(int threads) {
      if (threads < 1 || threads > 32) {
        throw new IllegalArgumentException("requestThreads must be between 1 and 32, was " + threads);
      }
      this.requestThreads = threads;
      return this;
    }

    /**
     * The time between job polls, and before a job's first poll. By default polls are spaced to
     * take about 5% of the rate budget, and at least 1 s apart (1.7 s at 700 per minute).
     *
     * @param interval how often
     * @return this builder
     */
    public Builder pollInterval(Duration interval) {
      this.pollInterval = positive(interval, "pollInterval");
      return this;
    }

    /**
     * The longest a queued or working job waits between polls (default 15 s).
     *
     * @param delay how long before the answer
     * @return this builder
     */
    public Builder maxPollDelay(Duration delay) {
      this.maxPollDelay = positive(delay, "maxPollDelay");
      return this;
    }

    /**
     * How long a job may stay queued or working before its records are left pending (default 30 min).
     *
     * @param timeout the time to wait
     * @return this builder
     */
    public Builder jobTimeout(Duration timeout) {
      this.jobTimeout = positive(timeout, "jobTimeout");
      return this;
    }

    /**
     * The backoff after a 5xx, an I/O error or a 429 without {@code Retry-After}: {@code initial},
     * doubling up to {@code max} (default 1 s to 1 min).
     *
     * @param initial the first wait
     * @param max the maximum, at least 1
     * @return this builder
     */
    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = positive(initial, "initial backoff");
      this.maxBackoff = positive(max, "max backoff");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("the max backoff " + max + " is shorter than the initial " + initial);
      }
      return this;
    }

    /**
     * Tries per request on 5xx and I/O errors before the batch fails as retryable (default 3).
     *
     * @param attempts calls per batch, at least 1
     * @return this builder
     */
    public Builder serverErrorAttempts(int attempts) {
      if (attempts < 1) {
        throw new IllegalArgumentException("serverErrorAttempts must be at least 1, was " + attempts);
      }
      this.serverErrorAttempts = attempts;
      return this;
    }

    /**
     * The longest one request keeps waiting out 429s before its batch fails as rate-limited (default 10 min).
     *
     * @param wait how long to wait
     * @return this builder
     */
    public Builder maxRateLimitWait(Duration wait) {
      this.maxRateLimitWait = positive(wait, "maxRateLimitWait");
      return this;
    }

    /**
     * Time to wait for each answer; default 60 s.
     *
     * @param timeout the time to wait
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * Whether to read the custom fields and check the mapping when a run opens; default true.
     *
     * @param check whether to check
     * @return this builder
     */
    public Builder checkSchema(boolean check) {
      this.checkSchema = check;
      return this;
    }

    /**
     * Times every request ({@code sluice.http.requests}, destination {@code zendesk}).
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
     * @throws IllegalStateException when the subdomain (or base URL) or the credentials are missing
     */
    public Zendesk build() {
      if (baseUrl == null) {
        throw new IllegalStateException("Zendesk needs the account: subdomain(\"acme\") for https://acme.zendesk.com"
            + " (or baseUrl(...))");
      }
      if (auth == null) {
        throw new IllegalStateException("Zendesk needs credentials: apiToken(email, token) or oauthToken(token)");
      }
      return new Zendesk(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
