package dev.sluice.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Supplies credentials for each request of a {@link JsonClient}.
 *
 * <p>{@link #headers()} is called before every request (a provider may refresh a token there);
 * {@link #refreshAfterUnauthorized(JsonResponse)} is asked once per request when the API answers
 * 401, and returning true makes the client send that request once more. {@link #secrets()} lists
 * the values that must never appear in logs. Implementations are thread-safe.
 */
public interface AuthProvider {

  /** {@return the headers that authenticate a request, such as {@code Authorization}} */
  Map<String, String> headers();

  /**
   * {@return the API answered 401} Return true after refreshing credentials to have the request sent once
   * more; the default returns false, so the 401 is final (a permanent failure).
   *
   * @param response the 401 response
   */
  default boolean refreshAfterUnauthorized(JsonResponse response) {
    return false;
  }

  /** {@return secret values this provider uses, for redaction; the default is none} */
  default Set<String> secrets() {
    return Set.of();
  }

  /** {@return no credentials} */
  static AuthProvider none() {
    return Map::of;
  }

  /**
   * {@return a fixed bearer token, such as a HubSpot private-app token}
   *
   * @param token the token
   */
  static AuthProvider bearer(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isBlank()) {
      throw new IllegalArgumentException("the bearer token is blank");
    }
    return new AuthProvider() {
      @Override
      public Map<String, String> headers() {
        return Map.of("Authorization", "Bearer " + token);
      }

      @Override
      public Set<String> secrets() {
        return Set.of(token);
      }

      @Override
      public String toString() {
        return "bearer token (redacted)";
      }
    };
  }

  /**
   * HTTP Basic with a user name and a password (or API token).
   *
   * @param user the user name
   * @param password the password or API token
   * @return the provider
   */
  static AuthProvider basic(String user, String password) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    String encoded = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new AuthProvider() {
      @Override
      public Map<String, String> headers() {
        return Map.of("Authorization", "Basic " + encoded);
      }

      @Override
      public Set<String> secrets() {
        return Set.of(password, encoded);
      }

      @Override
      public String toString() {
        return "basic auth for " + user + " (password redacted)";
      }
    };
  }
}
