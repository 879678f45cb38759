package dev.sluice.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.http.OAuth2RefreshTokenProvider;
import dev.sluice.testkit.hubspot.HubSpotFake;
import dev.sluice.testkit.InMemorySource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Everything logged at DEBUG and reported during HubSpot syncs, scanned for the credentials. */
class HubSpotSecretScanTest {

  @Test
  void neitherLogsNorReportsTokensOrClientSecrets() {
    String token = "pat-na1-11111111-2222-3333-4444-555555555555";
    String clientSecret = "client-secret-9f8e7d6c";
    String refreshToken = "refresh-token-0a1b2c3d";
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
    List<String> reported = new ArrayList<>();
    try (HubSpotFake fake = HubSpotFake.start().acceptToken(token).oauth(refreshToken, Duration.ofMinutes(30))) {
      Fakes.defineCustomerProperties(fake);
      InMemorySource source = InMemorySource.create()
          .put("a", Map.of("email", "a@example.com"))
          .put("b", Map.of("email", "not-an-email"));
      fake.respondNext(503, "{\"status\":\"error\",\"message\":\"echo Bearer " + token + "\",\"category\":\"INTERNAL_ERROR\"}");

      SyncReport withToken = Sync.from(source).to(Fakes.contacts(fake).privateAppToken(token).build())
          .named("scan-token").delivery(Fakes.FAST).build().run();
      OAuth2RefreshTokenProvider oauth = OAuth2RefreshTokenProvider.builder(fake.baseUrl(), "/oauth/v1/token")
          .client("client-id", clientSecret).refreshToken(refreshToken).build();
      SyncReport withOAuth = Sync.from(source).to(HubSpot.builder("contacts").baseUrl(fake.baseUrl()).oauth(oauth)
          .idProperty("external_id").build()).named("scan-oauth").delivery(Fakes.FAST).build().run();
      SyncReport refused = Sync.from(source).to(Fakes.contacts(fake).privateAppToken(token + "-revoked").build())
          .named("scan-refused").delivery(Fakes.FAST).build().run();

      assertThat(withToken.delivered()).isEqualTo(1);
      assertThat(withOAuth.delivered()).isEqualTo(1);
      assertThat(refused.status()).isEqualTo(SyncReport.Status.FAILED);
      for (SyncReport r : List.of(withToken, withOAuth, refused)) {
        reported.add(r.toString());
        r.failure().ifPresent(reported::add);
        r.failedRecords().forEach(e -> reported.add(e.reason()));
      }
    } finally {
      root.detachAppender(captured);
      root.setLevel(before);
    }

    List<String> lines = new ArrayList<>(reported);
    captured.list.forEach(e -> lines.add(e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())));
    assertThat(captured.list).as("DEBUG lines captured").hasSizeGreaterThan(10);
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("Authorization=***"));
    for (String secret : List.of(token, clientSecret, refreshToken)) {
      assertThat(lines.stream().filter(line -> line.contains(secret)).toList()).as("lines showing %s", secret).isEmpty();
    }
  }

  @Test
  void echoesOfCredentialsRawUrlEncodedOrJsonEscapedAreMaskedEverywhere() {
    String clientSecret = "cs/with+plus=\"quote\"&amp";
    String refreshToken = "rt:with spaces/and\\backslash";
    String urlClientSecret = URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
    String urlRefresh = URLEncoder.encode(refreshToken, StandardCharsets.UTF_8).replace("+", "%20");
    String jsonClientSecret = clientSecret.replace("\\", "\\\\").replace("\"", "\\\"");
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
    List<String> reported = new ArrayList<>();
    try (HubSpotFake fake = HubSpotFake.start().oauth(refreshToken, Duration.ofMinutes(30))) {
      Fakes.defineCustomerProperties(fake);
      InMemorySource source = InMemorySource.create().put("a", Map.of("score", 1)).put("b", Map.of("score", 2));
      // A gateway echoes what it saw: URL-encoded in one message, JSON-escaped in another, raw in a third.
      fake.respondNext(400, "{\"status\":\"error\",\"category\":\"VALIDATION_ERROR\",\"message\":\"form was client_secret="
          + urlClientSecret + "&refresh_token=" + urlRefresh + " json " + jsonClientSecret + "\"}");
      fake.respondNext(400, "{\"status\":\"error\",\"category\":\"VALIDATION_ERROR\",\"message\":\"raw "
          + jsonClientSecret + " lower " + urlClientSecret.toLowerCase() + "\"}");
      OAuth2RefreshTokenProvider oauth = OAuth2RefreshTokenProvider.builder(fake.baseUrl(), "/oauth/v1/token")
          .client("client-id", clientSecret).refreshToken(refreshToken).build();
      SyncReport report = Sync.from(source).to(HubSpot.builder("contacts").baseUrl(fake.baseUrl()).oauth(oauth)
          .idProperty("external_id").build()).named("scan-forms").delivery(Fakes.FAST).build().run();

      // The first echo answers the token refresh itself: the run fails, saying so with the secrets masked.
      assertThat(report.status()).isEqualTo(SyncReport.Status.FAILED);
      reported.add(report.toString());
      report.failure().ifPresent(reported::add);
      report.failedRecords().forEach(e -> reported.add(e.reason()));
    } finally {
      root.detachAppender(captured);
      root.setLevel(before);
    }
    List<String> lines = new ArrayList<>(reported);
    captured.list.forEach(e -> lines.add(e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())));
    assertThat(reported).anySatisfy(line -> assertThat(line).contains("client_secret=***"));
    for (String form : List.of(clientSecret, refreshToken, urlClientSecret, urlClientSecret.toLowerCase(), urlRefresh,
        jsonClientSecret, "with+plus", "with%2Bplus", "spaces/and")) {
      assertThat(lines.stream().filter(line -> line.contains(form)).toList()).as("lines showing %s", form).isEmpty();
    }
  }
}
