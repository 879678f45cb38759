package dev.sluice.zendesk;

import dev.sluice.map.Names;
import dev.sluice.map.StrictConvert;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * What a sync may write to Zendesk users or organizations: their standard attributes and the
 * account's custom fields ({@code GET /api/v2/user_fields} or {@code organization_fields}), and
 * how each value must be written. Immutable.
 */
final class ZendeskSchema {

  /** The field of a record that names the user's organization by its external id. */
  static final String ORGANIZATION_EXTERNAL_ID = "organization_external_id";

  private static final Pattern EMAIL = Pattern.compile("[^@\\s,;<>()\\[\\]\"]+@[^@\\s,;<>()\\[\\]\"]+\\.[^@\\s,;<>()\\[\\]\".]+");

  /** A writable attribute or custom field. */
  static final class Field {
    final String key;
    final String type;
    final String title;
    final Set<String> options;
    final Pattern regexp;
    final boolean active;
    final boolean custom;

    Field(String key, String type, String title, Set<String> options, Pattern regexp, boolean active, boolean custom) {
      this.key = key;
      this.type = type;
      this.title = title;
      this.options = options;
      this.regexp = regexp;
      this.active = active;
      this.custom = custom;
    }

    static Field standard(String key, String type) {
      return new Field(key, type, key, Set.of(), null, true, false);
    }
  }

  private static final Map<String, Field> USER_ATTRIBUTES = attributes(
      "name", "text", "email", "email", "role", "role", "tags", "tags", "alias", "text", "details", "text",
      "notes", "text", "phone", "text", "signature", "text", "time_zone", "text", "iana_time_zone", "text",
      "locale", "text", "locale_id", "integer", "verified", "checkbox", "suspended", "checkbox",
      "moderator", "checkbox", "only_private_comments", "checkbox", "restricted_agent", "checkbox",
      "skip_verify_email", "checkbox", "shared_phone_number", "checkbox", "custom_role_id", "integer",
      "default_group_id", "integer", "organization_id", "integer", "ticket_restriction", "text",
      "remote_photo_url", "text", ORGANIZATION_EXTERNAL_ID, "text");

  private static final Map<String, Field> ORGANIZATION_ATTRIBUTES = attributes(
      "name", "text", "details", "text", "notes", "text", "domain_names", "list", "group_id", "integer",
      "shared_tickets", "checkbox", "shared_comments", "checkbox", "tags", "tags");

  private static final Set<String> ROLES = Set.of("end-user", "agent", "admin");

  private final Resource resource;
  private final Map<String, Field> custom;
  private final boolean known;

  private ZendeskSchema(Resource resource, Map<String, Field> custom, boolean known) {
    this.resource = resource;
    this.custom = custom;
    this.known = known;
  }

  /** A schema without the account's custom fields: any other name is written as an untyped custom field. */
  static ZendeskSchema unread(Resource resource) {
    return new ZendeskSchema(resource, Map.of(), false);
  }

  /** Reads the custom fields from the pages of {@code GET /api/v2/user_fields} (or organization_fields). */
  static ZendeskSchema parse(Resource resource, List<JsonNode> pages) {
    Map<String, Field> custom = new LinkedHashMap<>();
    for (JsonNode page : pages) {
      for (JsonNode f : page.path(resource.fieldsName)) {
        Set<String> options = new LinkedHashSet<>();
        f.path("custom_field_options").forEach(o -> options.add(o.path("value").asText()));
        Pattern regexp = null;
        String pattern = f.path("regexp_for_validation").asText(null);
        if (pattern != null && !pattern.isEmpty() && !f.path("regexp_for_validation").isNull()) {
          try {
            regexp = Pattern.compile(pattern);
          } catch (PatternSyntaxException e) {
            regexp = null; // Zendesk's (Ruby) pattern syntax is not Java's: leave the check to Zendesk
          }
        }
        String key = f.path("key").asText();
        custom.put(key, new Field(key, f.path("type").asText("text"), f.path("title").asText(key),
            Set.copyOf(options), regexp, f.path("active").asBoolean(true), true));
      }
    }
    return new ZendeskSchema(resource, custom, true);
  }

  /** The attribute or custom field {@code name} is written to. */
  Optional<Field> field(String name) {
    Field standard = attributes().get(name);
    if (standard != null) {
      return Optional.of(standard);
    }
    Field f = custom.get(name);
    if (f != null) {
      return Optional.of(f);
    }
    return known ? Optional.empty() : Optional.of(new Field(name, "any", name, Set.of(), null, true, true));
  }

  private Map<String, Field> attributes() {
    return resource == Resource.USERS ? USER_ATTRIBUTES : ORGANIZATION_ATTRIBUTES;
  }

  /** Every problem with writing {@code fields}, keyed by {@code keyAttribute}, one sentence each. */
  List<String> problems(Collection<String> fields, String keyAttribute) {
    List<String> problems = new ArrayList<>();
    for (String name : fields) {
      if (name.equals(keyAttribute) || name.equals("external_id") || name.equals("id")) {
        problems.add("field '" + name + "' is written from the record key ("
            + keyAttribute + "); remove it from the mapping");
        continue;
      }
      Optional<Field> f = field(name);
      if (f.isEmpty()) {
        problems.add("field '" + name + "' is neither a standard " + resource.singular + " attribute nor a "
            + resource.fieldsName + " key" + suggestion(name));
      } else if (!f.get().active) {
        problems.add(resource.fieldsName + " '" + name + "' is inactive in Zendesk; activate it or remove it from"
            + " the mapping");
      } else if (f.get().type.equals("lookup")) {
        problems.add(resource.fieldsName + " '" + name + "' is a lookup relationship field, which this connector"
            + " does not write; remove it from the mapping");
      }
    }
    return problems;
  }

  /** "; did you mean ...?" with the nearest names, or "". */
  private String suggestion(String name) {
    String wanted = Names.normalized(name);
    List<String> names = new ArrayList<>(attributes().keySet());
    custom.values().stream().filter(f -> f.active).forEach(f -> names.add(f.key));
    List<String> near = names.stream()
        .map(n -> Map.entry(n, Math.min(Names.editDistance(wanted, Names.normalized(n)),
            custom.containsKey(n) ? Names.editDistance(wanted, Names.normalized(custom.get(n).title)) : Integer.MAX_VALUE)))
        .filter(e -> e.getValue() <= Math.max(2, wanted.length() / 3))
        .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .limit(3)
        .map(Map.Entry::getKey)
        .collect(Collectors.toList());
    return near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?";
  }



  /** Whether {@code email} looks like an address Zendesk accepts. */
  static boolean isEmail(String email) {
    return EMAIL.matcher(email).matches();
  }

  /**
   * {@code value} as Zendesk expects it for field {@code f}: text as text, integers and decimals
   * as JSON numbers, dates as {@code YYYY-MM-DD}, checkboxes as booleans, dropdown option values
   * checked, regexp fields matched, tags as a list of words, null as null (clears the field).
   *
   * @throws IllegalArgumentException saying what is wrong with the value
   */
  static Object write(Field f, Object value, java.util.function.Function<Object, String> json) {
    if (value == null) {
      return null;
    }
    switch (f.type) {
      case "integer":
        return integer(value);
      case "decimal":
        return StrictConvert.decimal(value);
      case "checkbox":
        return StrictConvert.bool(value);
      case "date":
        return date(value).toString();
      case "dropdown":
        return option(f, value);
      case "regexp": {
        String s = StrictConvert.text(value, json);
        if (f.regexp != null && !f.regexp.matcher(s).matches()) {
          throw new IllegalArgumentException("'" + s + "' does not match the field's pattern " + f.regexp.pattern());
        }
        return s;
      }
      case "email": {
        String s = StrictConvert.text(value, json).trim();
        if (!isEmail(s)) {
          throw new IllegalArgumentException("'" + s + "' is not a properly formatted email address");
        }
        return s;
      }
      case "role": {
        String s = StrictConvert.text(value, json).trim().toLowerCase(Locale.ROOT).replace("end_user", "end-user");
        if (!ROLES.contains(s)) {
          throw new IllegalArgumentException("'" + value + "' is not a Zendesk role; use end-user, agent or admin");
        }
        return s;
      }
      case "tags":
        return tags(value);
      case "list":
        return list(value);
      case "any":
        return value instanceof BigDecimal ? ((BigDecimal) value).stripTrailingZeros().toPlainString()
            : value instanceof Instant || value instanceof LocalDate ? value.toString() : value;
      default:
        return StrictConvert.text(value, json);
    }
  }

  private static long integer(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    try {
      BigDecimal d = value instanceof BigDecimal ? (BigDecimal) value
          : value instanceof Number ? BigDecimal.valueOf(((Number) value).doubleValue())
          : value instanceof String ? StrictConvert.decimal(value) : null; // text held to the decimal limits
      if (d != null) {
        return d.longValueExact();
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not a whole number");
    }
    throw new IllegalArgumentException(describe(value) + " is not a whole number");
  }

  /** A day: what {@link StrictConvert#date} takes, and ISO-8601 date-time text at midnight UTC. */
  private static LocalDate date(Object value) {
    if (value instanceof String) {
      try {
        return StrictConvert.date(OffsetDateTime.parse(((String) value).trim()).toInstant());
      } catch (DateTimeParseException e) {
        // not a date-time: read as a date below
      }
    }
    return StrictConvert.date(value);
  }

  private static String option(Field f, Object value) {
    String s = value instanceof BigDecimal ? ((BigDecimal) value).toPlainString() : value.toString();
    if (!f.options.isEmpty() && !f.options.contains(s)) {
      List<String> allowed = new ArrayList<>(f.options);
      allowed.sort(null);
      throw new IllegalArgumentException("'" + s + "' is not an option value of dropdown '" + f.key + "'; allowed: "
          + String.join(", ", allowed));
    }
    return s;
  }

  private static List<String> tags(Object value) {
    List<String> tags = new ArrayList<>();
    if (value instanceof Collection) {
      for (Object t : (Collection<?>) value) {
        if (t != null) {
          tags.addAll(List.of(t.toString().trim().split("[\\s,]+")));
        }
      }
    } else if (value instanceof String) {
      tags.addAll(List.of(((String) value).trim().split("[\\s,]+")));
    } else {
      throw new IllegalArgumentException(describe(value) + " is not a list of tags");
    }
    tags.removeIf(String::isEmpty);
    return tags;
  }

  private static List<String> list(Object value) {
    if (value instanceof Collection) {
      List<String> values = new ArrayList<>();
      ((Collection<?>) value).forEach(v -> values.add(String.valueOf(v)));
      return values;
    }
    if (value instanceof String) {
      List<String> values = new ArrayList<>(List.of(((String) value).trim().split("\\s*,\\s*")));
      values.removeIf(String::isEmpty);
      return values;
    }
    throw new IllegalArgumentException(describe(value) + " is not a list");
  }

  private static String describe(Object value) {
    return value.getClass().getSimpleName() + " " + value;
  }

  private static Map<String, Field> attributes(String... pairs) {
    Map<String, Field> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], Field.standard(pairs[i], pairs[i + 1]));
    }
    return Map.copyOf(map);
  }
}
