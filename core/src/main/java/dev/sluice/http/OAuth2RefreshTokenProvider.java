package dev.sluice.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.destination.PermanentDestinationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * OAuth 2.0 access tokens from a refresh token ({@code grant_type=refresh_token}), as HubSpot and
 * Salesforce issue them. The access token is fetched on first use and refreshed
 * {@link Builder#refreshAhead(Duration) ahead} of its {@code expires_in}; when an API answers 401
 * anyway (a token revoked early), it is refreshed once and the request sent again. A refresh
 * token the server rotates is kept. Thread-safe.
 *
 * <p>A refused refresh ({@code 400 invalid_grant}, a wrong client secret) stops the run with a
 * message to renew the credentials; a 5xx or a network failure is retryable.
 */
public final class OAuth2RefreshTokenProvider implements AuthProvider, AutoCloseable {

  /** How long before expiry the token is refreshed, unless configured. */
  public static final Duration DEFAULT_REFRESH_AHEAD = Duration.ofMinutes(5);

  private final JsonClient tokenClient;
  private final String tokenPath;
  private final String clientId;
  private final String clientSecret;
  private final Duration refreshAhead;
  private final Clock clock;
  private String refreshToken;
  private String accessToken;
  private Instant expiresAt = Instant.MIN;
  private int refreshes;

  private OAuth2RefreshTokenProvider(Builder b) {
    this.tokenPath = b.tokenPath;
    this.clientId = b.clientId;
    this.clientSecret = b.clientSecret;
    this.refreshToken = b.refreshToken;
    this.refreshAhead = b.refreshAhead;
    this.clock = b.clock;
    JsonClient.Builder tokens = JsonClient.builder(b.tokenBaseUrl).secret(b.clientSecret).secret(b.refreshToken)
        .clock(b.clock);
    if (b.rateLimiter != null) {
      tokens.rateLimiter(b.rateLimiter);
    }
    this.tokenClient = tokens.build();
  }

  /**
   * Starts a provider for the token endpoint at {@code tokenBaseUrl} + {@code tokenPath}, such as
   * {@code https://api.hubapi.com} + {@code /oauth/v1/token}.
   *
   * @param tokenBaseUrl the token endpoint's base URL
   * @param tokenPath the token endpoint's path
   * @return a builder to configure it with
   */
  public static Builder builder(String tokenBaseUrl, String tokenPath) {
    return new Builder(tokenBaseUrl, tokenPath);
  }

  @Override
  public synchronized Map<String, String> headers() {
    if (accessToken == null || !clock.instant().isBefore(expiresAt.minus(refreshAhead))) {
      refresh();
    }
    return Map.of("Authorization", "Bearer " + accessToken);
  }

  @Override
  public synchronized boolean refreshAfterUnauthorized(JsonResponse response) {
    refresh();
    return true;
  }

  @Override
  public synchronized Set<String> secrets() {
    Set<String> secrets = new LinkedHashSet<>();
    secrets.add(clientSecret);
    secrets.add(refreshToken);
    if (accessToken != null) {
      secrets.add(accessToken);
    }
    return secrets;
  }

  /** {@return how many times a token was fetched} */
  public synchronized int refreshes() {
    return refreshes;
  }

  private void refresh() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    form.put("client_id", clientId);
    form.put("client_secret", clientSecret);
    JsonResponse response = tokenClient.postForm(tokenPath, form);
    if (response.status() == 400 || response.status() == 401) {
      throw new PermanentDestinationException("the OAuth token endpoint refused the refresh token (HTTP "
          + response.status() + ": " + response.excerpt() + "); renew the app's credentials", null, true);
    }
    JsonNode body = response.throwIfFailed().json();
    String token = body.path("access_token").asText(null);
    if (token == null || token.isEmpty()) {
      throw new PermanentDestinationException("the OAuth token endpoint answered without an access_token", null, true);
    }
    accessToken = token;
    long expiresIn = body.path("expires_in").asLong(0);
    expiresAt = expiresIn > 0 ? clock.instant().plusSeconds(expiresIn) : Instant.MAX;
    String rotated = body.path("refresh_token").asText(null);
    if (rotated != null && !rotated.isEmpty()) {
      refreshToken = rotated;
    }
    refreshes++;
  }

  @Override
  public void close() {
    tokenClient.close();
  }

  @Override
  public String toString() {
    return "OAuth2 refresh-token provider for client " + clientId + " (secrets redacted)";
  }

  /** Configures an {@link OAuth2RefreshTokenProvider}. */
  public static final class Builder {
    private final String tokenBaseUrl;
    private final String tokenPath;
    private String clientId;
    private String clientSecret;
    private String refreshToken;
    private Duration refreshAhead = DEFAULT_REFRESH_AHEAD;
    private Clock clock = Clock.systemUTC();
    private io.github.resilience4j.ratelimiter.RateLimiter rateLimiter;

    private Builder(String tokenBaseUrl, String tokenPath) {
      this.tokenBaseUrl = Objects.requireNonNull(tokenBaseUrl, "tokenBaseUrl");
      this.tokenPath = Objects.requireNonNull(tokenPath, "tokenPath");
    }

    /**
     * The app's client id and secret.
     *
     * @param id the client id
     * @param secret the secret
     * @return this builder
     */
    public Builder client(String id, String secret) {
      this.clientId = Objects.requireNonNull(id, "id");
      this.clientSecret = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /**
     * The refresh token the user's authorisation produced.
     *
     * @param token the token
     * @return this builder
     */
    public Builder refreshToken(String token) {
      this.refreshToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /**
     * How long before expiry to refresh; default {@link #DEFAULT_REFRESH_AHEAD}.
     *
     * @param ahead how long before expiry
     * @return this builder
     */
    public Builder refreshAhead(Duration ahead) {
      Objects.requireNonNull(ahead, "ahead");
      if (ahead.isNegative()) {
        throw new IllegalArgumentException("refreshAhead must not be negative, was " + ahead);
      }
      this.refreshAhead = ahead;
      return this;
    }

    /**
     * The clock that tells when a token expires; default the system clock.
     *
     * @param clock the clock to read the time from
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The budget token requests take their permits from, when the token endpoint is on a
     * rate-limited host (as the API's own budget counts them); default none.
     *
     * @param budget the budget
     * @return this builder
     */
    public Builder rateLimiter(io.github.resilience4j.ratelimiter.RateLimiter budget) {
      this.rateLimiter = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /**
     * Builds the provider.
     *
     * @return the provider
     * @throws IllegalStateException if the client credentials or the refresh token are missing
     */
    public OAuth2RefreshTokenProvider build() {
      if (clientId == null || refreshToken == null) {
        throw new IllegalStateException("set client(id, secret) and refreshToken(...) before build()");
      }
      return new OAuth2RefreshTokenProvider(this);
    }
  }
}
