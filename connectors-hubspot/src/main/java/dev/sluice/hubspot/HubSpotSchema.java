package dev.sluice.hubspot;

import dev.sluice.map.Names;
import dev.sluice.map.StrictConvert;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The properties of one HubSpot object type, as {@code GET /crm/v3/properties/{objectType}}
 * lists them: what a sync may write, and how each value must be written. Immutable.
 */
final class HubSpotSchema {

  /** One property: only what a writer needs. */
  static final class Property {
    final String name;
    final String label;
    final String type;
    final String fieldType;
    final Set<String> options;
    final boolean unique;
    final boolean readOnly;

    Property(String name, String label, String type, String fieldType, Set<String> options, boolean unique,
        boolean readOnly) {
      this.name = name;
      this.label = label;
      this.type = type;
      this.fieldType = fieldType;
      this.options = options;
      this.unique = unique;
      this.readOnly = readOnly;
    }

    boolean multiple() {
      return "checkbox".equals(fieldType) && "enumeration".equals(type);
    }
  }

  private final String objectType;
  private final Map<String, Property> properties;

  private HubSpotSchema(String objectType, Map<String, Property> properties) {
    this.objectType = objectType;
    this.properties = properties;
  }

  /** Reads the {@code results} of a properties response. */
  static HubSpotSchema parse(String objectType, JsonNode response) {
    Map<String, Property> properties = new LinkedHashMap<>();
    for (JsonNode p : response.path("results")) {
      if (p.path("archived").asBoolean(false)) {
        continue;
      }
      List<String> options = new ArrayList<>();
      p.path("options").forEach(o -> options.add(o.path("value").asText()));
      boolean readOnly = p.path("calculated").asBoolean(false)
          || p.path("modificationMetadata").path("readOnlyValue").asBoolean(false)
          || "calculation_equation".equals(p.path("fieldType").asText());
      String name = p.path("name").asText();
      properties.put(name, new Property(name, p.path("label").asText(name), p.path("type").asText("string"),
          p.path("fieldType").asText(""), Set.copyOf(options), p.path("hasUniqueValue").asBoolean(false), readOnly));
    }
    return new HubSpotSchema(objectType, properties);
  }

  Optional<Property> property(String name) {
    return Optional.ofNullable(properties.get(name));
  }

  Collection<Property> properties() {
    return properties.values();
  }

  /**
   * Every problem with writing {@code fields} keyed by {@code idProperty}, one sentence each; empty
   * when there is none.
   */
  List<String> problems(Collection<String> fields, String idProperty) {
    List<String> problems = new ArrayList<>();
    if (idProperty != null && !idProperty.equals(HubSpot.OBJECT_ID)) {
      Property key = properties.get(idProperty);
      if (key == null) {
        problems.add("idProperty '" + idProperty + "' is not a property of " + objectType + suggestion(idProperty));
      } else if (!key.unique) {
        problems.add("idProperty '" + idProperty + "' of " + objectType + " does not have unique values"
            + " (hasUniqueValue is false), so it cannot key upserts; use a unique property"
            + uniqueNames().map(names -> " such as " + names).orElse(" (create one with unique values in HubSpot)"));
      }
    }
    for (String field : fields) {
      Property p = properties.get(field);
      if (p == null) {
        problems.add("field '" + field + "' is not a property of " + objectType + suggestion(field));
      } else if (p.readOnly && !field.equals(idProperty)) {
        problems.add("field '" + field + "' maps to " + objectType + " property '" + field + "', which is read-only"
            + " or calculated by HubSpot; remove it from the mapping");
      }
    }
    return problems;
  }

  private Optional<String> uniqueNames() {
    List<String> unique = properties.values().stream().filter(p -> p.unique && !p.name.equals(HubSpot.OBJECT_ID))
        .map(p -> p.name).sorted().collect(Collectors.toList());
    return unique.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", unique));
  }

  /** "; did you mean ...?" with the nearest names, or "". */
  private String suggestion(String name) {
    String wanted = Names.normalized(name);
    List<String> near = properties.values().stream()
        .filter(p -> !p.readOnly)
        .map(p -> Map.entry(p.name, Math.min(Names.editDistance(wanted, Names.normalized(p.name)), Names.editDistance(wanted, Names.normalized(p.label)))))
        .filter(e -> e.getValue() <= Math.max(2, wanted.length() / 3))
        .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .limit(3)
        .map(Map.Entry::getKey)
        .collect(Collectors.toList());
    return near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?";
  }



  /**
   * The writable property for each column whose name matches one (ignoring case, underscores,
   * spaces; by name, then by label), in column order.
   */
  Map<String, String> match(Collection<String> columns) {
    Map<String, String> byName = new LinkedHashMap<>();
    Map<String, String> byLabel = new LinkedHashMap<>();
    properties.values().stream().filter(p -> !p.readOnly).sorted(Comparator.comparing(p -> p.name)).forEach(p -> {
      byName.putIfAbsent(Names.normalized(p.name), p.name);
      byLabel.putIfAbsent(Names.normalized(p.label), p.name);
    });
    Map<String, String> matched = new LinkedHashMap<>();
    for (String column : columns) {
      String target = byName.getOrDefault(Names.normalized(column), byLabel.get(Names.normalized(column)));
      if (target != null && !matched.containsValue(target)) {
        matched.put(column, target);
      }
    }
    return matched;
  }

  /**
   * {@code value} as HubSpot expects it for {@code p}: numbers in plain notation, booleans as
   * {@code true}/{@code false}, dates as {@code YYYY-MM-DD}, datetimes as epoch milliseconds,
   * enumeration options checked (several joined by {@code ;}), null as "" (clears the property).
   *
   * @throws IllegalArgumentException saying what is wrong with the value
   */
  static String write(Property p, Object value, java.util.function.Function<Object, String> json) {
    if (value == null) {
      return "";
    }
    switch (p.type) {
      case "number":
        return number(value);
      case "bool":
        return Boolean.toString(StrictConvert.bool(value));
      case "date":
        return StrictConvert.date(value).toString();
      case "datetime":
        return Long.toString(StrictConvert.instant(value).toEpochMilli());
      case "enumeration":
        return option(p, value);
      default:
        return StrictConvert.text(value, json);
    }
  }

  private static String number(Object value) {
    BigDecimal n = StrictConvert.decimal(value);
    // A double is written by its shortest decimal text: 1.0 as 1, not 1.0.
    return value instanceof Double || value instanceof Float ? n.stripTrailingZeros().toPlainString() : n.toPlainString();
  }

  private static String option(Property p, Object value) {
    List<String> values = new ArrayList<>();
    if (value instanceof Collection) {
      if (!p.multiple()) {
        throw new IllegalArgumentException("a list, but property '" + p.name + "' takes one option");
      }
      ((Collection<?>) value).forEach(v -> values.add(String.valueOf(v)));
    } else if (value instanceof Boolean || value instanceof String || value instanceof Number) {
      String s = value instanceof BigDecimal ? ((BigDecimal) value).toPlainString() : value.toString();
      values.addAll(p.multiple() ? List.of(s.split(";")) : List.of(s));
    } else {
      throw new IllegalArgumentException(describe(value) + " is not an option value");
    }
    for (String v : values) {
      if (!p.options.contains(v)) {
        List<String> allowed = new ArrayList<>(p.options);
        allowed.sort(null);
        throw new IllegalArgumentException("'" + v + "' is not an option of '" + p.name + "'; allowed: "
            + String.join(", ", allowed));
      }
    }
    return String.join(";", values);
  }

  private static String describe(Object value) {
    return value.getClass().getSimpleName() + " " + value;
  }
}
