package dev.sluice.testkit.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A stateful fake of a Salesforce org on loopback sockets, for testing connectors and syncs
 * without an org. Needs {@code com.squareup.okhttp3:mockwebserver3}. It runs two servers: the
 * login host ({@link #loginUrl()}, standing for {@code login.salesforce.com}) and the org's My
 * Domain host ({@link #instanceUrl()}), which serves the token endpoint too and every REST call.
 *
 * <p><b>OAuth</b> ({@code POST /services/oauth2/token}, form-encoded): the JWT bearer flow (an
 * RS256 assertion whose signature is verified against the connected app's certificate key, with
 * {@code iss} the consumer key, {@code sub} a pre-approved user, {@code aud} a login URL and an
 * {@code exp} in the future), client credentials (HTTP Basic or form client id and secret; only on
 * the My Domain host, as Salesforce requires), and refresh tokens. Success answers carry
 * {@code access_token, instance_url, id, token_type, issued_at, signature, scope}; refusals are
 * 400 {@code {"error":"invalid_grant","error_description":...}} (or {@code invalid_client_id},
 * {@code invalid_client}). Access tokens expire after {@link #sessionLifetime(Duration)}; then, or
 * after {@link #expireSessions()}, REST calls get 401 {@code INVALID_SESSION_ID}.
 *
 * <p><b>REST</b> under {@code /services/data/vNN.N/}: {@code sobjects/{obj}/describe};
 * sObject Collections upsert ({@code PATCH composite/sobjects/{obj}/{externalIdField}}), create
 * ({@code POST composite/sobjects}), update ({@code PATCH composite/sobjects}, by Id) and delete
 * ({@code DELETE composite/sobjects?ids=}): at most 200 records, one result per record in request
 * order, {@code allOrNone} honoured with rollback. Strict like Salesforce: 400 for more than 200
 * records, a record without {@code attributes.type} or of another type than the URI's, an unknown
 * field, a value of the wrong JSON type, an upsert key that is not an external ID. Per-record
 * errors: {@code DUPLICATE_VALUE} (same key twice in one request, or a unique field's value taken),
 * {@code DUPLICATE_EXTERNAL_ID}, {@code REQUIRED_FIELD_MISSING}, {@code STRING_TOO_LONG},
 * {@code INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST}, {@code INVALID_EMAIL_ADDRESS},
 * {@code NUMBER_OUTSIDE_VALID_RANGE}, {@code INVALID_FIELD_FOR_INSERT_UPDATE},
 * {@code STORAGE_LIMIT_EXCEEDED}, and any scripted with {@link #failRecord}. SOQL
 * {@code SELECT ... FROM obj WHERE field IN (...)} with {@code nextRecordsUrl} paging. Bulk API 2.0
 * ingest jobs: create, one CSV upload (201), close or abort, state
 * {@code Open → UploadComplete → InProgress → JobComplete} (or {@code Failed}, {@code Aborted}) as
 * the {@link #bulkProcessingTime(Duration) processing time} passes on the fake's clock, and the
 * three result files in shuffled order. A CSV that does not match the job's line ending or
 * delimiter, or names an unknown column, fails the job as Salesforce does.
 *
 * <p><b>Limits</b>: every REST answer carries {@code Sforce-Limit-Info: api-usage=N/M}; beyond the
 * {@link #dailyApiLimit(long) daily allocation} calls get 403 {@code REQUEST_LIMIT_EXCEEDED}
 * ({@code TotalRequests Limit exceeded.}); more than {@link #concurrentRequestLimit(int)} requests
 * at once get 403 {@code REQUEST_LIMIT_EXCEEDED} ({@code ConcurrentPerOrgLongTxn Limit exceeded}).
 * Thread-safe.
 */
public final class SalesforceFake implements AutoCloseable {

  /** The connected app's consumer key the fake knows. */
  public static final String CONSUMER_KEY = "3MVG9fake.sluice.consumer.key";
  /** The connected app's consumer secret. */
  public static final String CONSUMER_SECRET = "fake-consumer-secret-7f3a";
  /** The pre-approved user of the JWT bearer flow. */
  public static final String USERNAME = "integration@sluice.example.com";
  /** The org id in tokens and ids. */
  public static final String ORG_ID = "00DFAKE0000000001";
  /** Records per sObject Collections request. */
  public static final int MAX_COLLECTION_RECORDS = 200;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REST = Pattern.compile("/services/data/(v\\d+\\.\\d)/(.*)");
  private static final Pattern DESCRIBE = Pattern.compile("sobjects/([A-Za-z0-9_]+)/describe/?");
  private static final Pattern UPSERT = Pattern.compile("composite/sobjects/([A-Za-z0-9_]+)/([A-Za-z0-9_]+)");
  private static final Pattern JOB = Pattern.compile("jobs/ingest/([A-Za-z0-9]+)(/batches|/successfulResults|"
      + "/failedResults|/unprocessedrecords)?/?");
  private static final Pattern QUERY_MORE = Pattern.compile("query/([A-Za-z0-9]+)-(\\d+)");

  private final MockWebServer login = new MockWebServer();
  private final MockWebServer instance = new MockWebServer();
  private final Clock clock;
  private final KeyPair keyPair;
  private PublicKey appKey;
  private final Map<String, ObjectStore> objects = new LinkedHashMap<>();
  private final Map<String, Instant> sessions = new HashMap<>();
  private final Set<String> refreshTokens = new HashSet<>();
  private final Set<String> approvedUsers = new HashSet<>(Set.of(USERNAME));
  private final Map<String, BulkJob> jobs = new LinkedHashMap<>();
  private final Map<String, List<ObjectNode>> cursors = new HashMap<>();
  private final Map<String, String[]> recordFailures = new HashMap<>();
  private final ArrayDeque<MockResponse> scripted = new ArrayDeque<>();
  private final List<String> requests = new ArrayList<>();
  private final List<String> uploads = new ArrayList<>();
  private final Map<String, Integer> grants = new TreeMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger concurrencyRefusals = new AtomicInteger();
  private volatile int concurrentLimit = 25;
  private Duration sessionLifetime = Duration.ofHours(2);
  private long dailyLimit = 100_000;
  private long apiUsed;
  private int queryPageSize = 2_000;
  private Duration bulkProcessingTime = Duration.ZERO;
  private long maxUploadBytes = 100L * 1024 * 1024;
  private long storageLimit = Long.MAX_VALUE;
  private Integer failNextJobAfter;
  private String failNextJobMessage;
  private Random shuffle = new Random(14);
  private long nextId = 1;
  private long nextJob = 1;
  private long nextCursor = 1;

  private SalesforceFake(Clock clock) {
    this.clock = clock;
    this.keyPair = AppKeys.PAIR;
    this.appKey = keyPair.getPublic();
    defineStandardObjects();
    login.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return handle(request, true);
      }
    });
    instance.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return handle(request, false);
      }
    });
  }

  /**
   * Starts a fake org with Contact, Lead, Account and Subscription__c, on the system clock.
   *
   * @return the started fake; close it when done
   */
  public static SalesforceFake start() {
    return start(Clock.systemUTC());
  }

  /**
   * As {@link #start()}, with token expiry and Bulk processing judged by {@code clock}.
   *
   * @param clock the clock to read the time from
   * @return the started fake; close it when done
   */
  public static SalesforceFake start(Clock clock) {
    SalesforceFake fake = new SalesforceFake(clock);
    try {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      fake.login.start(loopback, 0);
      fake.instance.start(loopback, 0);
    } catch (IOException e) {
      throw new UncheckedIOException("the Salesforce fake did not start", e);
    }
    return fake;
  }

  /** {@return the login host, in place of {@code https://login.salesforce.com}} */
  public String loginUrl() {
    return url(login);
  }

  /**
   * {@return the org's My Domain host and instance URL, in place of {@code https://acme.my.salesforce.com}}
   */
  public String instanceUrl() {
    return url(instance);
  }

  private static String url(MockWebServer server) {
    String url = server.url("/").toString();
    return url.substring(0, url.length() - 1);
  }

  /**
   * {@return the private key of the connected app's certificate, PKCS#8 PEM: what a JWT bearer client signs
   * its assertions with} Generated per fake.
   */
  public String privateKeyPem() {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(keyPair.getPrivate().getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
  }

  // ---- configuration --------------------------------------------------------------------------

  /**
   * Defines (or adds fields to) {@code sobject}; a new object gets Id, CreatedDate and LastModifiedDate.
   *
   * @param sobject the sObject, such as {@code Contact}
   * @param fields the fields to add
   * @return this fake
   */
  public synchronized SalesforceFake define(String sobject, SObjectField... fields) {
    ObjectStore store = objects.computeIfAbsent(sobject, name -> new ObjectStore(name, prefixFor(name)));
    for (SObjectField f : fields) {
      store.fields.put(f.name, f);
    }
    return this;
  }

  /**
   * Verifies JWT assertions with {@code key} (the certificate uploaded to the connected app) instead.
   *
   * @param key the connected app's public key
   * @return this fake
   */
  public synchronized SalesforceFake connectedAppKey(PublicKey key) {
    this.appKey = key;
    return this;
  }

  /**
   * Pre-approves {@code username} for the JWT bearer flow.
   *
   * @param username the user name
   * @return this fake
   */
  public synchronized SalesforceFake approveUser(String username) {
    approvedUsers.add(username);
    return this;
  }

  /**
   * Accepts {@code token} as a refresh token of the connected app.
   *
   * @param token the token
   * @return this fake
   */
  public synchronized SalesforceFake refreshToken(String token) {
    refreshTokens.add(token);
    return this;
  }

  /**
   * Revokes every refresh token: the next refresh gets 400 invalid_grant.
   *
   * @return this fake
   */
  public synchronized SalesforceFake revokeRefreshTokens() {
    refreshTokens.clear();
    return this;
  }

  /**
   * How long an access token lives; default 2 hours (Salesforce's default session timeout).
   *
   * @param lifetime how long an access token lives
   * @return this fake
   */
  public synchronized SalesforceFake sessionLifetime(Duration lifetime) {
    this.sessionLifetime = lifetime;
    return this;
  }

  /**
   * Ends every session: the next REST call with an issued token gets 401 INVALID_SESSION_ID.
   *
   * @return this fake
   */
  public synchronized SalesforceFake expireSessions() {
    sessions.clear();
    return this;
  }

  /**
   * The org's daily API allocation; default 100,000.
   *
   * @param calls calls in flight at most, at least 1
   * @return this fake
   */
  public synchronized SalesforceFake dailyApiLimit(long calls) {
    this.dailyLimit = calls;
    return this;
  }

  /**
   * Sets the calls already used today, as other integrations of the org would.
   *
   * @param used calls already used today
   * @return this fake
   */
  public synchronized SalesforceFake apiUsage(long used) {
    this.apiUsed = used;
    return this;
  }

  /**
   * Requests served at once before 403 ConcurrentPerOrgLongTxn; default 25.
   *
   * @param requests how many requests
   * @return this fake
   */
  public SalesforceFake concurrentRequestLimit(int requests) {
    this.concurrentLimit = requests;
    return this;
  }

  /**
   * Refuses the next {@code count} REST requests with the concurrent-request 403, as a busy org would.
   *
   * @param count how many records
   * @return this fake
   */
  public SalesforceFake refuseNextForConcurrency(int count) {
    concurrencyRefusals.addAndGet(count);
    return this;
  }

  /**
   * Records per query page before {@code nextRecordsUrl}; default 2,000.
   *
   * @param records records per query page
   * @return this fake
   */
  public synchronized SalesforceFake queryPageSize(int records) {
    this.queryPageSize = records;
    return this;
  }

  /**
   * How long a closed Bulk job takes on the fake's clock: InProgress from half of it, JobComplete
   * when it has passed. Default zero (complete at the first look).
   *
   * @param time how long a job takes
   * @return this fake
   */
  public synchronized SalesforceFake bulkProcessingTime(Duration time) {
    this.bulkProcessingTime = time;
    return this;
  }

  /**
   * The most bytes one Bulk upload may hold; default 100 MB (150 MB as base64).
   *
   * @param bytes the most bytes, at least 1
   * @return this fake
   */
  public synchronized SalesforceFake maxUploadBytes(long bytes) {
    this.maxUploadBytes = bytes;
    return this;
  }

  /**
   * Records the org may hold in all; creating more fails with STORAGE_LIMIT_EXCEEDED.
   *
   * @param records the most records the org may store
   * @return this fake
   */
  public synchronized SalesforceFake storageLimit(long records) {
    this.storageLimit = records;
    return this;
  }

  /**
   * The next Bulk job to be processed fails after {@code records} rows, with {@code message}.
   *
   * @param records records processed before the job fails
   * @param message the job's error message
   * @return this fake
   */
  public synchronized SalesforceFake failNextJobAfter(int records, String message) {
    this.failNextJobAfter = records;
    this.failNextJobMessage = message;
    return this;
  }

  /**
   * Seeds the order of Bulk result files (they are always shuffled, as Salesforce does not keep order).
   *
   * @param seed the random seed
   * @return this fake
   */
  public synchronized SalesforceFake resultOrderSeed(long seed) {
    this.shuffle = new Random(seed);
    return this;
  }

  /**
   * The next write of the {@code sobject} record whose external ID (or Id) is {@code key} fails
   * with {@code statusCode} (such as {@code UNABLE_TO_LOCK_ROW}) and {@code message}, once.
   *
   * @param sobject the sObject, such as {@code Contact}
   * @param key the external ID (or Id) of the record
   * @param statusCode the Salesforce error code
   * @param message the error message
   * @return this fake
   */
  public synchronized SalesforceFake failRecord(String sobject, String key, String statusCode, String message) {
    recordFailures.put(sobject + "/" + key, new String[] {statusCode, message});
    return this;
  }

  /**
   * Answers the next REST request with {@code status} and {@code body}, whatever it is.
   *
   * @param status the HTTP status
   * @param body the body
   * @return this fake
   */
  public synchronized SalesforceFake respondNext(int status, String body) {
    scripted.add(new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json;charset=UTF-8")
        .body(body).build());
    return this;
  }

  // ---- what the fake holds ---------------------------------------------------------------------

  /**
   * {@return the records of {@code sobject} by Id, each with its fields (Ids, numbers as BigDecimal, dates, instants)}
   *
   * @param sobject the sObject, such as {@code Contact}
   */
  public synchronized Map<String, Map<String, Object>> records(String sobject) {
    processDueJobs();
    Map<String, Map<String, Object>> copy = new TreeMap<>();
    store(sobject).records.forEach((id, fields) -> copy.put(id, Collections.unmodifiableMap(new TreeMap<>(fields))));
    return copy;
  }

  /**
   * {@return the records of {@code sobject} by the value of {@code field} (records without one left out)}
   *
   * @param sobject the sObject, such as {@code Contact}
   * @param field the field name
   */
  public synchronized Map<String, Map<String, Object>> recordsBy(String sobject, String field) {
    Map<String, Map<String, Object>> byValue = new TreeMap<>();
    records(sobject).values().forEach(r -> {
      if (r.get(field) != null) {
        byValue.put(String.valueOf(r.get(field)), r);
      }
    });
    return byValue;
  }

  /**
   * Creates a record directly, as a user of the org would; returns its Id.
   *
   * @param sobject the sObject, such as {@code Contact}
   * @param fields the field values by API name
   * @return the new record's Id
   */
  public synchronized String put(String sobject, Map<String, Object> fields) {
    ObjectStore store = store(sobject);
    String id = newId(store);
    Map<String, Object> record = new LinkedHashMap<>(fields);
    record.put("Id", id);
    record.put("CreatedDate", clock.instant());
    record.put("LastModifiedDate", clock.instant());
    store.insert(id, record);
    return id;
  }

  /** {@return the REST calls counted against the daily allocation so far (token requests are not)} */
  public synchronized long apiCalls() {
    return apiUsed;
  }

  /** {@return every request, as {@code METHOD path} (without the query), in order} */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** {@return access tokens issued per grant type} */
  public synchronized Map<String, Integer> tokensIssued() {
    return new TreeMap<>(grants);
  }

  /** {@return the CSV bodies of every Bulk upload, in order} */
  public synchronized List<String> uploads() {
    return List.copyOf(uploads);
  }

  /** {@return the state of every Bulk job by id, in creation order} */
  public synchronized Map<String, String> jobStates() {
    processDueJobs();
    Map<String, String> states = new LinkedHashMap<>();
    jobs.forEach((id, job) -> states.put(id, job.state));
    return states;
  }

  /** Processes every closed Bulk job now, whatever its processing time. */
  public synchronized void completeJobs() {
    for (BulkJob job : jobs.values()) {
      if (job.state.equals("UploadComplete") || job.state.equals("InProgress")) {
        process(job);
      }
    }
  }

  @Override
  public void close() {
    login.close();
    instance.close();
  }

  // ---- dispatch -------------------------------------------------------------------------------

  private MockResponse handle(RecordedRequest request, boolean loginHost) {
    String target = request.getTarget();
    String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
    synchronized (this) {
      requests.add(request.getMethod() + " " + path + (loginHost ? " (login)" : ""));
    }
    if (path.equals("/services/oauth2/token") && request.getMethod().equals("POST")) {
      synchronized (this) {
        return token(request, loginHost);
      }
    }
    Matcher rest = REST.matcher(path);
    if (loginHost || !rest.matches()) {
      return errors(404, "NOT_FOUND", "The requested resource does not exist");
    }
    int concurrent = inFlight.incrementAndGet();
    try {
      if (concurrent > concurrentLimit || takeConcurrencyRefusal()) {
        synchronized (this) {
          return withLimits(errors(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."));
        }
      }
      synchronized (this) {
        return withLimits(rest(request, rest.group(1), rest.group(2), target));
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private boolean takeConcurrencyRefusal() {
    while (true) {
      int left = concurrencyRefusals.get();
      if (left <= 0) {
        return false;
      }
      if (concurrencyRefusals.compareAndSet(left, left - 1)) {
        return true;
      }
    }
  }

  private MockResponse rest(RecordedRequest request, String version, String resource, String target) {
    String auth = request.getHeaders().get("Authorization");
    String token = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
    Instant expiry = token == null ? null : sessions.get(token);
    if (expiry == null || !clock.instant().isBefore(expiry)) {
      return errors(401, "INVALID_SESSION_ID", "Session expired or invalid");
    }
    if (apiUsed >= dailyLimit) {
      return errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
    }
    apiUsed++;
    MockResponse next = scripted.poll();
    if (next != null) {
      return next;
    }
    Map<String, String> query = query(target);
    String method = request.getMethod();
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
    try {
      Matcher m;
      if (method.equals("GET") && (m = DESCRIBE.matcher(resource)).matches()) {
        return describe(m.group(1));
      }
      if (method.equals("PATCH") && (m = UPSERT.matcher(resource)).matches()) {
        return collection("upsert", m.group(1), m.group(2), JSON.readTree(body));
      }
      if (resource.equals("composite/sobjects") || resource.equals("composite/sobjects/")) {
        switch (method) {
          case "POST":
            return collection("create", null, null, JSON.readTree(body));
          case "PATCH":
            return collection("update", null, null, JSON.readTree(body));
          case "DELETE":
            return delete(query);
          default:
            break;
        }
      }
      if (method.equals("GET") && (resource.equals("query") || resource.equals("query/"))) {
        return query(version, query.get("q"));
      }
      if (method.equals("GET") && (m = QUERY_MORE.matcher(resource)).matches()) {
        return queryMore(version, m.group(1), Integer.parseInt(m.group(2)));
      }
      if (resource.equals("jobs/ingest") || resource.equals("jobs/ingest/")) {
        if (method.equals("POST")) {
          return createJob(version, JSON.readTree(body));
        }
      }
      if ((m = JOB.matcher(resource)).matches()) {
        BulkJob job = jobs.get(m.group(1));
        if (job == null) {
          return errors(404, "NOT_FOUND", "The requested resource does not exist");
        }
        String sub = m.group(2) == null ? "" : m.group(2);
        if (sub.isEmpty() && method.equals("GET")) {
          advance(job);
          return json(200, job.info());
        }
        if (sub.isEmpty() && method.equals("PATCH")) {
          return changeJobState(job, JSON.readTree(body));
        }
        if (sub.equals("/batches") && method.equals("PUT")) {
          return upload(job, request.getHeaders().get("Content-Type"), body);
        }
        if (!sub.equals("/batches") && method.equals("GET")) {
          return results(job, sub.substring(1));
        }
      }
      return errors(404, "NOT_FOUND", "The requested resource does not exist");
    } catch (IOException e) {
      return errors(400, "JSON_PARSER_ERROR", "The request body is not valid JSON: " + e.getMessage());
    }
  }

  private static Map<String, String> query(String target) {
    Map<String, String> fields = new LinkedHashMap<>();
    int q = target.indexOf('?');
    if (q >= 0) {
      parseForm(target.substring(q + 1), fields);
    }
    return fields;
  }

  private static void parseForm(String form, Map<String, String> into) {
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        into.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
  }

  // ---- OAuth ----------------------------------------------------------------------------------

  private MockResponse token(RecordedRequest request, boolean loginHost) {
    Map<String, String> form = new LinkedHashMap<>();
    parseForm(request.getBody() == null ? "" : request.getBody().utf8(), form);
    String grant = form.getOrDefault("grant_type", "");
    switch (grant) {
      case "urn:ietf:params:oauth:grant-type:jwt-bearer":
        return jwtBearer(form.get("assertion"));
      case "client_credentials":
        if (loginHost) {
          return oauthError("invalid_grant", "request not supported on this domain");
        }
        String[] client = clientCredentials(request, form);
        if (client == null || !CONSUMER_KEY.equals(client[0])) {
          return oauthError("invalid_client_id", "client identifier invalid");
        }
        if (!CONSUMER_SECRET.equals(client[1])) {
          return oauthError("invalid_client", "invalid client credentials");
        }
        return issue(grant, false);
      case "refresh_token":
        if (!CONSUMER_KEY.equals(form.get("client_id"))) {
          return oauthError("invalid_client_id", "client identifier invalid");
        }
        if (form.containsKey("client_secret") && !CONSUMER_SECRET.equals(form.get("client_secret"))) {
          return oauthError("invalid_client", "invalid client credentials");
        }
        if (!refreshTokens.contains(form.get("refresh_token"))) {
          return oauthError("invalid_grant", "expired access/refresh token");
        }
        return issue(grant, false);
      default:
        return oauthError("unsupported_grant_type", "grant type not supported");
    }
  }

  private static String[] clientCredentials(RecordedRequest request, Map<String, String> form) {
    String auth = request.getHeaders().get("Authorization");
    if (auth != null && auth.startsWith("Basic ")) {
      String decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }
    return form.containsKey("client_id") ? new String[] {form.get("client_id"), form.getOrDefault("client_secret", "")}
        : null;
  }

  private MockResponse jwtBearer(String assertion) {
    if (assertion == null) {
      return oauthError("invalid_request", "assertion is required");
    }
    String[] parts = assertion.split("\\.");
    if (parts.length != 3) {
      return oauthError("invalid_grant", "invalid assertion");
    }
    JsonNode header;
    JsonNode claims;
    try {
      Base64.Decoder url = Base64.getUrlDecoder();
      header = JSON.readTree(url.decode(parts[0]));
      claims = JSON.readTree(url.decode(parts[1]));
      if (!"RS256".equals(header.path("alg").asText())) {
        return oauthError("invalid_grant", "invalid assertion: the algorithm must be RS256");
      }
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(appKey);
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!verifier.verify(url.decode(parts[2]))) {
        return oauthError("invalid_grant", "invalid assertion");
      }
    } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
      return oauthError("invalid_grant", "invalid assertion");
    }
    if (!CONSUMER_KEY.equals(claims.path("iss").asText())) {
      return oauthError("invalid_client_id", "client identifier invalid");
    }
    String aud = claims.path("aud").asText();
    if (!aud.equals(loginUrl()) && !aud.equals(instanceUrl()) && !aud.equals("https://login.salesforce.com")
        && !aud.equals("https://test.salesforce.com")) {
      return oauthError("invalid_grant", "audience is invalid");
    }
    long exp = claims.path("exp").asLong(0);
    long now = clock.instant().getEpochSecond();
    if (exp <= now) {
      return oauthError("invalid_grant", "expired authorization code");
    }
    if (exp > now + Duration.ofMinutes(5).toSeconds()) {
      return oauthError("invalid_grant", "invalid assertion: exp is too far in the future");
    }
    if (!approvedUsers.contains(claims.path("sub").asText())) {
      return oauthError("invalid_grant", "user hasn't approved this consumer");
    }
    return issue("urn:ietf:params:oauth:grant-type:jwt-bearer", false);
  }

  private MockResponse issue(String grant, boolean withRefreshToken) {
    grants.merge(grant, 1, Integer::sum);
    String token = ORG_ID + "!AQfake." + UUID.randomUUID().toString().replace("-", "");
    sessions.put(token, clock.instant().plus(sessionLifetime));
    ObjectNode reply = JSON.createObjectNode()
        .put("access_token", token)
        .put("instance_url", instanceUrl())
        .put("id", loginUrl() + "/id/" + ORG_ID + "/005FAKE0000000001")
        .put("token_type", "Bearer")
        .put("issued_at", Long.toString(clock.millis()))
        .put("signature", Base64.getEncoder().encodeToString(token.substring(0, 16).getBytes(StandardCharsets.UTF_8)))
        .put("scope", "api");
    if (withRefreshToken) {
      reply.put("refresh_token", "5Aep-fake-" + UUID.randomUUID());
    }
    return json(200, reply);
  }

  private static MockResponse oauthError(String error, String description) {
    return json(400, JSON.createObjectNode().put("error", error).put("error_description", description));
  }

  // ---- describe -------------------------------------------------------------------------------

  private MockResponse describe(String sobject) {
    ObjectStore store = objects.get(sobject);
    if (store == null) {
      return errors(404, "NOT_FOUND", "The requested resource does not exist");
    }
    ObjectNode reply = JSON.createObjectNode()
        .put("name", sobject)
        .put("label", sobject.replace("__c", "").replace('_', ' '))
        .put("custom", sobject.endsWith("__c"))
        .put("keyPrefix", store.prefix)
        .put("createable", true).put("updateable", true).put("deletable", true).put("queryable", true);
    ArrayNode fields = reply.putArray("fields");
    for (SObjectField f : store.fields.values()) {
      ObjectNode n = fields.addObject()
          .put("name", f.name)
          .put("label", f.name.replace("__c", "").replace('_', ' '))
          .put("type", f.type)
          .put("length", f.length)
          .put("precision", f.precision)
          .put("scale", f.scale)
          .put("digits", f.type.equals("int") ? f.precision : 0)
          .put("nillable", f.nillable)
          .put("createable", f.createable)
          .put("updateable", f.updateable)
          .put("externalId", f.externalId)
          .put("idLookup", f.idLookup)
          .put("unique", f.unique)
          .put("calculated", f.calculated)
          .put("defaultedOnCreate", f.defaultedOnCreate)
          .put("custom", f.name.endsWith("__c"))
          .put("restrictedPicklist", f.restrictedPicklist);
      ArrayNode values = n.putArray("picklistValues");
      for (String v : f.picklistValues) {
        values.addObject().put("active", true).put("defaultValue", false).put("label", v).put("value", v);
      }
    }
    return json(200, reply);
  }

  // ---- sObject Collections --------------------------------------------------------------------

  private MockResponse collection(String operation, String uriType, String externalField, JsonNode body) {
    JsonNode records = body.path("records");
    if (!records.isArray()) {
      return errors(400, "JSON_PARSER_ERROR", "The request body must be an object with a records array");
    }
    if (records.size() > MAX_COLLECTION_RECORDS) {
      return errors(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than "
          + MAX_COLLECTION_RECORDS + " records into this call");
    }
    boolean allOrNone = body.path("allOrNone").asBoolean(false);
    ObjectStore upsertStore = null;
    SObjectField keyField = null;
    if (operation.equals("upsert")) {
      upsertStore = objects.get(uriType);
      if (upsertStore == null) {
        return errors(404, "NOT_FOUND", "The requested resource does not exist");
      }
      keyField = upsertStore.fields.get(externalField);
      if (keyField == null) {
        return errors(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + externalField);
      }
      if (!keyField.externalId && !keyField.idLookup && !externalField.equals("Id")) {
        return errors(400, "INVALID_FIELD", "Field " + externalField + " is not an External ID or indexed field for "
            + uriType);
      }
    }
    // Whole-request checks first, as Salesforce refuses the request before writing anything.
    List<Map<String, Object>> parsed = new ArrayList<>();
    List<ObjectStore> stores = new ArrayList<>();
    for (JsonNode record : records) {
      String type = record.path("attributes").path("type").asText(null);
      if (type == null) {
        return errors(400, "INVALID_INPUT", "Each record must have attributes.type (the sObject type)");
      }
      if (uriType != null && !uriType.equals(type)) {
        return errors(400, "INVALID_TYPE", "Record type " + type + " does not match the sObject " + uriType
            + " of the request URI");
      }
      ObjectStore store = objects.get(type);
      if (store == null) {
        return errors(400, "INVALID_TYPE", "sObject type '" + type + "' is not supported.");
      }
      Map<String, Object> values = new LinkedHashMap<>();
      var names = record.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (name.equals("attributes")) {
          continue;
        }
        SObjectField f = store.fields.get(name);
        if (f == null) {
          return errors(400, "INVALID_FIELD", "No such column '" + name + "' on sobject of type " + type);
        }
        try {
          values.put(name, name.equals("Id") ? record.path(name).asText(null) : Values.fromJson(f, record.get(name)));
        } catch (Values.FormatException e) {
          return errors(400, "JSON_PARSER_ERROR", e.getMessage());
        } catch (Values.RecordException e) {
          values.put(name, e); // a value refused per record: reported in the record's result
        }
      }
      parsed.add(values);
      stores.add(store);
    }
    Map<String, Integer> keyCounts = new HashMap<>();
    if (keyField != null) {
      for (Map<String, Object> values : parsed) {
        Object key = values.get(externalField);
        if (key != null && !(key instanceof Values.RecordException)) {
          keyCounts.merge(String.valueOf(key), 1, Integer::sum);
        }
      }
    }
    Map<ObjectStore, Map<String, Map<String, Object>>> snapshots = new HashMap<>();
    if (allOrNone) {
      for (ObjectStore store : new LinkedHashSet<>(stores)) {
        snapshots.put(store, store.snapshot());
      }
    }
    ArrayNode results = JSON.createArrayNode();
    boolean anyFailed = false;
    for (int i = 0; i < parsed.size(); i++) {
      ObjectNode result = results.addObject();
      try {
        Write written = write(operation, stores.get(i), keyField, parsed.get(i), keyCounts);
        result.put("id", written.id).put("success", true).putArray("errors");
        if (operation.equals("upsert")) {
          result.put("created", written.created);
        }
      } catch (Values.RecordException e) {
        anyFailed = true;
        result.putNull("id");
        result.put("success", false);
        ObjectNode error = result.putArray("errors").addObject().put("statusCode", e.statusCode)
            .put("message", e.getMessage());
        ArrayNode fields = error.putArray("fields");
        e.fields.forEach(fields::add);
        if (operation.equals("upsert")) {
          result.put("created", false);
        }
      }
    }
    if (allOrNone && anyFailed) {
      snapshots.forEach(ObjectStore::restore);
      for (JsonNode result : results) {
        ObjectNode r = (ObjectNode) result;
        if (r.path("success").asBoolean()) {
          r.putNull("id");
          r.put("success", false);
          if (r.has("created")) {
            r.put("created", false);
          }
          ArrayNode errors = r.putArray("errors");
          errors.addObject().put("statusCode", "ALL_OR_NONE_OPERATION_ROLLED_BACK")
              .put("message", "Record rolled back because not all records were valid and the request was using"
                  + " AllOrNone header").putArray("fields");
        }
      }
    }
    return json(200, results);
  }

  private static final class Write {
    final String id;
    final boolean created;

    Write(String id, boolean created) {
      this.id = id;
      this.created = created;
    }
  }

  /** Writes one record, or throws the record's error. */
  private Write write(String operation, ObjectStore store, SObjectField keyField, Map<String, Object> values,
      Map<String, Integer> keyCounts) {
    String scriptedKey = keyField != null ? String.valueOf(values.get(keyField.name))
        : String.valueOf(values.getOrDefault("Id", ""));
    String[] scripted = recordFailures.remove(store.name + "/" + scriptedKey);
    if (scripted == null && keyField == null) {
      // An insert or update keyed otherwise: scripted failures may name any external ID value.
      for (SObjectField f : store.fields.values()) {
        if (f.externalId && values.get(f.name) != null) {
          scripted = recordFailures.remove(store.name + "/" + values.get(f.name));
          if (scripted != null) {
            break;
          }
        }
      }
    }
    if (scripted != null) {
      throw new Values.RecordException(scripted[0], scripted[1], List.of());
    }
    for (Object v : values.values()) {
      if (v instanceof Values.RecordException) {
        throw (Values.RecordException) v;
      }
    }
    switch (operation) {
      case "upsert": {
        Object key = values.get(keyField.name);
        if (key == null) {
          throw new Values.RecordException("MISSING_ARGUMENT", keyField.name + " not specified", List.of());
        }
        if (keyCounts.getOrDefault(String.valueOf(key), 0) > 1) {
          throw new Values.RecordException("DUPLICATE_VALUE", "Duplicate external id specified: " + key,
              List.of(keyField.name));
        }
        Set<String> matches = store.find(keyField.name, key);
        if (matches.size() > 1) {
          throw new Values.RecordException("DUPLICATE_EXTERNAL_ID", "The external ID " + key + " matches more than one "
              + store.name + " record: " + String.join(", ", matches), List.of(keyField.name));
        }
        if (matches.size() == 1) {
          String id = matches.iterator().next();
          update(store, id, values);
          return new Write(id, false);
        }
        return new Write(create(store, values), true);
      }
      case "create":
        if (values.containsKey("Id")) {
          throw new Values.RecordException("INVALID_FIELD_FOR_INSERT_UPDATE", "cannot specify Id in an insert call",
              List.of("Id"));
        }
        return new Write(create(store, values), true);
      default: {
        Object id = values.get("Id");
        if (id == null) {
          throw new Values.RecordException("MISSING_ARGUMENT", "Id not specified in an update call", List.of());
        }
        if (!store.records.containsKey(String.valueOf(id))) {
          throw new Values.RecordException("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", List.of());
        }
        Map<String, Object> changes = new LinkedHashMap<>(values);
        changes.remove("Id");
        update(store, String.valueOf(id), changes);
        return new Write(String.valueOf(id), false);
      }
    }
  }

  private String create(ObjectStore store, Map<String, Object> values) {
    List<String> notCreateable = new ArrayList<>();
    for (String name : values.keySet()) {
      if (!store.fields.get(name).createable) {
        notCreateable.add(name);
      }
    }
    if (!notCreateable.isEmpty()) {
      throw new Values.RecordException("INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: "
          + String.join(", ", notCreateable) + ". Please check the security settings of this field and verify that it"
          + " is read/write for your profile or permission set.", notCreateable);
    }
    List<String> missing = new ArrayList<>();
    for (SObjectField f : store.fields.values()) {
      if (!f.nillable && f.createable && !f.defaultedOnCreate && values.get(f.name) == null) {
        missing.add(f.name);
      }
    }
    if (!missing.isEmpty()) {
      throw new Values.RecordException("REQUIRED_FIELD_MISSING", "Required fields are missing: " + missing, missing);
    }
    checkUnique(store, null, values);
    if (totalRecords() >= storageLimit) {
      throw new Values.RecordException("STORAGE_LIMIT_EXCEEDED", "storage limit exceeded", List.of());
    }
    String id = newId(store);
    Map<String, Object> record = new LinkedHashMap<>();
    for (SObjectField f : store.fields.values()) {
      if (f.type.equals("boolean")) {
        record.put(f.name, false);
      }
    }
    values.forEach((name, value) -> {
      if (value != null) {
        record.put(name, value);
      }
    });
    record.put("Id", id);
    record.put("CreatedDate", clock.instant());
    record.put("LastModifiedDate", clock.instant());
    store.insert(id, record);
    return id;
  }

  private void update(ObjectStore store, String id, Map<String, Object> values) {
    List<String> notUpdateable = new ArrayList<>();
    for (String name : values.keySet()) {
      SObjectField f = store.fields.get(name);
      if (!f.updateable && !(f.externalId && Objects.equals(values.get(name), store.records.get(id).get(name)))) {
        notUpdateable.add(name);
      }
    }
    if (!notUpdateable.isEmpty()) {
      throw new Values.RecordException("INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: "
          + String.join(", ", notUpdateable) + ". Please check the security settings of this field and verify that it"
          + " is read/write for your profile or permission set.", notUpdateable);
    }
    List<String> cleared = new ArrayList<>();
    values.forEach((name, value) -> {
      SObjectField f = store.fields.get(name);
      if (value == null && !f.nillable && !f.type.equals("boolean")) {
        cleared.add(name);
      }
    });
    if (!cleared.isEmpty()) {
      throw new Values.RecordException("REQUIRED_FIELD_MISSING", "Required fields are missing: " + cleared, cleared);
    }
    checkUnique(store, id, values);
    Map<String, Object> record = new LinkedHashMap<>(store.records.get(id));
    values.forEach((name, value) -> {
      SObjectField f = store.fields.get(name);
      if (value == null) {
        record.put(name, f.type.equals("boolean") ? Boolean.FALSE : null);
        record.remove(name, null);
      } else {
        record.put(name, value);
      }
    });
    record.put("LastModifiedDate", clock.instant());
    store.replace(id, record);
  }

  private void checkUnique(ObjectStore store, String id, Map<String, Object> values) {
    for (Map.Entry<String, Object> e : values.entrySet()) {
      SObjectField f = store.fields.get(e.getKey());
      if (f.unique && e.getValue() != null) {
        for (String other : store.find(f.name, e.getValue())) {
          if (!other.equals(id)) {
            throw new Values.RecordException("DUPLICATE_VALUE", "duplicate value found: " + f.name
                + " duplicates value on record with id: " + other, List.of(f.name));
          }
        }
      }
    }
  }

  private MockResponse delete(Map<String, String> query) {
    String ids = query.get("ids");
    if (ids == null || ids.isBlank()) {
      return errors(400, "MISSING_ARGUMENT", "ids parameter is required");
    }
    String[] list = ids.split(",");
    if (list.length > MAX_COLLECTION_RECORDS) {
      return errors(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than "
          + MAX_COLLECTION_RECORDS + " records into this call");
    }
    ArrayNode results = JSON.createArrayNode();
    for (String id : list) {
      ObjectNode r = results.addObject();
      ObjectStore store = storeOf(id);
      if (store != null && store.records.containsKey(id)) {
        store.remove(id);
        r.put("id", id).put("success", true).putArray("errors");
      } else {
        r.putNull("id");
        r.put("success", false);
        r.putArray("errors").addObject().put("statusCode", store == null && !id.matches("[A-Za-z0-9]{15,18}")
            ? "MALFORMED_ID" : "ENTITY_IS_DELETED").put("message", store == null && !id.matches("[A-Za-z0-9]{15,18}")
            ? "malformed id " + id : "entity is deleted").putArray("fields");
      }
    }
    return json(200, results);
  }

  // ---- SOQL -----------------------------------------------------------------------------------

  private MockResponse query(String version, String q) {
    if (q == null) {
      return errors(400, "MALFORMED_QUERY", "A query string has to be specified");
    }
    Soql soql;
    try {
      soql = Soql.parse(q);
    } catch (IllegalArgumentException e) {
      return errors(400, "MALFORMED_QUERY", e.getMessage());
    }
    ObjectStore store = objects.get(soql.object);
    if (store == null) {
      return errors(400, "INVALID_TYPE", "sObject type '" + soql.object + "' is not supported.");
    }
    for (String f : soql.fields) {
      if (!store.fields.containsKey(f)) {
        return errors(400, "INVALID_FIELD", "No such column '" + f + "' on entity '" + soql.object + "'");
      }
    }
    if (soql.whereField != null && !store.fields.containsKey(soql.whereField)) {
      return errors(400, "INVALID_FIELD", "No such column '" + soql.whereField + "' on entity '" + soql.object + "'");
    }
    List<ObjectNode> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    if (soql.whereField == null) {
      ids.addAll(store.records.keySet());
    } else if (store.indexed(soql.whereField) || soql.whereField.equals("Id")) {
      for (String value : new LinkedHashSet<>(soql.values)) {
        if (soql.whereField.equals("Id")) {
          if (store.records.containsKey(value)) {
            ids.add(value);
          }
        } else {
          ids.addAll(store.find(soql.whereField, value));
        }
      }
    } else {
      Set<String> wanted = new HashSet<>(soql.values);
      store.records.forEach((id, r) -> {
        if (r.get(soql.whereField) != null && wanted.contains(Values.toCsv(r.get(soql.whereField)))) {
          ids.add(id);
        }
      });
    }
    for (String id : ids) {
      Map<String, Object> r = store.records.get(id);
      ObjectNode row = JSON.createObjectNode();
      row.putObject("attributes").put("type", soql.object).put("url", "/services/data/" + version + "/sobjects/"
          + soql.object + "/" + id);
      for (String f : soql.fields) {
        row.putPOJO(f, Values.toJson(r.get(f)));
      }
      rows.add(row);
    }
    String cursor = "01gFAKE" + (nextCursor++);
    cursors.put(cursor, rows);
    return json(200, page(version, cursor, rows, 0));
  }

  private MockResponse queryMore(String version, String cursor, int offset) {
    List<ObjectNode> rows = cursors.get(cursor);
    if (rows == null || offset > rows.size()) {
      return errors(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    }
    return json(200, page(version, cursor, rows, offset));
  }

  private ObjectNode page(String version, String cursor, List<ObjectNode> rows, int offset) {
    int end = Math.min(rows.size(), offset + queryPageSize);
    ObjectNode reply = JSON.createObjectNode().put("totalSize", rows.size()).put("done", end == rows.size());
    if (end < rows.size()) {
      reply.put("nextRecordsUrl", "/services/data/" + version + "/query/" + cursor + "-" + end);
    }
    ArrayNode records = reply.putArray("records");
    rows.subList(offset, end).forEach(records::add);
    if (end == rows.size()) {
      cursors.remove(cursor);
    }
    return reply;
  }

  // ---- Bulk API 2.0 ---------------------------------------------------------------------------

  private MockResponse createJob(String version, JsonNode body) {
    String object = body.path("object").asText(null);
    String operation = body.path("operation").asText(null);
    ObjectStore store = object == null ? null : objects.get(object);
    if (store == null) {
      return errors(400, "INVALIDJOB", "InvalidJob : Invalid sObject type '" + object + "'");
    }
    if (operation == null || !Set.of("insert", "update", "upsert", "delete").contains(operation)) {
      return errors(400, "INVALIDJOB", "InvalidJob : Invalid operation '" + operation + "'");
    }
    String external = body.path("externalIdFieldName").asText(null);
    if (operation.equals("upsert")) {
      SObjectField f = external == null ? null : store.fields.get(external);
      if (f == null || !(f.externalId || f.idLookup)) {
        return errors(400, "INVALIDJOB", "InvalidJob : Field name provided, " + external + " is not an External ID or"
            + " indexed field for " + object);
      }
    }
    String contentType = body.path("contentType").asText("CSV");
    String lineEnding = body.path("lineEnding").asText("LF");
    String delimiter = body.path("columnDelimiter").asText("COMMA");
    if (!contentType.equals("CSV") || !Set.of("LF", "CRLF").contains(lineEnding)
        || BulkJob.delimiter(delimiter) == 0) {
      return errors(400, "INVALIDJOB", "InvalidJob : contentType must be CSV, lineEnding LF or CRLF, columnDelimiter"
          + " one of COMMA, TAB, SEMICOLON, PIPE, CARET, BACKQUOTE");
    }
    String id = "750FAKE" + String.format("%011d", nextJob++);
    BulkJob job = new BulkJob(id, object, operation, external, lineEnding, delimiter, version, clock.instant());
    jobs.put(id, job);
    return json(200, job.info());
  }

  private MockResponse upload(BulkJob job, String contentType, byte[] body) {
    if (!job.state.equals("Open")) {
      return errors(400, "INVALIDJOBSTATE", "Job " + job.id + " is not open for uploads: " + job.state);
    }
    if (job.csv != null) {
      return errors(400, "INVALIDJOBSTATE", "Found multiple contents for job: " + job.id + ", please 'Close' / 'Abort'"
          + " / 'Delete' the current Job then create a new Job and make sure the initial 'PUT' request contains only 1"
          + " content");
    }
    if (contentType == null || !contentType.startsWith("text/csv")) {
      return errors(400, "INVALIDCONTENTTYPE", "Content-Type must be text/csv");
    }
    if (body.length > maxUploadBytes) {
      return errors(400, "INVALIDBATCH", "InvalidBatch : the data is " + body.length + " bytes, more than the "
          + maxUploadBytes + " bytes allowed per upload");
    }
    job.csv = new String(body, StandardCharsets.UTF_8);
    uploads.add(job.csv);
    return new MockResponse.Builder().code(201).build();
  }

  private MockResponse changeJobState(BulkJob job, JsonNode body) {
    String state = body.path("state").asText("");
    advance(job);
    if (state.equals("UploadComplete")) {
      if (!job.state.equals("Open")) {
        return errors(400, "INVALIDJOBSTATE", "Job " + job.id + " cannot be closed in state " + job.state);
      }
      job.state = "UploadComplete";
      job.closedAt = clock.instant();
      if (failNextJobAfter != null) {
        job.failAfter = failNextJobAfter;
        job.failMessage = failNextJobMessage;
        failNextJobAfter = null;
      }
    } else if (state.equals("Aborted")) {
      if (!Set.of("Open", "UploadComplete", "InProgress").contains(job.state)) {
        return errors(400, "INVALIDJOBSTATE", "Job " + job.id + " cannot be aborted in state " + job.state);
      }
      job.abort();
    } else {
      return errors(400, "INVALIDJOBSTATE", "state must be UploadComplete or Aborted, was '" + state + "'");
    }
    return json(200, job.info());
  }

  private MockResponse results(BulkJob job, String kind) {
    advance(job);
    List<List<String>> rows;
    switch (kind) {
      case "successfulResults":
        rows = job.successRows;
        break;
      case "failedResults":
        rows = job.failedRows;
        break;
      default:
        rows = job.unprocessedRows;
        break;
    }
    if (!job.isFinal() || rows == null) {
      return errors(400, "INVALIDJOBSTATE", "Job " + job.id + " is not finished: " + job.state);
    }
    List<List<String>> body = new ArrayList<>(rows.subList(1, rows.size()));
    Collections.shuffle(body, shuffle);
    body.add(0, rows.get(0));
    return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/csv").body(Csv.write(body)).build();
  }

  private void processDueJobs() {
    jobs.values().forEach(this::advance);
  }

  private void advance(BulkJob job) {
    if (!job.state.equals("UploadComplete") && !job.state.equals("InProgress")) {
      return;
    }
    Instant now = clock.instant();
    if (!now.isBefore(job.closedAt.plus(bulkProcessingTime))) {
      process(job);
    } else if (!now.isBefore(job.closedAt.plus(bulkProcessingTime.dividedBy(2)))) {
      job.state = "InProgress";
    }
  }

  private void process(BulkJob job) {
    ObjectStore store = objects.get(job.object);
    List<List<String>> rows;
    try {
      rows = job.csv == null ? List.of() : Csv.parse(job.csv, BulkJob.delimiter(job.columnDelimiter),
          job.lineEnding.equals("LF") ? "\n" : "\r\n");
    } catch (Csv.CsvException e) {
      job.fail("ClientInputError : " + e.getMessage(), null);
      return;
    }
    if (rows.isEmpty()) {
      job.fail("InvalidBatch : Empty batch", null);
      return;
    }
    List<String> header = rows.get(0);
    for (String column : header) {
      if (!store.fields.containsKey(column)) {
        job.fail("InvalidBatch : Field name not found : " + column, rows);
        return;
      }
    }
    String key = job.operation.equals("upsert") ? job.externalIdFieldName : "Id";
    if (!job.operation.equals("insert") && !header.contains(key)) {
      job.fail("InvalidBatch : Field name not found : " + key, rows);
      return;
    }
    job.start(header);
    SObjectField keyField = job.operation.equals("upsert") ? store.fields.get(key) : null;
    Map<String, Integer> keyCounts = new HashMap<>();
    if (keyField != null) {
      int k = header.indexOf(key);
      for (List<String> row : rows.subList(1, rows.size())) {
        keyCounts.merge(row.get(k), 1, Integer::sum);
      }
    }
    for (int r = 1; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      if (job.failAfter != null && r - 1 >= job.failAfter) {
        job.fail(job.failMessage, null);
        job.unprocessedRows.addAll(rows.subList(r, rows.size()));
        return;
      }
      try {
        String id;
        boolean created;
        if (job.operation.equals("delete")) {
          id = row.get(header.indexOf("Id"));
          if (!store.records.containsKey(id)) {
            throw new Values.RecordException("ENTITY_IS_DELETED", "entity is deleted", List.of());
          }
          store.remove(id);
          created = false;
        } else {
          Map<String, Object> values = new LinkedHashMap<>();
          for (int c = 0; c < header.size(); c++) {
            String cell = row.get(c);
            if (cell.isEmpty()) {
              continue; // an empty cell leaves the field as it is; #N/A clears it
            }
            String name = header.get(c);
            try {
              values.put(name, name.equals("Id") ? cell : Values.fromCsv(store.fields.get(name), cell));
            } catch (Values.FormatException e) {
              throw new Values.RecordException("INVALID_TYPE_ON_FIELD_IN_RECORD", e.getMessage(), List.of(name));
            } catch (Values.RecordException e) {
              values.put(name, e);
            }
          }
          Write w = write(job.operation.equals("insert") ? "create" : job.operation, store, keyField, values,
              keyCounts);
          id = w.id;
          created = w.created;
        }
        job.succeeded(id, created, row);
      } catch (Values.RecordException e) {
        job.failed(e.statusCode + ":" + e.getMessage() + ":" + String.join(",", e.fields) + " --", row);
      }
    }
    job.state = "JobComplete";
  }

  // ---- helpers --------------------------------------------------------------------------------

  private ObjectStore store(String sobject) {
    ObjectStore store = objects.get(sobject);
    if (store == null) {
      throw new IllegalArgumentException("the fake has no sObject " + sobject + "; define it first");
    }
    return store;
  }

  private ObjectStore storeOf(String id) {
    if (id.length() < 3) {
      return null;
    }
    for (ObjectStore store : objects.values()) {
      if (id.startsWith(store.prefix)) {
        return store;
      }
    }
    return null;
  }

  private long totalRecords() {
    long total = 0;
    for (ObjectStore store : objects.values()) {
      total += store.records.size();
    }
    return total;
  }

  private String newId(ObjectStore store) {
    return store.prefix + String.format("FAKE%011d", nextId++);
  }

  private String prefixFor(String sobject) {
    switch (sobject) {
      case "Account":
        return "001";
      case "Contact":
        return "003";
      case "Lead":
        return "00Q";
      default:
        return "a0" + (char) ('A' + objects.size() % 26);
    }
  }

  private MockResponse withLimits(MockResponse response) {
    return response.newBuilder().addHeader("Sforce-Limit-Info", "api-usage=" + apiUsed + "/" + dailyLimit).build();
  }

  private static MockResponse errors(int status, String errorCode, String message) {
    ArrayNode body = JSON.createArrayNode();
    body.addObject().put("message", message).put("errorCode", errorCode);
    return json(status, body);
  }

  private static MockResponse json(int status, JsonNode body) {
    try {
      return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json;charset=UTF-8")
          .body(JSON.writeValueAsString(body)).build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void defineStandardObjects() {
    define("Contact",
        SObjectField.text("Id", 18).readOnly().externalId(),
        SObjectField.text("FirstName", 40),
        SObjectField.text("LastName", 80).required(),
        SObjectField.text("Name", 121).calculated(),
        SObjectField.email("Email"),
        SObjectField.phone("Phone"),
        SObjectField.date("Birthdate"),
        SObjectField.text("Customer_Id__c", 64).externalId().unique(),
        SObjectField.number("Score__c", 18, 0),
        SObjectField.currency("Lifetime_Value__c", 16, 2),
        SObjectField.percent("Churn_Risk__c", 5, 2),
        SObjectField.bool("Is_Active__c"),
        SObjectField.picklist("Plan__c", "Free", "Starter", "Pro", "Enterprise").restricted(),
        SObjectField.dateTime("Signed_Up_At__c"),
        SObjectField.textArea("Notes__c", 32_000),
        SObjectField.dateTime("CreatedDate").readOnly(),
        SObjectField.dateTime("LastModifiedDate").readOnly());
    define("Lead",
        SObjectField.text("Id", 18).readOnly().externalId(),
        SObjectField.text("FirstName", 40),
        SObjectField.text("LastName", 80).required(),
        SObjectField.text("Company", 255).required(),
        SObjectField.email("Email"),
        SObjectField.picklist("Status", "Open - Not Contacted", "Working - Contacted", "Closed - Converted",
            "Closed - Not Converted").restricted(),
        SObjectField.picklist("LeadSource", "Web", "Phone Inquiry", "Partner Referral", "Other"),
        SObjectField.text("Lead_Key__c", 64).externalId().unique(),
        SObjectField.number("Lead_Score__c", 3, 0),
        SObjectField.dateTime("CreatedDate").readOnly(),
        SObjectField.dateTime("LastModifiedDate").readOnly());
    define("Account",
        SObjectField.text("Id", 18).readOnly().externalId(),
        SObjectField.text("Name", 255).required(),
        SObjectField.text("AccountNumber", 40),
        SObjectField.text("Account_Key__c", 64).externalId().unique(),
        SObjectField.currency("AnnualRevenue", 18, 0),
        SObjectField.integer("NumberOfEmployees"),
        SObjectField.picklist("Industry", "Agriculture", "Banking", "Retail", "Technology"),
        SObjectField.percent("Health_Score__c", 5, 2),
        SObjectField.dateTime("CreatedDate").readOnly(),
        SObjectField.dateTime("LastModifiedDate").readOnly());
    define("Subscription__c",
        SObjectField.text("Id", 18).readOnly().externalId(),
        SObjectField.text("Name", 80),
        SObjectField.text("Subscription_Key__c", 64).externalId().unique(),
        SObjectField.picklist("Plan__c", "Free", "Starter", "Pro", "Enterprise").restricted(),
        SObjectField.number("Seats__c", 18, 0),
        SObjectField.currency("Monthly_Amount__c", 16, 2),
        SObjectField.date("Renews_On__c"),
        SObjectField.bool("Active__c"),
        SObjectField.dateTime("CreatedDate").readOnly(),
        SObjectField.dateTime("LastModifiedDate").readOnly());
  }

  /** The connected app's key pair, made once per JVM: generating RSA keys takes a while. */
  private static final class AppKeys {
    static final KeyPair PAIR = generate();

    private static KeyPair generate() {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK has no RSA key generator", e);
      }
    }
  }

  /** The records of one sObject, with an index per external-ID and unique field. */
  private static final class ObjectStore {
    final String name;
    final String prefix;
    final Map<String, SObjectField> fields = new LinkedHashMap<>();
    Map<String, Map<String, Object>> records = new LinkedHashMap<>();
    Map<String, Map<String, Set<String>>> indexes = new HashMap<>();

    ObjectStore(String name, String prefix) {
      this.name = name;
      this.prefix = prefix;
    }

    boolean indexed(String field) {
      SObjectField f = fields.get(field);
      return f != null && (f.externalId || f.unique || f.idLookup) && !field.equals("Id");
    }

    Set<String> find(String field, Object value) {
      if (field.equals("Id")) {
        return records.containsKey(String.valueOf(value)) ? Set.of(String.valueOf(value)) : Set.of();
      }
      if (indexed(field)) {
        return new LinkedHashSet<>(indexes.getOrDefault(field, Map.of()).getOrDefault(Values.toCsv(value), Set.of()));
      }
      Set<String> ids = new LinkedHashSet<>();
      records.forEach((id, r) -> {
        if (Objects.equals(Values.toCsv(r.get(field)), Values.toCsv(value)) && r.get(field) != null) {
          ids.add(id);
        }
      });
      return ids;
    }

    void insert(String id, Map<String, Object> record) {
      records.put(id, record);
      index(id, record, true);
    }

    void replace(String id, Map<String, Object> record) {
      index(id, records.get(id), false);
      records.put(id, record);
      index(id, record, true);
    }

    void remove(String id) {
      Map<String, Object> gone = records.remove(id);
      if (gone != null) {
        index(id, gone, false);
      }
    }

    private void index(String id, Map<String, Object> record, boolean add) {
      record.forEach((field, value) -> {
        if (value != null && indexed(field)) {
          Map<String, Set<String>> index = indexes.computeIfAbsent(field, f -> new HashMap<>());
          String key = Values.toCsv(value);
          if (add) {
            index.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(id);
          } else {
            Set<String> ids = index.get(key);
            if (ids != null) {
              ids.remove(id);
              if (ids.isEmpty()) {
                index.remove(key);
              }
            }
          }
        }
      });
    }

    Map<String, Map<String, Object>> snapshot() {
      Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
      records.forEach((id, r) -> copy.put(id, new LinkedHashMap<>(r)));
      return copy;
    }

    void restore(Map<String, Map<String, Object>> snapshot) {
      records = new LinkedHashMap<>();
      indexes = new HashMap<>();
      snapshot.forEach(this::insert);
    }
  }
}
