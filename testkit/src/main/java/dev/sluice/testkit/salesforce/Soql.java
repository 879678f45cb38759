package dev.sluice.testkit.salesforce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SOQL the fake understands: {@code SELECT f1, f2 FROM Object WHERE field IN ('a', 'b')} or
 * {@code WHERE field = 'a'}, or no WHERE clause. String literals escape {@code '} and {@code \}
 * with a backslash.
 */
final class Soql {

  private static final Pattern QUERY = Pattern.compile(
      "(?is)\\s*SELECT\\s+(.+?)\\s+FROM\\s+([A-Za-z0-9_]+)(?:\\s+WHERE\\s+([A-Za-z0-9_]+)\\s*(IN|=)\\s*(.+?))?\\s*");

  final List<String> fields;
  final String object;
  final String whereField;
  final List<String> values;

  private Soql(List<String> fields, String object, String whereField, List<String> values) {
    this.fields = fields;
    this.object = object;
    this.whereField = whereField;
    this.values = values;
  }

  /** Parses {@code q}; throws IllegalArgumentException with Salesforce's kind of message. */
  static Soql parse(String q) {
    Matcher m = QUERY.matcher(q);
    if (!m.matches()) {
      throw new IllegalArgumentException("unexpected token: the fake reads SELECT fields FROM object [WHERE field IN (...)]");
    }
    List<String> fields = new ArrayList<>();
    for (String f : m.group(1).split(",")) {
      String name = f.trim();
      if (!name.matches("[A-Za-z0-9_]+")) {
        throw new IllegalArgumentException("unexpected token: '" + name + "'");
      }
      fields.add(name);
    }
    if (m.group(3) == null) {
      return new Soql(fields, m.group(2), null, null);
    }
    String operator = m.group(4).toUpperCase(Locale.ROOT);
    String rest = m.group(5).trim();
    List<String> values = new ArrayList<>();
    int i = 0;
    if (operator.equals("IN")) {
      if (!rest.startsWith("(") || !rest.endsWith(")")) {
        throw new IllegalArgumentException("expecting a left parentheses, found '" + rest.charAt(0) + "'");
      }
      rest = rest.substring(1, rest.length() - 1).trim();
    }
    while (i < rest.length()) {
      if (rest.charAt(i) != '\'') {
        throw new IllegalArgumentException("expecting a string literal at '" + rest.substring(i) + "'");
      }
      StringBuilder value = new StringBuilder();
      i++;
      while (true) {
        if (i >= rest.length()) {
          throw new IllegalArgumentException("unterminated string literal");
        }
        char c = rest.charAt(i);
        if (c == '\\' && i + 1 < rest.length()) {
          value.append(rest.charAt(i + 1));
          i += 2;
        } else if (c == '\'') {
          i++;
          break;
        } else {
          value.append(c);
          i++;
        }
      }
      values.add(value.toString());
      while (i < rest.length() && Character.isWhitespace(rest.charAt(i))) {
        i++;
      }
      if (i < rest.length()) {
        if (rest.charAt(i) != ',' || operator.equals("=")) {
          throw new IllegalArgumentException("unexpected token: '" + rest.substring(i) + "'");
        }
        i++;
        while (i < rest.length() && Character.isWhitespace(rest.charAt(i))) {
          i++;
        }
      }
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException("an IN list needs at least one value");
    }
    return new Soql(fields, m.group(2), m.group(3), values);
  }
}
