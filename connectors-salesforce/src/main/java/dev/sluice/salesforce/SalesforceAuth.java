package dev.sluice.salesforce;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link Salesforce} destination signs in: one of Salesforce's OAuth 2.0 flows for
 * unattended integrations. Immutable; credentials are never logged or shown by {@link #toString()}.
 *
 * <ul>
 *   <li>{@link #jwtBearer(String, String, String)}: a connected app with a digital certificate;
 *       the destination signs a short-lived RS256 assertion ({@code iss} the consumer key,
 *       {@code sub} the username, {@code aud} the login URL, {@code exp} three minutes ahead) with
 *       the certificate's private key. The user must be pre-approved for the app. The recommended
 *       flow: no secret travels, nothing to renew.
 *   <li>{@link #clientCredentials(String, String, String)}: the app's consumer key and secret, sent to
 *       the org's My Domain URL (Salesforce refuses this flow on login.salesforce.com); the
 *       integration runs as the app's "Run As" user.
 *   <li>{@link #refreshToken(String, String, String)}: a refresh token from an earlier
 *       interactive authorisation.
 * </ul>
 */
public final class SalesforceAuth {

  /** Production login host. */
  public static final String LOGIN_URL = "https://login.salesforce.com";
  /** Sandbox login host. */
  public static final String SANDBOX_LOGIN_URL = "https://test.salesforce.com";

  enum Flow {
    JWT_BEARER("JWT bearer"), CLIENT_CREDENTIALS("client credentials"), REFRESH_TOKEN("refresh token");

    final String label;

    Flow(String label) {
      this.label = label;
    }
  }

  final Flow flow;
  final String consumerKey;
  final String consumerSecret;
  final String username;
  final PrivateKey privateKey;
  final String refreshToken;
  final String tokenUrl;
  final String audience;
  private final Set<String> secrets;

  private SalesforceAuth(Flow flow, String consumerKey, String consumerSecret, String username, PrivateKey privateKey,
      String refreshToken, String tokenUrl, String audience, Set<String> secrets) {
    this.flow = flow;
    this.consumerKey = consumerKey;
    this.consumerSecret = consumerSecret;
    this.username = username;
    this.privateKey = privateKey;
    this.refreshToken = refreshToken;
    this.tokenUrl = stripSlash(tokenUrl);
    this.audience = audience;
    this.secrets = Set.copyOf(secrets);
  }

  /**
   * The JWT bearer flow against {@value #LOGIN_URL} (see {@link #loginUrl(String)} for sandboxes).
   *
   * @param consumerKey the connected app's consumer key
   * @param username the Salesforce user to act as, pre-approved for the app
   * @param privateKeyPem the certificate's private key, PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----});
   *     convert a PKCS#1 key with {@code openssl pkcs8 -topk8 -nocrypt -in server.key}
   * @return the sign-in
   * @throws IllegalArgumentException when the key cannot be read
   */
  public static SalesforceAuth jwtBearer(String consumerKey, String username, String privateKeyPem) {
    requireText(consumerKey, "consumerKey");
    requireText(username, "username");
    requireText(privateKeyPem, "privateKeyPem");
    Set<String> secrets = new LinkedHashSet<>();
    secrets.add(privateKeyPem);
    String body = privateKeyPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    secrets.add(body);
    return new SalesforceAuth(Flow.JWT_BEARER, consumerKey, null, username, parseKey(privateKeyPem, body), null,
        LOGIN_URL, LOGIN_URL, secrets);
  }

  /**
   * The client credentials flow, sent to the org's My Domain URL.
   *
   * @param myDomainUrl such as {@code https://acme.my.salesforce.com}
   * @param consumerKey the connected app's consumer key
   * @param consumerSecret the connected app's consumer secret
   * @return the sign-in
   */
  public static SalesforceAuth clientCredentials(String myDomainUrl, String consumerKey, String consumerSecret) {
    requireText(myDomainUrl, "myDomainUrl");
    requireText(consumerKey, "consumerKey");
    requireText(consumerSecret, "consumerSecret");
    if (myDomainUrl.contains("://login.salesforce.com") || myDomainUrl.contains("://test.salesforce.com")) {
      throw new IllegalArgumentException("the client credentials flow must go to your My Domain URL (such as"
          + " https://acme.my.salesforce.com), not " + myDomainUrl + ": Salesforce refuses it there");
    }
    return new SalesforceAuth(Flow.CLIENT_CREDENTIALS, consumerKey, consumerSecret, null, null, null, myDomainUrl, null,
        Set.of(consumerSecret));
  }

  /**
   * The refresh token flow against {@value #LOGIN_URL} (see {@link #loginUrl(String)}).
   *
   * @param consumerKey the connected app's consumer key
   * @param consumerSecret the app's consumer secret, or null when the app does not require it
   * @param refreshToken the refresh token
   * @return the sign-in
   */
  public static SalesforceAuth refreshToken(String consumerKey, String consumerSecret, String refreshToken) {
    requireText(consumerKey, "consumerKey");
    requireText(refreshToken, "refreshToken");
    Set<String> secrets = new LinkedHashSet<>();
    secrets.add(refreshToken);
    if (consumerSecret != null) {
      secrets.add(consumerSecret);
    }
    return new SalesforceAuth(Flow.REFRESH_TOKEN, consumerKey, consumerSecret, null, null, refreshToken, LOGIN_URL, null,
        secrets);
  }

  /**
   * This flow against another login host: {@value #SANDBOX_LOGIN_URL} for a sandbox, the org's My
   * Domain, or a fake in tests. For the JWT bearer flow the assertion's {@code aud} stays
   * {@value #LOGIN_URL} unless the new host is {@value #SANDBOX_LOGIN_URL} (set it with
   * {@link #audience(String)}).
   *
   * @param url the URL
   * @return this sign-in against {@code url}
   */
  public SalesforceAuth loginUrl(String url) {
    requireText(url, "url");
    if (!url.startsWith("https://") && !url.startsWith("http://")) {
      throw new IllegalArgumentException("the login URL must start with https://, was '" + url + "'");
    }
    String aud = audience == null ? null : stripSlash(url).equals(SANDBOX_LOGIN_URL) ? SANDBOX_LOGIN_URL : audience;
    return new SalesforceAuth(flow, consumerKey, consumerSecret, username, privateKey, refreshToken, url, aud, secrets);
  }

  /**
   * The JWT assertion's {@code aud}: {@value #LOGIN_URL}, {@value #SANDBOX_LOGIN_URL} or a community URL.
   *
   * @param aud the audience
   * @return this sign-in with {@code aud}
   */
  public SalesforceAuth audience(String aud) {
    requireText(aud, "aud");
    if (flow != Flow.JWT_BEARER) {
      throw new IllegalStateException("audience(...) applies to the JWT bearer flow only");
    }
    return new SalesforceAuth(flow, consumerKey, consumerSecret, username, privateKey, refreshToken, tokenUrl, aud,
        secrets);
  }

  /** Which org (and user) this sign-in reaches, without secrets: the token host and the user or app. */
  String org() {
    return tokenUrl + (username != null ? " as " + username : " app " + consumerKey);
  }

  /** The values that must never be logged. */
  Set<String> secrets() {
    return secrets;
  }

  private static PrivateKey parseKey(String pem, String body) {
    if (pem.contains("BEGIN RSA PRIVATE KEY")) {
      throw new IllegalArgumentException("the private key is PKCS#1 (BEGIN RSA PRIVATE KEY); convert it to PKCS#8 with"
          + " openssl pkcs8 -topk8 -nocrypt -in server.key -out server.pk8");
    }
    if (pem.contains("ENCRYPTED")) {
      throw new IllegalArgumentException("the private key is encrypted; give it unencrypted (PKCS#8,"
          + " BEGIN PRIVATE KEY), read from a secret store");
    }
    try {
      return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(
          body.getBytes(StandardCharsets.US_ASCII))));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the private key is not an RSA key in PKCS#8 PEM (BEGIN PRIVATE KEY): "
          + e.getClass().getSimpleName());
    }
  }

  private static void requireText(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " is empty");
    }
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public String toString() {
    return "SalesforceAuth{" + flow.label + ", consumer key " + consumerKey + (username == null ? "" : ", user "
        + username) + ", token URL " + tokenUrl + " (secrets redacted)}";
  }
}
