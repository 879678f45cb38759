package dev.sluice.internal;

/** A user's query as the engine embeds it in its own SQL (as a derived table, {@code (...) as q}). */
public final class SqlText {

  private SqlText() {}

  /**
   * {@code sql} ready to stand inside parentheses: without surrounding whitespace and a trailing
   * {@code ;}, and ended by a line break when its last line holds a line comment ({@code --}), so
   * that the closing parenthesis after it is not commented out. A line break at the end of a query
   * changes nothing else: a query cannot end inside a string literal.
   *
   * @param sql the user's query
   * @return the query to embed
   */
  public static String embeddable(String sql) {
    String trimmed = sql.strip();
    if (trimmed.endsWith(";")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1).strip();
    }
    String lastLine = trimmed.substring(trimmed.lastIndexOf('\n') + 1);
    return lastLine.contains("--") ? trimmed + "\n" : trimmed;
  }
}
