package dev.sluice.internal;

import dev.sluice.map.Names;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Compares the fields a mapping reads with those a source has, before any record is read. */
final class FieldNames {

  private FieldNames() {}

  /**
   * What the source lacks that the mapping reads, with the nearest names it has, or null when
   * nothing is missing or either side does not know its fields. Names match ignoring case.
   */
  static String missing(Optional<List<String>> reads, Optional<List<String>> has) {
    if (reads.isEmpty() || has.isEmpty()) {
      return null;
    }
    List<String> problems = new ArrayList<>();
    for (String field : reads.get()) {
      boolean found = false;
      for (String column : has.get()) {
        found |= column.equalsIgnoreCase(field);
      }
      if (!found) {
        List<String> near = nearest(field, has.get());
        problems.add("'" + field + "'" + (near.isEmpty() ? "" : " (did you mean " + String.join(", ", near) + "?)"));
      }
    }
    if (problems.isEmpty()) {
      return null;
    }
    return "the mapping reads " + (problems.size() == 1 ? "field " : "fields ") + String.join(", ", problems)
        + " that the source does not have; its fields are " + has.get()
        + ". Fix the mapping or the query; nothing was read or sent";
  }

  /** Up to three names within a small edit distance, nearest first. */
  static List<String> nearest(String name, List<String> candidates) {
    String target = name.toLowerCase(Locale.ROOT);
    int limit = Math.max(2, target.length() / 3);
    List<String> near = new ArrayList<>();
    List<Integer> distances = new ArrayList<>();
    for (String candidate : candidates) {
      int d = Names.editDistance(target, candidate.toLowerCase(Locale.ROOT));
      if (d <= limit) {
        near.add(candidate);
        distances.add(d);
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < near.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing(distances::get));
    List<String> result = new ArrayList<>();
    for (int i = 0; i < Math.min(3, order.size()); i++) {
      result.add(near.get(order.get(i)));
    }
    return result;
  }

}
