package dev.sluice.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.testkit.SyntheticSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Everything logged at DEBUG during webhook syncs, and every message they report, scanned for the secrets. */
class WebhookSecretScanTest {

  @Test
  void neitherLogsNorReportsASigningSecret() throws Exception {
    WebhookSecret current = WebhookSecret.generate();
    WebhookSecret previous = WebhookSecret.generate();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
    List<String> reported = new ArrayList<>();
    try (TestReceiver receiver = new TestReceiver(WebhookVerifier.of(current))) {
      // The endpoint echoes a secret in an error body; then it is down; then it is gone.
      receiver.respondNextWithBody(503, "{\"debug\":\"signing with " + current.encoded() + "\"}");
      receiver.respondNextWithBody(400, "{\"error\":\"bad secret " + previous.encoded().substring(6) + "\"}");
      Webhook hook = Webhook.builder(receiver.url()).secret(current).secret(previous).recordsPerRequest(10).build();
      DeliveryPolicy fast = DeliveryPolicy.custom().backoff(Duration.ofMillis(1), Duration.ofMillis(2)).build();

      SyncReport report = Sync.from(SyntheticSource.of(100)).to(hook).named("scan").concurrency(1)
          .delivery(fast).build().run();
      receiver.respondNext(410);
      SyncReport gone = Sync.from(SyntheticSource.of(100)).to(hook).named("scan-gone").delivery(fast).build().run();

      assertThat(report.delivered()).isEqualTo(100);
      assertThat(gone.status()).isEqualTo(SyncReport.Status.ABORTED);
      for (SyncReport r : List.of(report, gone)) {
        reported.add(r.toString());
        r.failure().ifPresent(reported::add);
        r.failedRecords().forEach(e -> reported.add(e.reason()));
      }
      reported.add(hook.describe());
      reported.add(current.toString());
    } finally {
      root.detachAppender(captured);
      root.setLevel(before);
    }

    List<String> lines = new ArrayList<>(reported);
    captured.list.forEach(e -> lines.add(e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())));
    assertThat(captured.list).as("DEBUG lines captured").hasSizeGreaterThan(20);
    assertThat(lines).as("the echoed secret was logged, masked").anySatisfy(line -> assertThat(line).contains("signing with ***"));
    for (WebhookSecret secret : List.of(current, previous)) {
      String raw = secret.encoded().substring("whsec_".length());
      assertThat(lines.stream().filter(line -> line.contains(raw)).toList())
          .as("lines showing a secret").isEmpty();
    }
  }
}
