package dev.sluice.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one redaction every message that leaves Sluice goes through — exceptions, reports, logs at
 * any level: header values, URL query parameters, JSON fields and form fields whose names say they
 * hold a secret (authorization, cookie, token, secret, password, api key, signature, credential,
 * private key), user-info in URLs, and every known secret value wherever it appears, raw,
 * URL-encoded (with {@code +} or {@code %20}, upper- or lower-case hex) and JSON-escaped (with or
 * without escaped slashes and Unicode escapes).
 *
 * <p>A secret is known once it is {@linkplain #register(String) registered} (connectors register
 * their credentials when built; {@link JsonClient} registers each credential it sends, refreshed
 * tokens included) and stays known for the life of the process. Values shorter than
 * {@value #MIN_SECRET_CHARS} characters are not masked, so that no common text is.
 */
public final class Redaction {

  /** The shortest value treated as a secret. */
  public static final int MIN_SECRET_CHARS = 4;
  private static final int MAX_KNOWN = 10_000;
  private static final Object LOCK = new Object();
  private static final java.util.LinkedHashSet<String> KNOWN = new java.util.LinkedHashSet<>();
  // Every form of every known secret, longest first; replaced whole when a secret is registered.
  private static volatile String[] knownForms = new String[0];
  private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/?#@\\s]*)@");

  /** What replaces a secret. */
  public static final String MASK = "***";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern QUERY_PARAM = Pattern.compile("([?&])([^=&#]+)=([^&#]*)");
  private static final String[] SENSITIVE = {
      "authorization", "cookie", "token", "secret", "password", "passwd", "apikey", "api_key", "api-key",
      "hapikey", "signature", "credential", "private", "session"};

  private Redaction() {}

  /**
   * {@return whether a header, parameter or field of this name holds a secret}
   *
   * @param name a header, query parameter or field name
   */
  public static boolean isSensitive(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String word : SENSITIVE) {
      if (lower.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@return a header value fit for logs}
   *
   * @param name the header name
   * @param value the header value
   */
  public static String header(String name, String value) {
    return isSensitive(name) ? MASK : value;
  }

  /**
   * {@return a URL with the values of sensitive query parameters masked}
   *
   * @param url the URL
   */
  public static String url(String url) {
    Matcher m = QUERY_PARAM.matcher(url);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
      m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + m.group(2) + "="
          + (isSensitive(name) ? MASK : m.group(3))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /**
   * {@return a request or response body fit for logs: JSON with sensitive fields masked, a form body with
   * sensitive fields masked, then every known secret value masked wherever it remains, and the
   * result cut at {@code maxChars}}
   *
   * @param body the body
   * @param secrets the secrets
   * @param maxChars the most characters to keep
   */
  public static String body(String body, Collection<String> secrets, int maxChars) {
    if (body == null || body.isEmpty()) {
      return "";
    }
    String text = body;
    String trimmed = body.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        JsonNode node = JSON.readTree(trimmed);
        text = JSON.writeValueAsString(mask(node));
      } catch (java.io.IOException e) {
        text = body;
      }
    } else if (trimmed.contains("=") && !trimmed.contains(" ")) {
      text = form(trimmed);
    }
    text = secretsMasked(text, secrets);
    return text.length() <= maxChars ? text : text.substring(0, maxChars) + "...(" + text.length() + " chars)";
  }

  /**
   * Makes {@code secret} known: from now on every message Sluice lets out has it masked, in every
   * form. Null and values shorter than {@value #MIN_SECRET_CHARS} characters are ignored.
   *
   * @param secret the secret
   */
  public static void register(String secret) {
    if (secret == null || secret.length() < MIN_SECRET_CHARS) {
      return;
    }
    synchronized (LOCK) {
      if (!KNOWN.add(secret)) {
        return;
      }
      if (KNOWN.size() > MAX_KNOWN) {
        // Refreshed tokens accumulate over months; the oldest have long expired.
        java.util.Iterator<String> oldest = KNOWN.iterator();
        oldest.next();
        oldest.remove();
      }
      List<String> forms = new ArrayList<>();
      for (String known : KNOWN) {
        forms.addAll(forms(known));
      }
      knownForms = longestFirst(forms).toArray(new String[0]);
    }
  }

  /**
   * Registers each of {@code secrets} (see {@link #register(String)}).
   *
   * @param secrets the secrets
   */
  public static void registerAll(Collection<String> secrets) {
    for (String secret : secrets) {
      register(secret);
    }
  }

  /**
   * {@return {@code text} as it may leave Sluice: every known secret masked in every form, and user-info
   * ({@code user:password@}) in URLs masked} Null stays null.
   *
   * @param text the text
   */
  public static String masked(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = userInfoMasked(text);
    for (String form : knownForms) {
      if (result.contains(form)) {
        result = result.replace(form, MASK);
      }
    }
    return result;
  }

  /**
   * {@code text} with every occurrence of {@code secrets} and of every known secret masked, in
   * every form. The given secrets become known (see {@link #register(String)}).
   *
   * @param text the text
   * @param secrets the secrets
   * @return the text, masked
   */
  public static String secretsMasked(String text, Collection<String> secrets) {
    registerAll(secrets);
    return masked(text);
  }

  /**
   * {@code text} with each of {@code values} masked in every form, without making them known:
   * for values that are secret here but may be ordinary text elsewhere, such as the bind values
   * of a query that a database quotes back in its error message. Then {@link #masked(String)}.
   *
   * @param text the text
   * @param values the values to mask
   * @return the text, masked
   */
  public static String valuesMasked(String text, Collection<?> values) {
    if (text == null) {
      return null;
    }
    List<String> forms = new ArrayList<>();
    for (Object value : values) {
      if (value != null && String.valueOf(value).length() >= MIN_SECRET_CHARS) {
        forms.addAll(forms(String.valueOf(value)));
      }
    }
    String result = text;
    for (String form : longestFirst(forms)) {
      result = result.replace(form, MASK);
    }
    return masked(result);
  }

  /**
   * {@return {@code error} fit to leave Sluice: itself when no message in its cause chain holds a secret,
   * otherwise a copy whose messages are {@linkplain #masked(String) masked}, with the same stack
   * traces and the original class names in the messages}
   *
   * @param error the exception
   */
  public static Throwable redacted(Throwable error) {
    return redacted(error, List.of());
  }

  /**
   * {@return {@code error} fit to leave Sluice, with {@code values} masked as well (see
   * {@link #valuesMasked}): for a database's exception that may quote a query's bind values}
   *
   * @param error the exception
   * @param values the values to mask
   */
  public static Throwable redacted(Throwable error, Collection<?> values) {
    java.util.function.UnaryOperator<String> mask = values.isEmpty() ? Redaction::masked : m -> valuesMasked(m, values);
    if (error == null || clean(error, mask, 0)) {
      return error;
    }
    return copy(error, mask, 0);
  }

  private static boolean clean(Throwable t, java.util.function.UnaryOperator<String> mask, int depth) {
    for (Throwable e = t; e != null && depth < 20; e = e.getCause(), depth++) {
      String message = e.getMessage();
      if (message != null && !message.equals(mask.apply(message))) {
        return false;
      }
      for (Throwable suppressed : e.getSuppressed()) {
        if (!clean(suppressed, mask, depth + 1)) {
          return false;
        }
      }
      if (e instanceof java.sql.SQLException && ((java.sql.SQLException) e).getNextException() != null
          && !clean(((java.sql.SQLException) e).getNextException(), mask, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  private static Throwable copy(Throwable t, java.util.function.UnaryOperator<String> mask, int depth) {
    Throwable cause = t.getCause() == null || depth > 20 ? null : copy(t.getCause(), mask, depth + 1);
    RedactedException copy = new RedactedException(t.getClass().getName()
        + (t.getMessage() == null ? "" : ": " + mask.apply(t.getMessage())), cause);
    copy.setStackTrace(t.getStackTrace());
    return copy;
  }

  /** Stands in for an exception whose message held a secret; its message names the original class. */
  public static final class RedactedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RedactedException(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public String toString() {
      return getMessage();
    }
  }

  /** The forms in which a secret may be echoed: raw, URL-encoded, JSON-escaped. */
  static List<String> forms(String secret) {
    java.util.LinkedHashSet<String> forms = new java.util.LinkedHashSet<>();
    forms.add(secret);
    String plus = java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8);
    forms.add(plus);
    String percent = plus.replace("+", "%20");
    forms.add(percent);
    forms.add(lowerHex(plus));
    forms.add(lowerHex(percent));
    // Encoders that leave more characters alone (RFC 3986 unreserved plus sub-delims).
    forms.add(percent.replace("%7E", "~").replace("%21", "!").replace("%27", "'").replace("%28", "(")
        .replace("%29", ")").replace("%2A", "*"));
    String json = new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(secret));
    forms.add(json);
    forms.add(json.replace("/", "\\/"));
    StringBuilder ascii = new StringBuilder();
    StringBuilder asciiLower = new StringBuilder();
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c < 0x80) {
        ascii.append(c);
        asciiLower.append(c);
      } else {
        ascii.append(String.format("\\u%04X", (int) c));
        asciiLower.append(String.format("\\u%04x", (int) c));
      }
    }
    forms.add(ascii.toString());
    forms.add(asciiLower.toString());
    // A JSON text that escapes every character it may (some gateways echo so).
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < secret.length(); i++) {
      all.append(String.format("\\u%04x", (int) secret.charAt(i)));
    }
    forms.add(all.toString());
    forms.removeIf(f -> f.length() < MIN_SECRET_CHARS);
    return new ArrayList<>(forms);
  }

  private static String lowerHex(String encoded) {
    StringBuilder sb = new StringBuilder(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      sb.append(c);
      if (c == '%' && i + 2 < encoded.length()) {
        sb.append(Character.toLowerCase(encoded.charAt(++i))).append(Character.toLowerCase(encoded.charAt(++i)));
      }
    }
    return sb.toString();
  }

  private static List<String> longestFirst(List<String> forms) {
    // Longest first: a secret that contains another (a prefixed and a bare form) is masked whole.
    List<String> sorted = new ArrayList<>(new java.util.LinkedHashSet<>(forms));
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return sorted;
  }

  /**
   * {@code text} with the user-info of every URL in it masked: {@code https://***@host/}.
   *
   * @param text the text
   * @return the text, masked
   */
  public static String userInfoMasked(String text) {
    if (text.indexOf('@') < 0 || !text.contains("://")) {
      return text;
    }
    return USER_INFO.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + "@"));
  }

  private static String form(String body) {
    StringBuilder sb = new StringBuilder();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
      sb.append(sb.length() == 0 ? "" : "&")
          .append(eq < 0 || !isSensitive(name) ? pair : pair.substring(0, eq + 1) + MASK);
    }
    return sb.toString();
  }

  private static JsonNode mask(JsonNode node) {
    if (node instanceof ObjectNode) {
      ObjectNode object = (ObjectNode) node;
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if (isSensitive(field.getKey()) && field.getValue().isValueNode()) {
          field.setValue(TextNode.valueOf(MASK));
        } else {
          mask(field.getValue());
        }
      }
    } else if (node instanceof ArrayNode) {
      for (JsonNode element : node) {
        mask(element);
      }
    }
    return node;
  }
}
