package dev.sluice.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.diff.InMemoryStateStore;
import dev.sluice.testkit.SyntheticSource;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookTest {

  private static final DeliveryPolicy FAST = DeliveryPolicy.custom()
      .backoff(Duration.ofMillis(2), Duration.ofMillis(4)).build();

  private final WebhookSecret secret = WebhookSecret.generate();
  private TestReceiver receiver;

  @BeforeEach
  void start() throws Exception {
    receiver = new TestReceiver(WebhookVerifier.of(secret));
  }

  @AfterEach
  void stop() {
    receiver.close();
  }

  @Test
  void signsEveryRequestOverTheExactBytesSent() {
    SyncReport report = Sync.from(SyntheticSource.of(250)).to(Webhook.builder(receiver.url()).secret(secret).build())
        .build().run();

    assertThat(report.delivered()).isEqualTo(250);
    assertThat(receiver.rejections).isEmpty();
    assertThat(receiver.records()).hasSize(250);
  }

  @Test
  void keepsTheMessageIdAndIdempotencyKeyWhenABatchIsSentAgain() {
    receiver.respondNext(503);

    SyncReport report = Sync.from(SyntheticSource.of(10)).to(Webhook.builder(receiver.url()).secret(secret).build())
        .delivery(FAST).build().run();

    assertThat(report.delivered()).isEqualTo(10);
    assertThat(receiver.requestHeaders).hasSize(2);
    Map<String, String> first = receiver.requestHeaders.get(0);
    Map<String, String> retry = receiver.requestHeaders.get(1);
    assertThat(retry.get("webhook-id")).isEqualTo(first.get("webhook-id"));
    assertThat(retry.get("Idempotency-Key")).isEqualTo(first.get("webhook-id"));
  }

  @Test
  void stopsTheRunOn410AndKeepsUnsentRecordsPending() {
    InMemoryStateStore state = new InMemoryStateStore();
    Webhook hook = Webhook.builder(receiver.url()).secret(secret).recordsPerRequest(10).build();
    receiver.respondNext(204);
    receiver.respondNext(410);

    SyncReport report = Sync.from(SyntheticSource.of(100)).to(hook).named("gone").state(state).concurrency(1)
        .delivery(FAST).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.ABORTED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).contains("410 Gone"));
    assertThat(report.delivered()).isEqualTo(10);
    assertThat(state.entries("gone")).hasSize(10);
  }
}
