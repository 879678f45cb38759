package dev.sluice.map;

import java.util.Locale;

/**
 * How Sluice compares field names when it suggests the one a user probably meant ("did you mean
 * email?"): one rule for the mapping and every connector's schema check.
 */
public final class Names {

  private Names() {}

  /**
   * {@return {@code name} in lower case without separators, so that {@code First_Name},
   * {@code first-name} and {@code firstname} compare equal}
   *
   * @param name a field name
   */
  public static String normalized(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }

  /**
   * {@return the Levenshtein distance of {@code a} and {@code b}: the fewest single-character
   * insertions, deletions and substitutions that turn one into the other}
   *
   * @param a a name
   * @param b another name
   */
  public static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
