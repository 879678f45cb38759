package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class DbtCloudWebhookTest {

  private static final String SECRET = "dbt-webhook-secret-token";

  private final DataSource db = TestPostgres.freshDatabase();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
  private final Fixture f = new Fixture("customers", new InMemoryStateStore());
  private final SluiceScheduler scheduler = Manual.builder(db, clock, "a").sync(f.sync, SyncSchedule.manual()).build();
  private final DbtCloudWebhook webhook;

  DbtCloudWebhookTest() {
    scheduler.start();
    webhook = DbtCloudWebhook.builder(scheduler, SECRET).job("123", "customers").build();
  }

  /** A delivery as dbt Cloud documents it. */
  private static byte[] event(String type, String jobId, String runStatus) {
    return ("{\"accountId\":1,\"eventId\":\"wev_2L6ZDoilyiWzKkSA59Gmc2d7FDD\",\"timestamp\":\"2026-12-01T09:59:35.789Z\","
        + "\"eventType\":\"" + type + "\",\"webhookName\":\"sluice\",\"data\":{\"jobId\":\"" + jobId + "\","
        + "\"jobName\":\"Daily Job (dbt build)\",\"runId\":\"12345\",\"environmentId\":\"1234\","
        + "\"runStatus\":\"" + runStatus + "\",\"runStatusMessage\":\"None\"}}").getBytes(StandardCharsets.UTF_8);
  }

  /** What dbt Cloud puts in the Authorization header: hex HMAC-SHA256 of the body under the secret. */
  private static String sign(String secret, byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  @Test
  void aSignedCompletedJobTriggersItsSyncs() throws Exception {
    byte[] body = event("job.run.completed", "123", "Success");

    DbtCloudWebhook.Response response = webhook.handle(sign(SECRET, body), body);
    Manual.runDue(scheduler);

    assertThat(response.status()).isEqualTo(202);
    assertThat(response.message()).isEqualTo("triggered customers");
    RunRecord run = response.triggered().get(0).await(Duration.ofSeconds(10));
    assertThat(run.trigger()).isEqualTo("dbt-cloud");
    assertThat(f.runs()).isEqualTo(1);
  }

  @Test
  void aForgedSignatureIsRefusedAndTriggersNothing() throws Exception {
    byte[] body = event("job.run.completed", "123", "Success");

    DbtCloudWebhook.Response forged = webhook.handle(sign("guessed-secret", body), body);
    DbtCloudWebhook.Response missing = webhook.handle(null, body);
    DbtCloudWebhook.Response notHex = webhook.handle("Bearer " + SECRET, body);
    byte[] tampered = event("job.run.completed", "123", "Success ");
    DbtCloudWebhook.Response bodyChanged = webhook.handle(sign(SECRET, body), tampered);
    Manual.runDue(scheduler);

    assertThat(forged.status()).isEqualTo(401);
    assertThat(missing.status()).isEqualTo(401);
    assertThat(notHex.status()).isEqualTo(401);
    assertThat(bodyChanged.status()).isEqualTo(401);
    assertThat(forged.message()).doesNotContain(SECRET);
    assertThat(f.runs()).isZero();
  }

  @Test
  void otherEventsFailedJobsAndUnmappedJobsAreAcknowledgedAndIgnored() throws Exception {
    byte[] started = event("job.run.started", "123", "Running");
    byte[] errored = event("job.run.completed", "123", "Error");
    byte[] otherJob = event("job.run.completed", "999", "Success");

    assertThat(webhook.handle(sign(SECRET, started), started).status()).isEqualTo(200);
    assertThat(webhook.handle(sign(SECRET, errored), errored).message()).isEqualTo("ignored: job 123 ended Error");
    assertThat(webhook.handle(sign(SECRET, otherJob), otherJob).message()).contains("999 is mapped to no sync");
    Manual.runDue(scheduler);

    assertThat(f.runs()).isZero();
  }

  @Test
  void aSignedBodyThatIsNotJsonIsABadRequest() throws Exception {
    byte[] body = "not json".getBytes(StandardCharsets.UTF_8);

    assertThat(webhook.handle(sign(SECRET, body), body).status()).isEqualTo(400);
  }

  @Test
  void aJobMappedToAnUnknownSyncIsRefusedWhenBuilt() {
    assertThatThrownBy(() -> DbtCloudWebhook.builder(scheduler, SECRET).job("123", "acounts"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'acounts'").hasMessageContaining("[customers]");
    assertThatThrownBy(() -> DbtCloudWebhook.builder(scheduler, " "))
        .hasMessageContaining("secret is blank");
  }
}
