package dev.sluice.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.http.AuthProvider;
import dev.sluice.testkit.SyntheticSource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** URLs refused at build time with masked messages; echoed credentials masked in every form. */
class WebhookHardeningTest {

  @Test
  void refusesUserInfoInTheUrlWithoutShowingThePassword() {
    assertThatThrownBy(() -> Webhook.builder("https://ada:hunter2-very-secret@hooks.example.com/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user-info")
        .hasMessageContaining("AuthProvider.basic")
        .hasMessageNotContaining("hunter2-very-secret");
  }

  @Test
  void allowsPlainHttpOnlyToLoopback() {
    assertThatThrownBy(() -> Webhook.builder("http://hooks.example.com/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only to loopback")
        .hasMessageContaining("use https://");
    assertThatThrownBy(() -> Webhook.builder("http://10.0.0.7/x")).hasMessageContaining("only to loopback");
    for (String ok : List.of("http://localhost:8080/x", "http://127.0.0.1/x", "http://[::1]:9000/x", "https://h.example.com/x")) {
      assertThat(Webhook.builder(ok).build().identity()).startsWith("webhook http");
    }
  }

  @Test
  void aMalformedUrlIsShownMaskedWithWhatToFix() {
    assertThatThrownBy(() -> Webhook.builder("https://hooks.example.com/a b?token=tok-sekrit-123"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a valid URL")
        .hasMessageContaining("percent-encode")
        .hasMessageContaining("token=***")
        .hasMessageNotContaining("tok-sekrit-123");
    assertThatThrownBy(() -> Webhook.builder("ftp://hooks.example.com/x")).hasMessageContaining("must start with https://");
  }

  @Test
  void echoedCredentialsAndRedirectLocationsAreMaskedInEveryForm() throws Exception {
    String bearer = "bearer-tok/with+odd=chars\"and\\slash";
    String urlToken = "url-token-4f9a77";
    WebhookSecret secret = WebhookSecret.generate();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
    List<String> reported = new ArrayList<>();
    try (TestReceiver receiver = new TestReceiver(WebhookVerifier.of(secret))) {
      String encodedBearer = URLEncoder.encode(bearer, StandardCharsets.UTF_8);
      String jsonBearer = bearer.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/");
      receiver.respondNextWithBody(503, "{\"echo\":\"" + jsonBearer + "\"}");
      receiver.respondNextWithBody(400, "raw " + bearer + " encoded " + encodedBearer
          + " lower " + encodedBearer.toLowerCase() + " url " + urlToken);
      Webhook hook = Webhook.builder(receiver.url() + "?token=" + urlToken).secret(secret)
          .auth(AuthProvider.bearer(bearer)).recordsPerRequest(10).build();
      DeliveryPolicy fast = DeliveryPolicy.custom().backoff(Duration.ofMillis(1), Duration.ofMillis(2)).build();

      SyncReport report = Sync.from(SyntheticSource.of(30)).to(hook).named("echo").concurrency(1)
          .delivery(fast).build().run();
      receiver.respondNext(302, "Location", "https://elsewhere.example.com/hook?token=" + urlToken + "&sig=" + encodedBearer);
      SyncReport redirected = Sync.from(SyntheticSource.of(5)).to(hook).named("echo-redirect").delivery(fast).build().run();

      assertThat(redirected.status()).isEqualTo(SyncReport.Status.ABORTED);
      assertThat(redirected.failure()).get().asString().contains("redirects to https://elsewhere.example.com/hook?token=***");
      for (SyncReport r : List.of(report, redirected)) {
        reported.add(r.toString());
        r.failure().ifPresent(reported::add);
        r.failedRecords().forEach(e -> reported.add(e.reason()));
      }
      reported.add(hook.describe());
      reported.add(hook.identity());
      assertThat(receiver.targets).as("the token still reaches the receiver").isNotEmpty()
          .allMatch(target -> target.endsWith("?token=" + urlToken));
    } finally {
      root.detachAppender(captured);
      root.setLevel(before);
    }
    List<String> lines = new ArrayList<>(reported);
    // Every logger at DEBUG, HttpClient's own included (its transport logs each request line).
    captured.list.forEach(e -> lines.add(e.getFormattedMessage()
            + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())));
    assertThat(captured.list).hasSizeGreaterThan(10);
    assertThat(captured.list.stream().filter(e -> e.getLoggerName().startsWith("org.apache.hc"))
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(bearer)).toList())
        .as("HttpClient's own lines never show the bearer token").isEmpty();
    List<String> forms = List.of(bearer, URLEncoder.encode(bearer, StandardCharsets.UTF_8),
        URLEncoder.encode(bearer, StandardCharsets.UTF_8).toLowerCase(), "with+odd=chars\\\"and", urlToken);
    for (String form : forms) {
      assertThat(lines.stream().filter(line -> line.contains(form)).toList()).as("lines showing %s", form).isEmpty();
    }
  }
}
