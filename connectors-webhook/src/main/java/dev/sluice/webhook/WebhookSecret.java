package dev.sluice.webhook;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A Standard Webhooks signing secret: {@code whsec_} followed by the base64 of 24 to 64 random
 * bytes. Its {@link #toString()} never shows the key. Immutable.
 */
public final class WebhookSecret {

  private static final String PREFIX = "whsec_";

  private final byte[] key;

  private WebhookSecret(byte[] key) {
    this.key = key;
  }

  /**
   * Parses a {@code whsec_…} secret.
   *
   * @param secret the secret, {@code whsec_} and base64
   * @return the secret
   * @throws IllegalArgumentException naming what is wrong (never echoing the secret)
   */
  public static WebhookSecret parse(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (!secret.startsWith(PREFIX)) {
      throw new IllegalArgumentException("a webhook secret starts with '" + PREFIX + "'");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the webhook secret after '" + PREFIX + "' is not valid base64");
    }
    if (key.length < 24 || key.length > 64) {
      throw new IllegalArgumentException("a webhook secret holds 24 to 64 bytes, this one " + key.length);
    }
    return new WebhookSecret(key);
  }

  /** {@return a new random secret of 32 bytes} */
  public static WebhookSecret generate() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new WebhookSecret(key);
  }

  /** {@return the secret in its {@code whsec_} form, to hand to the receiving side} */
  public String encoded() {
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  byte[] key() {
    return key.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebhookSecret && Arrays.equals(key, ((WebhookSecret) o).key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "WebhookSecret(redacted)";
  }
}
