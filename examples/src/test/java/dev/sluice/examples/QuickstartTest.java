package dev.sluice.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.webhook.WebhookSecret;
import dev.sluice.webhook.WebhookSigner;
import dev.sluice.webhook.WebhookVerifier;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {

  @Test
  void sendsEverythingThenNothingThenOnlyTheChangedRowsOverAVerifiedWebhook(@TempDir Path dir) throws Exception {
    String first = run(dir.resolve("warehouse.duckdb"));

    assertThat(first)
        .contains("Created the demo warehouse")
        .contains("Started a webhook receiver that verifies every signature: POST http://127.0.0.1:")
        .contains("receiver verified and applied 200 requests, 100000 records; refused 0")
        .contains("SUCCEEDED: read 100000, added 100000, updated 0, deleted 0, unchanged 0, delivered 100000, failed 0")
        .contains("receiver verified and applied 0 requests, 0 records; refused 0")
        .contains("SUCCEEDED: read 100000, added 0, updated 0, deleted 0, unchanged 100000, delivered 0, failed 0")
        .contains("SUCCEEDED: read 100000, added 0, updated 3, deleted 0, unchanged 99997, delivered 3, failed 0")
        .contains("-> sluice.upsert 1 {email=customer1@example.com, full_name=Customer 1, plan=starter, ltv=12.34, score=32,")
        .contains("receiver verified and applied 1 request, 3 records; refused 0")
        .contains("The receiver holds 100000 customers from this invocation; customer 1 is {email=customer1@example.com,");

    String second = run(dir.resolve("warehouse.duckdb"));

    assertThat(second).contains("Using the demo warehouse")
        .contains("SUCCEEDED: read 100000, added 0, updated 0, deleted 0, unchanged 100000, delivered 0, failed 0")
        .contains("added 0, updated 3, deleted 0, unchanged 99997, delivered 3")
        .contains("The receiver holds 3 customers from this invocation");
  }

  @Test
  void theReceiverRefusesWhatIsNotSignedWithItsSecretAndAppliesAMessageOnce() throws Exception {
    WebhookSecret secret = WebhookSecret.generate();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (DemoReceiver receiver = new DemoReceiver(WebhookVerifier.of(secret),
        new PrintStream(printed, true, StandardCharsets.UTF_8))) {
      byte[] body = "{\"type\":\"sluice.upsert\",\"data\":{\"records\":[{\"key\":\"7\",\"fields\":{\"plan\":\"pro\"}}]}}"
          .getBytes(StandardCharsets.UTF_8);
      long now = Instant.now().getEpochSecond();

      int forged = post(receiver, body, "msg_1", now, WebhookSigner.of(WebhookSecret.generate()));
      int signed = post(receiver, body, "msg_1", now, WebhookSigner.of(secret));
      int again = post(receiver, body, "msg_1", now, WebhookSigner.of(secret));
      receiver.printReceived();

      assertThat(forged).isEqualTo(401);
      assertThat(signed).isEqualTo(204);
      assertThat(again).isEqualTo(204);
      assertThat(receiver.size()).isEqualTo(1);
      assertThat(printed.toString(StandardCharsets.UTF_8))
          .contains("-> sluice.upsert 7 {plan=pro}")
          .contains("receiver verified and applied 1 request, 1 records; refused 1");
    }
  }

  @Test
  void helpAndTheOptionsParseWithoutRunningAnything() {
    assertThat(Quickstart.Options.parse("--help").help).isTrue();
    assertThat(Quickstart.Options.parse("-h").help).isTrue();
    Quickstart.Options options = Quickstart.Options.parse("--progress", "--change", "250", "--warehouse", "w.duckdb");
    assertThat(options.progress).isTrue();
    assertThat(options.change).isEqualTo(250);
    assertThat(options.warehouse).isEqualTo(Path.of("w.duckdb"));
    assertThat(Quickstart.USAGE).contains("--warehouse PATH", "--change N", "--progress", "--help");
  }

  @Test
  void aBadOptionSaysWhatIsWrongInOneLine() {
    assertThatThrownBy(() -> Quickstart.Options.parse("--change", "lots"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option --change needs a whole number, such as 250; 'lots' is not one");
    assertThatThrownBy(() -> Quickstart.Options.parse("--change", "-5"))
        .hasMessage("option --change takes 0 to 100000 (the customers in the demo warehouse); -5 is out of range");
    assertThatThrownBy(() -> Quickstart.Options.parse("--change", "--progress"))
        .hasMessage("option --change needs a value");
    assertThatThrownBy(() -> Quickstart.Options.parse("--warehouse"))
        .hasMessage("option --warehouse needs a value");
    assertThatThrownBy(() -> Quickstart.Options.parse("--verbose"))
        .hasMessage("unknown option '--verbose'; the options are --warehouse PATH, --change N, --progress and --help");
  }

  private static int post(DemoReceiver receiver, byte[] body, String id, long timestamp, WebhookSigner signer)
      throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(receiver.url()))
        .header("webhook-id", id)
        .header("webhook-timestamp", Long.toString(timestamp))
        .header("webhook-signature", signer.signature(id, timestamp, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String run(Path warehouse) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Quickstart.run(warehouse, 3, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
