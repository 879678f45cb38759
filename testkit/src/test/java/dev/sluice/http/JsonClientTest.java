package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RateLimitedException;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class JsonClientTest {

  private final MockWebServer server = new MockWebServer();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));

  @BeforeEach
  void start() throws Exception {
    server.start(0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private JsonClient client(AuthProvider auth) {
    return JsonClient.builder(server.url("/").toString()).auth(auth).clock(clock)
        .responseTimeout(Duration.ofMillis(500)).build();
  }

  private static MockResponse respond(int code, String body, String... headers) {
    return new MockResponse.Builder().code(code).headers(Headers.of(headers)).body(body).build();
  }

  @Test
  void everyRequestTakesAPermitFromTheBudgetAndReportsItsEndTheResendAfterA401Included() {
    dev.sluice.delivery.RollingWindowRateLimiter budget = dev.sluice.delivery.RollingWindowRateLimiter
        .builder("api", 100, Duration.ofSeconds(10)).clock(clock, clock::advance).build();
    AuthProvider refreshing = new AuthProvider() {
      @Override
      public java.util.Map<String, String> headers() {
        return java.util.Map.of();
      }

      @Override
      public boolean refreshAfterUnauthorized(JsonResponse response) {
        return true;
      }
    };
    dev.sluice.delivery.RequestCounter run = new dev.sluice.delivery.RequestCounter();
    dev.sluice.delivery.RequestCounter.Binding bound = run.bind();
    try (JsonClient api = JsonClient.builder(server.url("/").toString()).auth(refreshing).rateLimiter(budget).build()) {
      server.enqueue(respond(200, "{}"));
      server.enqueue(respond(401, "{}"));
      server.enqueue(respond(200, "{}"));
      server.enqueue(respond(503, "{}"));

      api.get("/a");
      api.post("/b", java.util.Map.of("k", 1));
      api.get("/c");

      assertThat(server.getRequestCount()).isEqualTo(4);
      assertThat(budget.getMetrics().getAvailablePermissions()).as("one permit per request").isEqualTo(96);
      assertThat(budget.inFlight()).as("each reported its end").isZero();
      assertThat(run.figures().requests()).isEqualTo(4);
      assertThat(api.rateLimiter()).containsSame(budget);
    } finally {
      bound.close();
    }
  }

  @Test
  void aBudgetThatGrantsNoPermitWithinItsTimeoutFailsTheRequestAsRateLimitedWithoutSendingIt() {
    dev.sluice.delivery.RollingWindowRateLimiter budget = dev.sluice.delivery.RollingWindowRateLimiter
        .builder("api", 1, Duration.ofSeconds(10)).clock(clock, clock::advance).timeout(Duration.ofSeconds(1)).build();
    try (JsonClient api = JsonClient.builder(server.url("/").toString()).rateLimiter(budget).build()) {
      server.enqueue(respond(200, "{}"));
      api.get("/a");

      assertThatThrownBy(() -> api.get("/b")).isInstanceOfSatisfying(RateLimitedException.class, e -> {
        assertThat(e).hasMessageContaining("the rate limit 'api' granted no permit for GET /b within its timeout of PT1S");
        assertThat(e.requestedWait()).isEmpty();
      });
      assertThat(server.getRequestCount()).isEqualTo(1);
    }
  }

  @Test
  void classifiesStatusesAsConnectorsNeed() {
    try (JsonClient api = client(AuthProvider.none())) {
      for (int code : new int[] {200, 201, 204, 207}) {
        server.enqueue(respond(code, ""));
        assertThat(api.get("/x").throwIfFailed().status()).isEqualTo(code);
      }
      for (int code : new int[] {408, 500, 502, 503}) {
        server.enqueue(respond(code, "{\"message\":\"busy\"}"));
        assertThatThrownBy(() -> api.get("/x").throwIfFailed())
            .isExactlyInstanceOf(RetryableDestinationException.class)
            .hasMessage("HTTP " + code + " from GET /x: {\"message\":\"busy\"}");
      }
      for (int code : new int[] {400, 401, 403, 404, 410, 422}) {
        server.enqueue(respond(code, ""));
        assertThatThrownBy(() -> api.get("/x").throwIfFailed()).isInstanceOf(PermanentDestinationException.class);
      }
    }
  }

  @Test
  void timesRequestsByStatus() {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    try (JsonClient api = JsonClient.builder(server.url("/").toString()).metrics(registry, "crm").build()) {
      server.enqueue(respond(200, "{}"));
      server.enqueue(respond(503, "{}"));
      api.get("/x");
      api.get("/x");
    }
    assertThat(registry.get(dev.sluice.observe.MetricNames.HTTP_REQUESTS).tag("destination", "crm").tag("status", "200")
        .timer().count()).isEqualTo(1);
    assertThat(registry.get(dev.sluice.observe.MetricNames.HTTP_REQUESTS).tag("status", "503").timer().count()).isEqualTo(1);
  }

  @Test
  void readsRetryAfterInSecondsAndAsAnHttpDateOnEveryRetryableStatus() {
    try (JsonClient api = client(AuthProvider.none())) {
      server.enqueue(respond(429, "", "Retry-After", "7"));
      server.enqueue(respond(429, "", "Retry-After",
          DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().plusSeconds(90).atZone(ZoneOffset.UTC))));
      server.enqueue(respond(503, "", "Retry-After", "1"));
      server.enqueue(respond(502, ""));

      assertThatThrownBy(() -> api.get("/x").throwIfFailed()).isInstanceOfSatisfying(RateLimitedException.class,
          e -> assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
      assertThatThrownBy(() -> api.get("/x").throwIfFailed()).isInstanceOfSatisfying(RateLimitedException.class,
          e -> assertThat(e.requestedWait()).hasValue(Duration.ofSeconds(90)));
      assertThatThrownBy(() -> api.get("/x").throwIfFailed())
          .isInstanceOfSatisfying(dev.sluice.destination.RetryableDestinationException.class,
              e -> assertThat(e.requestedWait()).as("a 503 asks for time too").hasValue(Duration.ofSeconds(1)));
      assertThatThrownBy(() -> api.get("/x").throwIfFailed())
          .isInstanceOfSatisfying(dev.sluice.destination.RetryableDestinationException.class,
              e -> assertThat(e.requestedWait()).isEmpty());
    }
  }

  @Test
  void ignoresRetryAfterValuesThatAskForNoTimeOrCannotBeRead() {
    try (JsonClient api = client(AuthProvider.none())) {
      for (String value : java.util.List.of("0", "-1", "soon", "",
          DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().minusSeconds(5).atZone(ZoneOffset.UTC)))) {
        server.enqueue(respond(429, "", "Retry-After", value));
        assertThatThrownBy(() -> api.get("/x").throwIfFailed()).as("Retry-After: '%s'", value)
            .isInstanceOfSatisfying(RateLimitedException.class, e -> {
              assertThat(e.retryAfter()).isZero();
              assertThat(e.requestedWait()).as("the engine's backoff applies").isEmpty();
            });
      }
    }
  }

  @Test
  void turnsTimeoutsResetsAndMalformedBodiesIntoRetryableFailures() {
    try (JsonClient api = client(AuthProvider.none())) {
      server.enqueue(new MockResponse.Builder().code(200).body("{}").headersDelay(3, TimeUnit.SECONDS).build());
      assertThatThrownBy(() -> api.get("/slow")).isInstanceOf(RetryableDestinationException.class)
          .hasMessageContaining("calling GET /slow failed");

      server.enqueue(new MockResponse.Builder().code(200).body("{}").onResponseStart(new SocketEffect.CloseSocket()).build());
      assertThatThrownBy(() -> api.get("/reset")).isInstanceOf(RetryableDestinationException.class);

      server.enqueue(respond(200, "<html>gateway hiccup</html>"));
      assertThatThrownBy(() -> api.get("/html").json()).isInstanceOf(RetryableDestinationException.class)
          .hasMessageContaining("is not valid JSON");
    }
  }

  @Test
  void sendsJsonWithCredentials() throws Exception {
    try (JsonClient api = client(AuthProvider.bearer("tok-123"))) {
      server.enqueue(respond(200, "{\"ok\":true,\"n\":1.10}"));

      JsonResponse response = api.post("/items", Map.of("name", "ada"));

      RecordedRequest request = server.takeRequest();
      assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer tok-123");
      assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
      assertThat(request.getBody().utf8()).isEqualTo("{\"name\":\"ada\"}");
      assertThat(response.json().get("n").decimalValue()).isEqualByComparingTo("1.10");
    }
  }

  @Test
  void refreshesTheOAuthTokenAheadOfExpiryAndOnceAfterA401() throws Exception {
    TokenServer tokens = new TokenServer();
    server.setDispatcher(tokens);
    try (OAuth2RefreshTokenProvider oauth = OAuth2RefreshTokenProvider.builder(server.url("/").toString(), "/oauth/token")
            .client("app", "client-s3cret").refreshToken("refresh-s3cret").refreshAhead(Duration.ofMinutes(5))
            .clock(clock).build();
        JsonClient api = client(oauth)) {
      assertThat(api.get("/api").status()).isEqualTo(200);
      assertThat(tokens.lastAuthorization).isEqualTo("Bearer at-1");

      clock.advance(Duration.ofMinutes(54));
      api.get("/api");
      assertThat(tokens.lastAuthorization).as("still valid 6 minutes before expiry").isEqualTo("Bearer at-1");

      clock.advance(Duration.ofMinutes(2));
      api.get("/api");
      assertThat(tokens.lastAuthorization).as("refreshed 4 minutes before expiry").isEqualTo("Bearer at-2");
      assertThat(tokens.lastRefreshToken).as("the rotated refresh token is used").isEqualTo("rotated-1");

      tokens.rejectNextApiCall = true;
      assertThat(api.get("/api").status()).as("401, one refresh, sent again").isEqualTo(200);
      assertThat(tokens.lastAuthorization).isEqualTo("Bearer at-3");
      assertThat(oauth.refreshes()).isEqualTo(3);
      assertThat(tokens.lastRefreshToken).isEqualTo("rotated-2");
    }
  }

  @Test
  void stopsTheRunWhenTheRefreshTokenIsRefused() {
    server.enqueue(respond(400, "{\"error\":\"invalid_grant\",\"error_description\":\"expired refresh token\"}"));
    try (OAuth2RefreshTokenProvider oauth = OAuth2RefreshTokenProvider.builder(server.url("/").toString(), "/oauth/token")
        .client("app", "client-s3cret").refreshToken("refresh-s3cret").clock(clock).build()) {
      assertThatThrownBy(oauth::headers).isInstanceOfSatisfying(PermanentDestinationException.class, e -> {
        assertThat(e.stopsRun()).isTrue();
        assertThat(e.getMessage()).contains("invalid_grant").contains("renew the app's credentials")
            .doesNotContain("s3cret");
      });
    }
  }

  @Test
  void logsNoSecretAtDebug() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.sluice.http");
    Level before = logger.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    logger.addAppender(captured);
    logger.setLevel(Level.DEBUG);
    TokenServer tokens = new TokenServer();
    server.setDispatcher(tokens);
    try (OAuth2RefreshTokenProvider oauth = OAuth2RefreshTokenProvider.builder(server.url("/").toString(), "/oauth/token")
            .client("app", "client-s3cret-xyz").refreshToken("refresh-s3cret-xyz").clock(clock).build();
        JsonClient api = JsonClient.builder(server.url("/").toString()).auth(oauth).clock(clock).build();
        JsonClient basic = JsonClient.builder(server.url("/").toString())
            .auth(AuthProvider.basic("ada", "basic-s3cret-xyz")).build()) {
      api.post("/api?api_key=query-s3cret-xyz&page=2", Map.of("email", "a@x.io", "password", "body-s3cret-xyz",
          "nested", Map.of("access_token", "nested-s3cret-xyz")));
      tokens.rejectNextApiCall = true;
      api.get("/api");
      basic.get("/api");
    } finally {
      logger.detachAppender(captured);
      logger.setLevel(before);
    }

    List<String> logged = captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(logged).isNotEmpty().anySatisfy(line -> assertThat(line).contains("page=2").contains("a@x.io"));
    for (String secret : List.of("client-s3cret-xyz", "refresh-s3cret-xyz", "query-s3cret-xyz", "body-s3cret-xyz",
        "nested-s3cret-xyz", "basic-s3cret-xyz", "at-1", "at-2", "rotated-1",
        java.util.Base64.getEncoder().encodeToString("ada:basic-s3cret-xyz".getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
      assertThat(logged).as("logs must not contain %s", secret).noneMatch(line -> line.contains(secret));
    }
  }

  /** A token endpoint and an API that checks the bearer token. */
  private static final class TokenServer extends Dispatcher {
    volatile String lastAuthorization;
    volatile String lastRefreshToken;
    volatile boolean rejectNextApiCall;
    private int issued;

    @Override
    public synchronized MockResponse dispatch(RecordedRequest request) {
      if (request.getTarget().startsWith("/oauth/token")) {
        String form = request.getBody().utf8();
        lastRefreshToken = java.net.URLDecoder.decode(form.replaceAll(".*refresh_token=([^&]*).*", "$1"),
            java.nio.charset.StandardCharsets.UTF_8);
        issued++;
        return respond(200, "{\"access_token\":\"at-" + issued + "\",\"expires_in\":3600,"
            + "\"refresh_token\":\"rotated-" + issued + "\",\"token_type\":\"bearer\"}");
      }
      lastAuthorization = request.getHeaders().get("Authorization");
      if (rejectNextApiCall) {
        rejectNextApiCall = false;
        return respond(401, "{\"status\":\"error\",\"message\":\"expired token\",\"category\":\"EXPIRED_AUTHENTICATION\"}");
      }
      return respond(200, "{\"ok\":true,\"token\":\"response-token-is-masked\"}");
    }
  }
}
