package dev.sluice.webhook;

import dev.sluice.Record;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.http.AuthProvider;
import dev.sluice.http.JsonClient;
import dev.sluice.http.JsonResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hc.core5.http.ContentType;

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
 *
 * <p><b>Headers</b>: {@code webhook-id} = the batch id, unchanged when the batch is sent again (so
 * a receiver can deduplicate), the same value as {@code Idempotency-Key}; {@code webhook-timestamp}
 * in Unix seconds; {@code webhook-signature} over the exact bytes sent.
 *
 * <p><b>Answers</b>: 2xx succeeds for the whole request; 410 Gone stops the run (the endpoint is
 * gone; unsent records stay pending); 408, 429 (honouring Retry-After) and 5xx are retryable;
 * other statuses, redirects included (they are not followed), are permanent.
 */
public final class Webhook implements Destination {

  private final URI url;
  private final JsonClient client;
  private final WebhookSigner signer;
  private final Capabilities capabilities;
  private final Map<String, String> headers;
  private final Clock clock;

  private Webhook(Builder b) {
    this.url = b.url;
    String base = url.getScheme() + "://" + url.getRawAuthority();
    JsonClient.Builder http = JsonClient.builder(base).auth(b.auth).responseTimeout(b.timeout).clock(b.clock);
    for (WebhookSecret secret : b.secrets) {
      // Masked wherever it might appear in logs or messages, with or without its prefix.
      http.secret(secret.encoded()).secret(secret.encoded().substring("whsec_".length()));
    }
    this.client = http.build();
    this.signer = b.secrets.isEmpty() ? null : WebhookSigner.of(b.secrets.toArray(new WebhookSecret[0]));
    this.capabilities = Capabilities.builder()
        .operations(Operation.UPSERT, Operation.DELETE)
        .maxRecordsPerBatch(b.recordsPerRequest)
        .maxBytesPerBatch(b.bytesPerRequest)
        .idempotentWrites(true)
        .build();
    this.headers = Map.copyOf(b.headers);
    this.clock = b.clock;
  }

  /** Starts a webhook to {@code url} (https, or http on loopback for tests). */
  public static Builder builder(String url) {
    return new Builder(url);
  }

  @Override
  public Capabilities capabilities() {
    return capabilities;
  }

  @Override
  public BatchResult write(Batch batch) {
    byte[] body = envelope(batch);
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
    JsonResponse response = client.send("POST", path, body, ContentType.APPLICATION_JSON, request);
    if (response.status() == 410) {
      throw new PermanentDestinationException("the webhook endpoint answered 410 Gone: it no longer exists;"
          + " the run stopped and the unsent records stay pending", null, true);
    }
    response.throwIfFailed();
    return BatchResult.allSucceeded(batch);
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
    envelope.put("timestamp", clock.instant().toString());
    envelope.put("data", Map.of("records", records));
    try {
      return client.mapper().writeValueAsString(envelope).getBytes(StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new PermanentDestinationException("batch " + batch.id() + " cannot be written as JSON: "
          + e.getOriginalMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "webhook " + url.getHost() + url.getRawPath() + " records " + capabilities.maxRecordsPerBatch();
  }

  @Override
  public void close() {
    client.close();
  }

  /** Configures a {@link Webhook}; each setter validates at once. */
  public static final class Builder {
    private final URI url;
    private final List<WebhookSecret> secrets = new ArrayList<>();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private AuthProvider auth = AuthProvider.none();
    private int recordsPerRequest = 100;
    private long bytesPerRequest = 1_000_000;
    private Duration timeout = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();

    private Builder(String url) {
      Objects.requireNonNull(url, "url");
      this.url = URI.create(url);
      if (this.url.getScheme() == null || !(this.url.getScheme().equals("https") || this.url.getScheme().equals("http"))) {
        throw new IllegalArgumentException("the webhook URL must be https:// (or http:// for local tests)");
      }
    }

    /** A signing secret; give two while rotating. Unsigned webhooks are allowed but unwise. */
    public Builder secret(WebhookSecret secret) {
      secrets.add(Objects.requireNonNull(secret, "secret"));
      return this;
    }

    /** A header sent with every request (never log secrets in it: it is redacted only by name). */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Credentials for the endpoint, beyond the signature. */
    public Builder auth(AuthProvider auth) {
      this.auth = Objects.requireNonNull(auth, "auth");
      return this;
    }

    /** Records per request (1 for one request per record); default 100. */
    public Builder recordsPerRequest(int records) {
      if (records < 1) {
        throw new IllegalArgumentException("recordsPerRequest must be at least 1, was " + records);
      }
      this.recordsPerRequest = records;
      return this;
    }

    /** Bytes of records per request, as Sluice counts them; default 1,000,000. */
    public Builder bytesPerRequest(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("bytesPerRequest must be at least 1, was " + bytes);
      }
      this.bytesPerRequest = bytes;
      return this;
    }

    /** Time to wait for each answer; default 30 s. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The clock for timestamps; default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Builds the webhook. */
    public Webhook build() {
      return new Webhook(this);
    }
  }
}
