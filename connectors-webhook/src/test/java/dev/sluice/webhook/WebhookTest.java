package dev.sluice.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.SyntheticSource;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
  void timesEveryRequestInTheMeterRegistryAsEveryHttpConnectorDoes() {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    receiver.respondNext(503);

    SyncReport report = Sync.from(SyntheticSource.of(10)).to(Webhook.builder(receiver.url()).secret(secret)
            .meterRegistry(meters).build())
        .delivery(dev.sluice.delivery.DeliveryPolicy.custom().backoff(java.time.Duration.ofMillis(1),
            java.time.Duration.ofMillis(2)).build())
        .build().run();

    assertThat(report.delivered()).isEqualTo(10);
    assertThat(report.requests().requests()).isEqualTo(2);
    assertThat(meters.get(dev.sluice.observe.MetricNames.HTTP_REQUESTS).tag("destination", "webhook")
        .tag("status", "503").timer().count()).isEqualTo(1);
    assertThat(meters.get(dev.sluice.observe.MetricNames.HTTP_REQUESTS).tag("destination", "webhook")
        .tag("status", "204").timer().count()).isEqualTo(1);
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
    assertThat(receiver.bodies.get(1)).as("the same payload under the same Idempotency-Key")
        .isEqualTo(receiver.bodies.get(0));
  }

  @Test
  void sendsTheSameBytesAgainAfterA409FromAnIdempotencyKeyServer() {
    receiver.respondNext(409);

    SyncReport report = Sync.from(SyntheticSource.of(10)).to(Webhook.builder(receiver.url()).secret(secret).build())
        .delivery(FAST).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(receiver.records()).hasSize(10);
    assertThat(receiver.bodies).hasSize(2);
    assertThat(receiver.bodies.get(1)).isEqualTo(receiver.bodies.get(0));
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

  @Test
  void signsWithEverySecretWhileRotating() throws Exception {
    WebhookSecret next = WebhookSecret.generate();
    try (TestReceiver updated = new TestReceiver(WebhookVerifier.of(next))) {
      for (TestReceiver endpoint : List.of(receiver, updated)) {
        Webhook hook = Webhook.builder(endpoint.url()).secret(secret).secret(next).build();

        SyncReport report = Sync.from(SyntheticSource.of(20)).to(hook).build().run();

        assertThat(report.delivered()).as("delivered to the receiver that knows one of the secrets").isEqualTo(20);
        assertThat(endpoint.rejections).isEmpty();
        assertThat(endpoint.requestHeaders.get(0).get("webhook-signature").split(" ")).hasSize(2)
            .allSatisfy(signature -> assertThat(signature).startsWith("v1,"));
      }
    }
  }

  @Test
  void waitsOutRetryAfterOn429AndThenDelivers() {
    receiver.respondNext(429, "Retry-After", "1");

    SyncReport report = Sync.from(SyntheticSource.of(10)).to(Webhook.builder(receiver.url()).secret(secret).build())
        .delivery(FAST).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(report.delivered()).isEqualTo(10);
    assertThat(receiver.requests).isEqualTo(2);
    long waited = receiver.arrivalNanos.get(1) - receiver.arrivalNanos.get(0);
    assertThat(waited).as("nanoseconds between the 429 and the next request")
        .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
    assertThat(receiver.requestHeaders.get(1).get("webhook-id")).isEqualTo(receiver.requestHeaders.get(0).get("webhook-id"));
  }

  @Test
  void neverSendsARequestBodyOverTheByteLimitWhateverTheRecordSizes() {
    int limit = 64 * 1024;
    Random random = new Random(42);
    InMemorySource source = InMemorySource.create();
    for (int i = 0; i < 400; i++) {
      // from a few bytes to 60 KiB, most small: sizes spread over four orders of magnitude
      int size = (int) Math.min(60_000, Math.pow(10, 1 + random.nextDouble() * 3.8));
      source.put("r" + i, Map.of("payload", "x".repeat(size), "n", i));
    }
    source.put("huge", Map.of("payload", "é".repeat(40_000))); // 80,000 bytes of UTF-8
    Webhook hook = Webhook.builder(receiver.url()).secret(secret).bytesPerRequest(limit).build();

    SyncReport report = Sync.from(source).to(hook).build().run();

    assertThat(receiver.bodySizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(limit));
    assertThat(receiver.bodySizes).as("requests").hasSizeGreaterThan(10);
    assertThat(receiver.records()).hasSize(400).doesNotContainKey("huge");
    assertThat(report.status()).isEqualTo(SyncReport.Status.PARTIAL);
    assertThat(report.delivered()).isEqualTo(400);
    assertThat(report.failedRecords()).singleElement().satisfies(error -> {
      assertThat(error.key()).isEqualTo("huge");
      assertThat(error.reason()).contains("bytes");
    });
  }

  @Test
  void splitsARequestThatComesOutLargerThanTheLimitAndKeepsItsIdsStable() {
    // Keys full of quotes and control characters grow when escaped: the engine's estimate is
    // exceeded and the webhook sends halves.
    InMemorySource source = InMemorySource.create();
    for (int i = 0; i < 40; i++) {
      source.put("k" + i, Map.of("text", "\u0001\"\n".repeat(50) + i));
    }
    Webhook hook = Webhook.builder(receiver.url()).secret(secret).recordsPerRequest(40).bytesPerRequest(5_000).build();

    SyncReport report = Sync.from(source).to(hook).concurrency(1).build().run();

    assertThat(report.delivered()).isEqualTo(40);
    assertThat(receiver.bodySizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(5_000));
    assertThat(receiver.requestHeaders).extracting(h -> h.get("webhook-id")).doesNotHaveDuplicates();
    assertThat(receiver.records()).hasSize(40);
  }

  @Test
  void deliversUnicodeNestedValuesNullsAndBigDecimalsIntact() throws Exception {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("tags", List.of("vip", "🚀 launch", "naïve"));
    nested.put("address", Map.of("city", "Zürich", "lines", List.of("Bahnhofstrasse 1", "8001")));
    nested.put("nothing", null);
    nested.put("list with null", Arrays.asList(1, null, "two"));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("name", "Zoë 張偉 — \"quoted\" \\ back\u0000slash");
    fields.put("emoji", "👩‍💻🇨🇭");
    fields.put("balance", new BigDecimal("12345678901234567890.123456789012345"));
    fields.put("rate", new BigDecimal("0.10"));
    fields.put("count", 9_007_199_254_740_993L); // not representable as a double
    fields.put("missing", null);
    fields.put("profile", nested);
    fields.put("signed_up", Instant.parse("2026-03-04T05:06:07.123456Z"));
    fields.put("birthday", LocalDate.of(1990, 2, 28));
    fields.put("active", true);
    InMemorySource source = InMemorySource.create().put(Record.of("ключ/1 ✓", fields));

    SyncReport report = Sync.from(source).to(Webhook.builder(receiver.url()).secret(secret).build()).build().run();

    assertThat(report.delivered()).isEqualTo(1);
    JsonNode received = receiver.records().get("ключ/1 ✓");
    JsonNode expected = TestReceiver.JSON.readTree("{"
        + "\"name\":\"Zoë 張偉 — \\\"quoted\\\" \\\\ back\\u0000slash\","
        + "\"emoji\":\"👩‍💻🇨🇭\","
        + "\"balance\":12345678901234567890.123456789012345,"
        + "\"rate\":0.10,"
        + "\"count\":9007199254740993,"
        + "\"missing\":null,"
        + "\"profile\":{\"tags\":[\"vip\",\"🚀 launch\",\"naïve\"],"
        + "\"address\":{\"city\":\"Zürich\",\"lines\":[\"Bahnhofstrasse 1\",\"8001\"]},"
        + "\"nothing\":null,\"list with null\":[1,null,\"two\"]},"
        + "\"signed_up\":\"2026-03-04T05:06:07.123456Z\","
        + "\"birthday\":\"1990-02-28\","
        + "\"active\":true}");
    assertThat(received).isEqualTo(expected);
    assertThat(received.get("balance").decimalValue()).isEqualByComparingTo("12345678901234567890.123456789012345");
    assertThat(received.get("rate").decimalValue().scale()).isEqualTo(2);
  }

  @Test
  void doesNotFollowRedirects() throws Exception {
    try (TestReceiver elsewhere = new TestReceiver(WebhookVerifier.of(secret))) {
      receiver.respondNext(307, "Location", elsewhere.url());

      SyncReport report = Sync.from(SyntheticSource.of(5)).to(Webhook.builder(receiver.url()).secret(secret).build())
          .delivery(FAST).build().run();

      assertThat(report.status()).isEqualTo(SyncReport.Status.ABORTED);
      assertThat(report.delivered()).isZero();
      assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).contains("307").contains(elsewhere.url())
          .contains("redirects are not followed"));
      assertThat(receiver.requests).isEqualTo(1);
      assertThat(elsewhere.requests).isZero();
    }
  }

  @Test
  void stopsTheRunWhenTheEndpointRefusesTheCredentials() {
    receiver.respondNext(401);

    SyncReport report = Sync.from(SyntheticSource.of(50)).to(Webhook.builder(receiver.url()).secret(secret).build())
        .delivery(FAST).concurrency(1).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.ABORTED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).contains("HTTP 401")
        .contains("check the webhook URL and its credentials"));
    assertThat(receiver.requests).as("no split, no retry: every request would be refused").isEqualTo(1);
  }

  @Test
  void sendsCustomHeadersAndOneRecordPerRequestWhenAsked() {
    Webhook hook = Webhook.builder(receiver.url()).secret(secret).recordsPerRequest(1)
        .header("X-Team", "growth").header("Authorization", "Token abc").build();

    SyncReport report = Sync.from(SyntheticSource.of(7)).to(hook).build().run();

    assertThat(report.delivered()).isEqualTo(7);
    assertThat(receiver.requests).isEqualTo(7);
    assertThat(receiver.requestHeaders).allSatisfy(headers -> {
      assertThat(headers).containsEntry("X-Team", "growth").containsEntry("Authorization", "Token abc");
      assertThat(headers.get("Content-Type")).startsWith("application/json");
    });
  }

  @Test
  void retriesARequestThatTimesOutWithTheSameMessageId() {
    receiver.stallNext(3_000);
    Webhook hook = Webhook.builder(receiver.url()).secret(secret).timeout(Duration.ofMillis(500)).build();

    SyncReport report = Sync.from(SyntheticSource.of(10)).to(hook).delivery(FAST).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(receiver.records()).hasSize(10);
    assertThat(receiver.requestHeaders).as("the stalled request and its retry").hasSizeGreaterThanOrEqualTo(2)
        .extracting(h -> h.get("webhook-id")).containsOnly(receiver.requestHeaders.get(0).get("webhook-id"));
  }
}
