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
 * Removes secrets from what is logged: header values, URL query parameters, JSON fields and form
 * fields whose names say they hold a secret (authorization, cookie, token, secret, password, api
 * key, signature, credential, private key), and any known secret value wherever it appears.
 */
public final class Redaction {

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
   * {@return {@code text} with every occurrence of a known secret masked}
   *
   * @param text the text
   * @param secrets the secrets
   */
  public static String secretsMasked(String text, Collection<String> secrets) {
    // Longest first: a secret that contains another (a prefixed and a bare form) is masked whole,
    // whatever order the collection iterates in.
    List<String> longestFirst = new ArrayList<>(secrets.size());
    for (String secret : secrets) {
      if (secret != null && secret.length() >= 4) {
        longestFirst.add(secret);
      }
    }
    longestFirst.sort(Comparator.comparingInt(String::length).reversed());
    String result = text;
    for (String secret : longestFirst) {
      result = result.replace(secret, MASK);
    }
    return result;
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
