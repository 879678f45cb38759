package dev.sluice.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.http.AuthProvider;
import dev.sluice.http.JsonClient;
import dev.sluice.http.JsonResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access token of one {@link SalesforceAuth} flow and the instance URL it names. The token
 * is fetched on first use; Salesforce states no expiry, so it is fetched again when an API call
 * answers 401 ({@code INVALID_SESSION_ID}), and that call is sent once more. A refused grant stops
 * the run with Salesforce's {@code error_description}. Thread-safe.
 */
final class Session implements AuthProvider, AutoCloseable {

  /** How far ahead a JWT assertion expires. */
  static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(3);

  private static final Logger log = LoggerFactory.getLogger(Session.class);

  private final SalesforceAuth auth;
  private final JsonClient tokenClient;
  private final Clock clock;
  private String accessToken;
  private String instanceUrl;
  private String lastAssertion;
  private int tokens;

  Session(SalesforceAuth auth, Clock clock, Duration timeout) {
    this.auth = auth;
    this.clock = clock;
    // The token client masks what this session holds now: the assertion it posts, the token it gets.
    AuthProvider masking = new AuthProvider() {
      @Override
      public Map<String, String> headers() {
        return Map.of();
      }

      @Override
      public Set<String> secrets() {
        return Session.this.secrets();
      }
    };
    JsonClient.Builder b = JsonClient.builder(auth.tokenUrl).auth(masking).clock(clock).responseTimeout(timeout)
        .userAgent("sluice-salesforce");
    auth.secrets().forEach(b::secret);
    this.tokenClient = b.build();
  }

  @Override
  public synchronized Map<String, String> headers() {
    if (accessToken == null) {
      fetch();
    }
    return Map.of("Authorization", "Bearer " + accessToken);
  }

  @Override
  public synchronized boolean refreshAfterUnauthorized(JsonResponse response) {
    log.debug("Salesforce answered 401 ({}); signing in again", response.excerpt());
    fetch();
    return true;
  }

  @Override
  public synchronized Set<String> secrets() {
    Set<String> all = new LinkedHashSet<>(auth.secrets());
    if (accessToken != null) {
      all.add(accessToken);
    }
    if (lastAssertion != null) {
      all.add(lastAssertion);
    }
    return all;
  }

  /** The org's instance URL from the token answer, signing in first if needed. */
  synchronized String instanceUrl() {
    if (instanceUrl == null) {
      fetch();
    }
    return instanceUrl;
  }

  /** Access tokens fetched so far. */
  synchronized int tokens() {
    return tokens;
  }

  private void fetch() {
    Map<String, String> form = new LinkedHashMap<>();
    Map<String, String> headers = Map.of();
    switch (auth.flow) {
      case JWT_BEARER:
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        lastAssertion = assertion();
        form.put("assertion", lastAssertion);
        break;
      case CLIENT_CREDENTIALS:
        form.put("grant_type", "client_credentials");
        headers = Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (auth.consumerKey + ":" + auth.consumerSecret).getBytes(StandardCharsets.UTF_8)));
        break;
      default:
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", auth.refreshToken);
        form.put("client_id", auth.consumerKey);
        if (auth.consumerSecret != null) {
          form.put("client_secret", auth.consumerSecret);
        }
        break;
    }
    JsonResponse response = tokenClient.send("POST", "/services/oauth2/token", formBody(form),
        "application/x-www-form-urlencoded", headers);
    if (response.status() == 400 || response.status() == 401 || response.status() == 403) {
      JsonNode body = safeJson(response);
      String error = body.path("error").asText("HTTP " + response.status());
      String description = body.path("error_description").asText(response.excerpt());
      throw PermanentDestinationException.stopsRun("Salesforce refused the " + auth.flow.label + " sign-in (" + error
          + ": " + description + "); " + advice());
    }
    JsonNode body = response.throwIfFailed().json();
    String token = body.path("access_token").asText("");
    String instance = body.path("instance_url").asText("");
    if (token.isEmpty() || instance.isEmpty()) {
      throw PermanentDestinationException.stopsRun("Salesforce's token endpoint answered without access_token or"
          + " instance_url");
    }
    accessToken = token;
    if (instanceUrl == null) {
      instanceUrl = instance.endsWith("/") ? instance.substring(0, instance.length() - 1) : instance;
    }
    tokens++;
  }

  private String advice() {
    switch (auth.flow) {
      case JWT_BEARER:
        return "check the consumer key and username, that the connected app holds the certificate of this private key,"
            + " and that the user is pre-approved (connected app policies: \"Admin approved users are pre-authorized\","
            + " with the user's profile or permission set added)";
      case CLIENT_CREDENTIALS:
        return "check the consumer key and secret, that the connected app enables the client credentials flow with a"
            + " Run As user, and that the token URL is the org's My Domain";
      default:
        return "the refresh token was revoked or expired, or the consumer key is wrong: authorise the app again to get"
            + " a new refresh token";
    }
  }

  private String assertion() {
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String header = url.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", auth.consumerKey);
    claims.put("sub", auth.username);
    claims.put("aud", auth.audience);
    claims.put("exp", clock.instant().plus(ASSERTION_LIFETIME).getEpochSecond());
    String payload = url.encodeToString(tokenClient.toJson(claims).getBytes(StandardCharsets.UTF_8));
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(auth.privateKey);
      signer.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
      return header + "." + payload + "." + url.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw PermanentDestinationException.stopsRun("the JWT assertion could not be signed with the private key: "
          + e.getClass().getSimpleName());
    }
  }

  private static byte[] formBody(Map<String, String> fields) {
    StringBuilder form = new StringBuilder();
    fields.forEach((name, value) -> form.append(form.length() == 0 ? "" : "&")
        .append(java.net.URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
        .append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return form.toString().getBytes(StandardCharsets.UTF_8);
  }

  static JsonNode safeJson(JsonResponse response) {
    try {
      return response.json();
    } catch (RuntimeException e) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  @Override
  public void close() {
    tokenClient.close();
  }

  @Override
  public String toString() {
    return "Salesforce session (" + auth + ")";
  }
}
