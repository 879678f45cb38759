package dev.sluice.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggers syncs after upstream dbt Cloud jobs: a handler for dbt Cloud's outbound webhook that you
 * mount in your own HTTP framework.
 *
 * <pre>{@code
 * DbtCloudWebhook webhook = DbtCloudWebhook.builder(scheduler, System.getenv("DBT_CLOUD_WEBHOOK_SECRET"))
 *     .job("123", "customers-to-crm", "accounts-to-crm")
 *     .build();
 * // in your POST /hooks/dbt handler, with the raw body bytes:
 * DbtCloudWebhook.Response r = webhook.handle(request.header("Authorization"), request.bodyBytes());
 * response.status(r.status()).body(r.message());
 * }</pre>
 *
 * <p>dbt Cloud signs each delivery: its {@code Authorization} header carries the hex HMAC-SHA256 of
 * the raw request body, keyed with the webhook's secret token. A request whose header does not
 * match is refused (401) before its body is read. A {@code job.run.completed} event whose
 * {@code data.runStatus} is {@code Success} triggers the syncs mapped to its {@code data.jobId}
 * (once more after a run in progress, {@link SluiceScheduler.IfRunning#RERUN_AFTER}); other events,
 * failed job runs and unmapped jobs are acknowledged (200) and ignored, so dbt Cloud does not retry
 * them. Thread-safe.
 */
public final class DbtCloudWebhook {

  /** The header dbt Cloud puts the signature in. */
  public static final String SIGNATURE_HEADER = "Authorization";
  /** The event this handler acts on. */
  public static final String RUN_COMPLETED = "job.run.completed";
  /** The trigger source the runs show in the history. */
  public static final String TRIGGER_SOURCE = "dbt-cloud";

  private static final Logger log = LoggerFactory.getLogger(DbtCloudWebhook.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SluiceScheduler scheduler;
  private final byte[] secret;
  private final Map<String, List<String>> syncsByJob;

  private DbtCloudWebhook(Builder b) {
    this.scheduler = b.scheduler;
    this.secret = b.secret.getBytes(StandardCharsets.UTF_8);
    this.syncsByJob = Map.copyOf(b.syncsByJob);
  }

  /**
   * Starts a handler that verifies deliveries with {@code secret}, the webhook's secret token in
   * dbt Cloud.
   *
   * @param scheduler the scheduler
   * @param secret the webhook's secret token
   * @return a new builder
   */
  public static Builder builder(SluiceScheduler scheduler, String secret) {
    return new Builder(scheduler, secret);
  }

  /** What the handler answers: an HTTP status and a short text for the response body. */
  public static final class Response {
    private final int status;
    private final String message;
    private final List<TriggerHandle> triggered;

    Response(int status, String message, List<TriggerHandle> triggered) {
      this.status = status;
      this.message = message;
      this.triggered = List.copyOf(triggered);
    }

    /**
     * The HTTP status to answer: 202 triggered, 200 acknowledged and ignored, 400 unreadable, 401
     * not signed.
     *
     * @return the HTTP status to answer: 202 triggered, 200 acknowledged and ignored, 400
     *     unreadable, 401 not signed
     */
    public int status() {
      return status;
    }

    /**
     * A short text for the response body and your logs; never the secret.
     *
     * @return a short text for the response body and your logs; never the secret
     */
    public String message() {
      return message;
    }

    /**
     * The triggers the delivery made, one per mapped sync.
     *
     * @return the triggers the delivery made, one per mapped sync
     */
    public List<TriggerHandle> triggered() {
      return triggered;
    }

    @Override
    public String toString() {
      return status + " " + message;
    }
  }

  /**
   * Handles one delivery.
   *
   * @param authorization the value of the {@value #SIGNATURE_HEADER} header, or null if absent
   * @param body the raw request body, exactly as received (the signature covers these bytes)
   * @return the answer to send back: its status, a message and the runs it triggered
   */
  public Response handle(String authorization, byte[] body) {
    Objects.requireNonNull(body, "body");
    if (!signatureMatches(authorization, body)) {
      log.warn("dbt Cloud webhook refused: the {} header is {}", SIGNATURE_HEADER,
          authorization == null ? "missing" : "not the HMAC-SHA256 of the body under the configured secret");
      return new Response(401, "the signature does not match", List.of());
    }
    JsonNode event;
    try {
      event = JSON.readTree(body);
    } catch (IOException e) {
      return new Response(400, "the body is not JSON: " + e.getMessage(), List.of());
    }
    if (event == null || !event.isObject()) {
      return new Response(400, "the body is not a JSON object", List.of());
    }
    String type = event.path("eventType").asText("");
    JsonNode data = event.path("data");
    String jobId = data.path("jobId").asText("");
    if (!RUN_COMPLETED.equals(type)) {
      return new Response(200, "ignored: event " + type, List.of());
    }
    String runStatus = data.path("runStatus").asText("");
    if (!"Success".equals(runStatus)) {
      return new Response(200, "ignored: job " + jobId + " ended " + runStatus, List.of());
    }
    List<String> syncs = syncsByJob.get(jobId);
    if (syncs == null) {
      return new Response(200, "ignored: job " + jobId + " is mapped to no sync", List.of());
    }
    List<TriggerHandle> handles = new ArrayList<>();
    for (String sync : syncs) {
      handles.add(scheduler.trigger(sync, SluiceScheduler.IfRunning.RERUN_AFTER, TRIGGER_SOURCE));
    }
    log.info("dbt Cloud job {} completed: triggered {}", jobId, syncs);
    return new Response(202, "triggered " + String.join(", ", syncs), handles);
  }

  private boolean signatureMatches(String authorization, byte[] body) {
    if (authorization == null) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(authorization.trim());
    } catch (IllegalArgumentException e) {
      return false;
    }
    byte[] expected;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      expected = mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
    }
    return MessageDigest.isEqual(expected, given);
  }

  /** Configures a {@link DbtCloudWebhook}. Not thread-safe. */
  public static final class Builder {
    private final SluiceScheduler scheduler;
    private final String secret;
    private final Map<String, List<String>> syncsByJob = new LinkedHashMap<>();

    private Builder(SluiceScheduler scheduler, String secret) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      Objects.requireNonNull(secret, "secret");
      if (secret.isBlank()) {
        throw new IllegalArgumentException("the dbt Cloud webhook secret is blank; copy the secret token dbt Cloud"
            + " shows when the webhook is created");
      }
      this.secret = secret;
    }

    /**
     * Triggers {@code syncNames} when dbt Cloud job {@code jobId} completes successfully.
     *
     * @param jobId the dbt Cloud job id
     * @param syncNames the syncs to trigger
     * @return this builder
     * @throws IllegalArgumentException if a sync is not registered with the scheduler
     */
    public Builder job(String jobId, String... syncNames) {
      Objects.requireNonNull(jobId, "jobId");
      if (syncNames.length == 0) {
        throw new IllegalArgumentException("map dbt Cloud job " + jobId + " to at least one sync");
      }
      for (String name : syncNames) {
        if (!scheduler.syncNames().contains(name)) {
          throw new IllegalArgumentException("dbt Cloud job " + jobId + " is mapped to sync '" + name
              + "', which the scheduler does not have; registered: " + scheduler.syncNames());
        }
      }
      syncsByJob.computeIfAbsent(jobId, k -> new ArrayList<>()).addAll(List.of(syncNames));
      return this;
    }

    /**
     * Builds the handler.
     *
     * @return the handler
     */
    public DbtCloudWebhook build() {
      if (syncsByJob.isEmpty()) {
        throw new IllegalStateException("map at least one dbt Cloud job to syncs with job(jobId, syncNames...)");
      }
      return new DbtCloudWebhook(this);
    }
  }
}
