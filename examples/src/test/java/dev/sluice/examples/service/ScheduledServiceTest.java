package dev.sluice.examples.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.scheduler.RunRecord;
import dev.sluice.scheduler.SyncSchedule;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScheduledServiceTest {

  private static final String SECRET = "dbt-secret-for-the-test";
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void database() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    postgres.close();
  }

  /** Waits for the sync's history to have a run that matches. */
  private static RunRecord awaitRun(ScheduledService service, Predicate<RunRecord> matches) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      List<RunRecord> runs = service.scheduler().history(ScheduledService.SYNC, 20);
      for (RunRecord run : runs) {
        if (matches.test(run)) {
          return run;
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    throw new TimeoutException("no such run of " + ScheduledService.SYNC);
  }

  private static HttpResponse<String> post(ScheduledService service, String path, String signature, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      request.header("Authorization", signature);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sign(String secret, String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void theServiceSyncsOnDemandWhenTheMartChangesAndAfterADbtCloudJob() throws Exception {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    ScheduledService.Settings settings = new ScheduledService.Settings(SyncSchedule.manual(), Duration.ofSeconds(1),
        Duration.ofMillis(100), SECRET, 0);
    try (ScheduledService service = ScheduledService.start(postgres.getPostgresDatabase(), settings,
        new PrintStream(output, true, StandardCharsets.UTF_8))) {
      // The watcher's first poll runs the sync: nothing was synced yet.
      assertThat(awaitRun(service, run -> run.report().added() == 1000).trigger()).isEqualTo("watch");
      assertThat(service.crm().size()).isEqualTo(1000);

      service.changeCustomers(3);
      RunRecord changed = awaitRun(service, run -> run.report().updated() == 3);
      assertThat(changed.trigger()).contains("watch");

      String event = "{\"eventType\":\"job.run.completed\",\"data\":{\"jobId\":\"" + ScheduledService.DBT_JOB
          + "\",\"runStatus\":\"Success\"}}";
      assertThat(post(service, "/hooks/dbt-cloud", sign("forged", event), event).statusCode()).isEqualTo(401);
      assertThat(post(service, "/hooks/dbt-cloud", sign(SECRET, event), event).statusCode()).isEqualTo(202);
      awaitRun(service, run -> run.trigger().contains("dbt-cloud"));

      assertThat(post(service, "/syncs/" + ScheduledService.SYNC, null, "").statusCode()).isEqualTo(202);
      awaitRun(service, run -> run.trigger().contains("manual"));

      HttpResponse<String> runs = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + service.port() + "/syncs/" + ScheduledService.SYNC)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(runs.body()).contains("dbt-cloud", "watch", "manual", "SUCCEEDED");
    }
    assertThat(output.toString(StandardCharsets.UTF_8)).contains("Scheduling customers-to-crm", "updated 3");
  }
}
