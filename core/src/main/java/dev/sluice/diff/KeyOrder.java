package dev.sluice.diff;

import java.util.Comparator;
import org.jooq.SQLDialect;

/**
 * The order of keys everywhere in Sluice: by Unicode code point, which is also the byte order of
 * their UTF-8 encoding and so the order of a database's binary collation ({@code COLLATE "C"} on
 * PostgreSQL, DuckDB's default). It equals {@link String#compareTo(String)} except where
 * characters outside the Basic Multilingual Plane (emoji, for instance) meet characters from
 * U+E000 to U+FFFF, which Java's UTF-16 order would sort the other way round.
 */
public final class KeyOrder {

  /** Compares keys by code point. */
  public static final Comparator<String> COMPARATOR = KeyOrder::compare;

  private KeyOrder() {}

  /**
   * {@return an ORDER BY term that makes a database sort the text {@code expression} in this order:
   * {@code COLLATE "C"} on PostgreSQL, the UTF-8 bytes on H2 (which otherwise compares UTF-16
   * units), the text itself elsewhere (DuckDB and most engines compare text by its bytes)}
   *
   * @param dialect the SQL dialect
   * @param expression the SQL expression to sort by
   */
  public static String sqlOrderTerm(SQLDialect dialect, String expression) {
    switch (dialect.family()) {
      case POSTGRES:
        return expression + " collate \"C\"";
      case H2:
        return "stringtoutf8(" + expression + ")";
      default:
        return expression;
    }
  }

  /**
   * {@return negative, zero or positive as {@code a} sorts before, with or after {@code b}}
   *
   * @param a a key
   * @param b another key
   */
  public static int compare(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        // Surrogates (U+D800..U+DFFF) encode code points above U+FFFF, so they sort after every
        // other UTF-16 unit; elsewhere the units compare as the code points they are.
        boolean xs = Character.isSurrogate(x);
        boolean ys = Character.isSurrogate(y);
        if (xs != ys) {
          return xs ? 1 : -1;
        }
        return x - y;
      }
    }
    return a.length() - b.length();
  }
}
