package dev.sluice.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.testkit.SluiceArchitecture;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

  // The specification's published test vector.
  private static final WebhookSecret SECRET = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330;
  private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
  private static final Clock AT_TIMESTAMP = Clock.fixed(Instant.ofEpochSecond(TIMESTAMP), ZoneOffset.UTC);

  @Test
  void signsTheSpecificationsTestVector() {
    assertThat(WebhookSigner.of(SECRET).signature(ID, TIMESTAMP, BODY))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void verifiesTheTestVectorAndSignaturesOfRotatingSecrets() {
    WebhookSecret next = WebhookSecret.generate();
    String both = WebhookSigner.of(next, SECRET).signature(ID, TIMESTAMP, BODY);

    WebhookVerifier.of(AT_TIMESTAMP, SECRET).verify(headers(both, TIMESTAMP), BODY);
    WebhookVerifier.of(AT_TIMESTAMP, next).verify(headers(both, TIMESTAMP), BODY);
    assertThat(both.split(" ")).hasSize(2);
  }

  @Test
  void rejectsAWrongSignatureAnOldTimestampAndAMissingHeader() {
    WebhookVerifier verifier = WebhookVerifier.of(AT_TIMESTAMP, SECRET);
    String signature = WebhookSigner.of(SECRET).signature(ID, TIMESTAMP, BODY);

    assertThatThrownBy(() -> verifier.verify(headers(signature, TIMESTAMP), "{\"test\": 1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(WebhookVerificationException.class).hasMessageContaining("no signature");
    long old = TIMESTAMP - 301;
    assertThatThrownBy(() -> verifier.verify(headers(WebhookSigner.of(SECRET).signature(ID, old, BODY), old), BODY))
        .hasMessageContaining("more than 5 minutes away");
    assertThatThrownBy(() -> verifier.verify(Map.of("webhook-id", ID, "webhook-timestamp", "1614265330"), BODY))
        .hasMessage("the webhook-signature header is missing");
  }

  @Test
  void refusesMalformedSecretsWithoutEchoingThem() {
    assertThatThrownBy(() -> WebhookSecret.parse("sk_not-a-webhook-secret")).hasMessage("a webhook secret starts with 'whsec_'")
        .message().doesNotContain("not-a-webhook-secret");
    assertThatThrownBy(() -> WebhookSecret.parse("whsec_c2hvcnQ=")).hasMessageContaining("24 to 64 bytes");
    assertThat(SECRET.toString()).doesNotContain("MfKQ9r8G");
  }

  @Test
  void usesOnlyTheApiAndSpi() {
    SluiceArchitecture.check("dev.sluice.webhook");
  }

  private static Map<String, String> headers(String signature, long timestamp) {
    return Map.of("Webhook-Id", ID, "Webhook-Timestamp", Long.toString(timestamp), "Webhook-Signature", signature);
  }
}
