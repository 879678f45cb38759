package dev.sluice.webhook;

import dev.sluice.Record;
import dev.sluice.RunContext;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.http.AuthProvider;
import dev.sluice.http.JsonClient;
import dev.sluice.http.Redaction;
import dev.sluice.http.JsonResponse;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A destination that POSTs changes as JSON to one URL, signed as the Standard Webhooks
 * specification says: for in-house services and tools no connector covers.
 *
 * <pre>{@code
 * Webhook hook = Webhook.builder("https://hooks.example.com/sluice")
 *     .secret(WebhookSecret.parse(System.getenv("WEBHOOK_SECRET")))
 *     .build();
 * }</pre>
 *
 * <p><b>Envelope</b>, one per request:
 * {@code {"type":"sluice.upsert"|"sluice.delete","sync":NAME,"run":RUN_ID,"batch":BATCH_ID,
 * "timestamp":ISO-8601,"data":{"records":[{"key":K,"fields":{...}}]}}}; deletes carry only keys.
 * The envelope's {@code timestamp} is when the run began, so a request sent again is the same, byte
 * for byte (servers that check {@code Idempotency-Key} refuse a reused key with another payload).
 *
 * <p><b>Headers</b>: {@code webhook-id} = the batch id, unchanged when the batch is sent again (so
 * a receiver can deduplicate), the same value as {@code Idempotency-Key}; {@code webhook-timestamp}
 * in Unix seconds; {@code webhook-signature} over the exact bytes sent.
 *
 * <p><b>Answers</b>: 2xx succeeds for the whole request; 408, 429 (honouring Retry-After) and 5xx
 * are retryable, and so is 409 (a server that checks {@code Idempotency-Key} is still processing the
 * first request with that key). Answers that every request would get stop the run, with unsent records left
 * pending for the next one: 410 Gone (the endpoint is gone), redirects (never followed: the
 * signed body would go to another address), 401, 403, 404 and 405 (wrong URL or credentials).
 * Other statuses, such as 400, 413 or 422, are permanent for the records of that request: the
 * engine splits the request to find the records the endpoint refuses.
 */
public final class Webhook implements Destination {

  private final URI url;
  private final JsonClient client;
  private final WebhookSigner signer;
  private final Capabilities capabilities;
  private final Map<String, String> headers;
  private final Clock clock;
  private final long bytesPerRequest;
  private final String identity;
  /** When each run in progress began: the envelope timestamp of all its requests. */
  private final Map<String, Instant> runStarts = new ConcurrentHashMap<>();

  private Webhook(Builder b) {
    this.url = b.url;
    this.identity = b.identity != null ? "webhook " + b.identity
        : "webhook " + url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
            + url.getRawPath();
    String base = url.getScheme() + "://" + url.getRawAuthority();
    JsonClient.Builder http = JsonClient.builder(base).auth(b.auth).responseTimeout(b.timeout).requestTimeout(b.timeout)
        .clock(b.clock);
    if (b.meterRegistry != null) {
      http.metrics(b.meterRegistry, "webhook");
    }
    for (WebhookSecret secret : b.secrets) {
      // Masked wherever it might appear in logs or messages, with or without its prefix.
      String encoded = secret.encoded();
      String bare = encoded.substring("whsec_".length());
      http.secret(encoded).secret(bare);
      Redaction.register(encoded);
      Redaction.register(bare);
    }
    registerQuerySecrets(url);
    this.client = http.build();
    this.signer = b.secrets.isEmpty() ? null : WebhookSigner.of(b.secrets.toArray(new WebhookSecret[0]));
    this.capabilities = Capabilities.builder()
        .operations(Operation.UPSERT, Operation.DELETE)
        .maxRecordsPerBatch(b.recordsPerRequest)
        .maxBytesPerBatch(Math.max(1, b.bytesPerRequest - envelopeReserve(b.recordsPerRequest)))
        .idempotentWrites(true)
        .build();
    this.headers = Map.copyOf(b.headers);
    this.clock = b.clock;
    this.bytesPerRequest = b.bytesPerRequest;
  }

  /** Query parameters whose names say they hold a secret (a {@code ?token=} in the URL) are masked everywhere. */
  private static void registerQuerySecrets(URI url) {
    if (url.getRawQuery() == null) {
      return;
    }
    for (String pair : url.getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && Redaction.isSensitive(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8))) {
        String raw = pair.substring(eq + 1);
        Redaction.register(raw);
        Redaction.register(java.net.URLDecoder.decode(raw, StandardCharsets.UTF_8));
      }
    }
  }

  /**
   * Room left in a request for what the engine does not count: the envelope's own fields and, per
   * record, {@code {"key":..,"fields":..}} around the record. Requests that still come out larger
   * are split before sending.
   */
  private static long envelopeReserve(int recordsPerRequest) {
    return 512 + 24L * recordsPerRequest;
  }

  /**
   * Starts a webhook to {@code url} (https, or http on loopback for tests).
   *
   * @param url the URL
   * @return a builder to configure it with
   */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public void open(RunContext context) {
    runStarts.put(context.runId(), clock.instant());
  }

  @Override
  public void finish(RunContext context) {
    runStarts.remove(context.runId());
  }

  @Override
  public BatchResult write(Batch batch) {
    byte[] body = envelope(batch);
    if (body.length > bytesPerRequest) {
      return tooLarge(batch, body.length);
    }
    post(batch, body);
    return BatchResult.allSucceeded(batch);
  }

  /**
   * A request over {@code bytesPerRequest}: sent as halves with their own stable ids, or for a
   * single record reported as a permanent failure (it can never fit).
   */
  private BatchResult tooLarge(Batch batch, int size) {
    if (batch.size() == 1) {
      String key = batch.records().get(0).key();
      return BatchResult.builder(batch).failed(key, "record '" + key + "' makes a webhook request of " + size
          + " bytes, over bytesPerRequest of " + bytesPerRequest, false).build();
    }
    BatchResult.Builder result = BatchResult.builder(batch);
    for (Batch half : batch.halves()) {
      write(half).outcomes().forEach(result::set);
    }
    return result.build();
  }

  private void post(Batch batch, byte[] body) {
    long timestamp = clock.instant().getEpochSecond();
    Map<String, String> request = new LinkedHashMap<>(headers);
    request.put("webhook-id", batch.id());
    request.put("webhook-timestamp", Long.toString(timestamp));
    request.put("Idempotency-Key", batch.id());
    if (signer != null) {
      request.put("webhook-signature", signer.signature(batch.id(), timestamp, body));
    }
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    JsonResponse response = client.send("POST", path, body, JsonClient.JSON, request);
    int status = response.status();
    if (status == 410) {
      throw new PermanentDestinationException("the webhook endpoint answered 410 Gone: it no longer exists;"
          + " the run stopped and the unsent records stay pending", null, true);
    }
    if (status == 409) {
      throw new RetryableDestinationException("the webhook endpoint answered 409 Conflict: it is still processing"
          + " the request with Idempotency-Key " + batch.id() + "; it will be sent again");
    }
    if (status >= 300 && status < 400) {
      throw new PermanentDestinationException("the webhook endpoint answered " + status + " and redirects to "
          + response.header("Location").map(l -> Redaction.masked(Redaction.url(l))).orElse("(no Location)") + "; redirects are not followed (the signed body"
          + " would go to another address): configure the URL it names. The run stopped and the unsent records"
          + " stay pending", null, true);
    }
    if (status == 401 || status == 403 || status == 404 || status == 405) {
      // The endpoint or its credentials are wrong: every batch would get the same answer.
      try {
        response.throwIfFailed();
      } catch (PermanentDestinationException e) {
        throw new PermanentDestinationException(e.getMessage() + " (check the webhook URL and its credentials;"
            + " the run stopped and the unsent records stay pending)", null, true);
      }
    }
    response.throwIfFailed();
  }

  private byte[] envelope(Batch batch) {
    List<Map<String, Object>> records = new ArrayList<>(batch.size());
    for (Record r : batch.records()) {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("key", r.key());
      if (batch.operation() != Operation.DELETE) {
        record.put("fields", r.fields());
      }
      records.add(record);
    }
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("type", batch.operation() == Operation.DELETE ? "sluice.delete" : "sluice.upsert");
    envelope.put("sync", batch.syncName());
    envelope.put("run", batch.runId());
    envelope.put("batch", batch.id());
    envelope.put("timestamp", runStarts.computeIfAbsent(batch.runId(), run -> clock.instant()).toString());
    envelope.put("data", Map.of("records", records));
    try {
      return client.toJson(envelope).getBytes(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new PermanentDestinationException("batch " + batch.id() + " cannot be written as JSON: "
          + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "webhook " + url.getHost() + url.getRawPath() + " records " + capabilities.maxRecordsPerBatch();
  }

  /**
   * The receiver: its {@link Builder#identity(String) given name}, else the endpoint's scheme, host,
   * port and path (not the query, which may hold a token).
   */
  @Override
  public String identity() {
    return identity;
  }

  @Override
  public void close() {
    client.close();
  }

  /** Configures a {@link Webhook}; each setter validates at once. */
  public static final class Builder {
    private io.micrometer.core.instrument.MeterRegistry meterRegistry;
    private final URI url;
    private final List<WebhookSecret> secrets = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private AuthProvider auth = AuthProvider.none();
    private int recordsPerRequest = 100;
    private long bytesPerRequest = 1_000_000;
    private Duration timeout = Duration.ofSeconds(30);
    private String identity;
    private Clock clock = Clock.systemUTC();

    private Builder(String url) {
      Objects.requireNonNull(url, "url");
      // Messages show the URL masked: it may carry a token in its query or credentials before its host.
      String shown = Redaction.masked(Redaction.url(Redaction.userInfoMasked(url)));
      URI parsed;
      try {
        parsed = new URI(url);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("the webhook URL '" + shown + "' is not a valid URL (" + e.getReason()
            + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "") + "); percent-encode spaces and special"
            + " characters, as in https://hooks.example.com/sluice?name=a%20b");
      }
      if (parsed.getRawUserInfo() != null) {
        throw new IllegalArgumentException("the webhook URL '" + shown + "' carries user-info (user:password@);"
            + " it would travel and be shown with the URL: remove it and pass the credentials with"
            + " auth(AuthProvider.basic(user, password))");
      }
      String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(java.util.Locale.ROOT);
      if (!scheme.equals("https") && !scheme.equals("http")) {
        throw new IllegalArgumentException("the webhook URL '" + shown + "' must start with https://"
            + " (or http:// to a loopback address, for tests)");
      }
      if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
        throw new IllegalArgumentException("the webhook URL '" + shown + "' names no host; give one, as in"
            + " https://hooks.example.com/sluice");
      }
      if (scheme.equals("http") && !loopback(parsed.getHost())) {
        throw new IllegalArgumentException("the webhook URL '" + shown + "' is http:// to " + parsed.getHost()
            + ": plain http is allowed only to loopback (localhost, 127.0.0.1, [::1]), since the records and"
            + " their signature would cross the network unencrypted; use https://");
      }
      this.url = parsed;
    }

    private static boolean loopback(String host) {
      String h = host.toLowerCase(java.util.Locale.ROOT);
      if (h.startsWith("[") && h.endsWith("]")) {
        h = h.substring(1, h.length() - 1);
      }
      return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
          || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /**
     * A signing secret; give two while rotating. Unsigned webhooks are allowed but unwise.
     *
     * @param secret the secret
     * @return this builder
     */
    public Builder secret(WebhookSecret secret) {
      secrets.add(Objects.requireNonNull(secret, "secret"));
      return this;
    }

    /**
     * A header sent with every request (never log secrets in it: it is redacted only by name).
     *
     * @param name the header name
     * @param value the header value
     * @return this builder
     */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Credentials for the endpoint, beyond the signature.
     *
     * @param auth how requests are authenticated
     * @return this builder
     */
    public Builder auth(AuthProvider auth) {
      this.auth = Objects.requireNonNull(auth, "auth");
      return this;
    }

    /**
     * Records per request (1 for one request per record); default 100.
     *
     * @param records records per request, at least 1
     * @return this builder
     */
    public Builder recordsPerRequest(int records) {
      if (records < 1) {
        throw new IllegalArgumentException("recordsPerRequest must be at least 1, was " + records);
      }
      this.recordsPerRequest = records;
      return this;
    }

    /**
     * The most bytes one request body may have; default 1,000,000. Batches are sized to fit, and a
     * request that still comes out larger is sent in halves; a record that cannot fit on its own
     * is reported as failed.
     *
     * @param bytes the most bytes, at least 1
     * @return this builder
     */
    public Builder bytesPerRequest(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("bytesPerRequest must be at least 1, was " + bytes);
      }
      this.bytesPerRequest = bytes;
      return this;
    }

    /**
     * Names the receiver for the sync's state, instead of its URL (scheme, host, port and path). A
     * state written for another receiver is not trusted (the run starts afresh and derives no
     * deletes from it), so set a name when the URL changes but the receiver and what it holds stay
     * the same: a service that moved host, a receiver on a port chosen at start.
     *
     * @param name a stable name for the receiver, such as {@code "crm-ingest"}
     * @return this builder
     */
    public Builder identity(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("the webhook's identity must not be blank");
      }
      this.identity = name;
      return this;
    }

    /**
     * The most each request may take: connect, send and the whole answer; default 30 s.
     *
     * @param timeout the time
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Times every request in {@code registry} as {@code sluice.http.requests} (destination
     * {@code webhook}, tagged with the method and the status), as for every HTTP connector.
     *
     * @param registry the meter registry
     * @return this builder
     */
    public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The clock for timestamps; default the system clock.
     *
     * @param clock the clock to read the time from
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the webhook.
     *
     * @return the webhook
     */
    public Webhook build() {
      return new Webhook(this);
    }
  }
}
