package dev.sluice.salesforce;

import dev.sluice.map.Names;
import dev.sluice.map.StrictConvert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.SyncMode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The fields of one sObject as {@code GET /sobjects/{obj}/describe} lists them: what a sync may
 * write, and how each value must be written. Immutable.
 */
final class SalesforceSchema {

  /** One field: only what a writer needs. */
  static final class Field {
    final String name;
    final String label;
    final String type;
    final int length;
    final int precision;
    final int scale;
    final int digits;
    final boolean nillable;
    final boolean createable;
    final boolean updateable;
    final boolean externalId;
    final boolean idLookup;
    final boolean defaultedOnCreate;
    final boolean restrictedPicklist;
    final Set<String> picklistValues;

    Field(JsonNode f) {
      this.name = f.path("name").asText();
      this.label = f.path("label").asText(name);
      this.type = f.path("type").asText("string");
      this.length = f.path("length").asInt(0);
      this.precision = f.path("precision").asInt(0);
      this.scale = f.path("scale").asInt(0);
      this.digits = f.path("digits").asInt(0);
      this.nillable = f.path("nillable").asBoolean(true);
      this.createable = f.path("createable").asBoolean(false);
      this.updateable = f.path("updateable").asBoolean(false);
      this.externalId = f.path("externalId").asBoolean(false);
      this.idLookup = f.path("idLookup").asBoolean(false);
      this.defaultedOnCreate = f.path("defaultedOnCreate").asBoolean(false);
      this.restrictedPicklist = f.path("restrictedPicklist").asBoolean(false);
      List<String> values = new ArrayList<>();
      f.path("picklistValues").forEach(v -> {
        if (v.path("active").asBoolean(true)) {
          values.add(v.path("value").asText());
        }
      });
      this.picklistValues = Set.copyOf(values);
    }

    boolean required() {
      return !nillable && createable && !defaultedOnCreate && !type.equals("boolean");
    }
  }

  private final String sobject;
  private final Map<String, Field> fields;

  private SalesforceSchema(String sobject, Map<String, Field> fields) {
    this.sobject = sobject;
    this.fields = fields;
  }

  /** Reads a describe answer. */
  static SalesforceSchema parse(String sobject, JsonNode describe) {
    Map<String, Field> fields = new LinkedHashMap<>();
    describe.path("fields").forEach(f -> fields.put(f.path("name").asText(), new Field(f)));
    return new SalesforceSchema(sobject, fields);
  }

  Optional<Field> field(String name) {
    return Optional.ofNullable(fields.get(name));
  }

  /**
   * Every problem with writing {@code mapped} fields keyed by {@code externalIdField} in
   * {@code mode}, one sentence each; empty when there is none.
   */
  List<String> problems(Collection<String> mapped, String externalIdField, SyncMode mode) {
    List<String> problems = new ArrayList<>();
    Field key = fields.get(externalIdField);
    if (key == null) {
      problems.add("externalIdField '" + externalIdField + "' is not a field of " + sobject + suggestion(externalIdField));
    } else if (!key.externalId && !key.idLookup) {
      problems.add("externalIdField '" + externalIdField + "' of " + sobject + " is not an External ID field, so it"
          + " cannot key upserts; mark it External ID in Setup (Object Manager → " + sobject + " → Fields) or use "
          + externalIds().map(names -> "one of " + names).orElse("a field that is one"));
    } else if (mode == SyncMode.INSERT && !key.createable) {
      problems.add("externalIdField '" + externalIdField + "' of " + sobject + " cannot be set on insert");
    }
    boolean creates = mode != SyncMode.UPDATE;
    boolean updates = mode != SyncMode.INSERT;
    for (String name : mapped) {
      Field f = fields.get(name);
      if (name.equals(externalIdField)) {
        problems.add("field '" + name + "' is the external ID: its value is the record key, so remove it from the"
            + " mapping");
      } else if (f == null) {
        problems.add("field '" + name + "' is not a field of " + sobject + suggestion(name));
      } else if (creates && !f.createable || updates && !f.updateable) {
        String what = !f.createable && !f.updateable ? "read-only (a formula or system field)"
            : !f.createable ? "not createable" : "not updateable, so mode " + mode + " cannot write it";
        problems.add("field '" + name + "' of " + sobject + " is " + what + "; remove it from the mapping");
      }
    }
    if (mode == SyncMode.INSERT) {
      for (Field f : fields.values()) {
        if (f.required() && !mapped.contains(f.name) && !f.name.equals(externalIdField)) {
          problems.add("required field '" + f.name + "' of " + sobject + " is not mapped: every insert would fail with"
              + " REQUIRED_FIELD_MISSING");
        }
      }
    }
    return problems;
  }

  /** Required fields the mapping leaves out (for a warning in upsert modes). */
  List<String> unmappedRequired(Collection<String> mapped, String externalIdField) {
    return fields.values().stream().filter(f -> f.required() && !mapped.contains(f.name)
        && !f.name.equals(externalIdField)).map(f -> f.name).collect(Collectors.toList());
  }

  private Optional<String> externalIds() {
    List<String> names = fields.values().stream().filter(f -> f.externalId && !f.name.equals("Id"))
        .map(f -> f.name).sorted().collect(Collectors.toList());
    return names.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", names));
  }

  /** "; did you mean ...?" with the nearest field names, or "". */
  private String suggestion(String name) {
    String wanted = Names.normalized(name);
    List<String> near = fields.values().stream()
        .filter(f -> f.createable || f.updateable || f.externalId)
        .map(f -> Map.entry(f.name, Math.min(Names.editDistance(wanted, Names.normalized(f.name)), Names.editDistance(wanted, Names.normalized(f.label)))))
        .filter(e -> e.getValue() <= Math.max(2, wanted.length() / 3))
        .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .limit(3)
        .map(Map.Entry::getKey)
        .collect(Collectors.toList());
    return near.isEmpty() ? "" : "; did you mean " + String.join(" or ", near) + "?";
  }



  /**
   * The writable field for each column whose name matches one (ignoring case, separators and the
   * {@code __c} suffix; by name, then by label), in column order.
   */
  Map<String, String> match(Collection<String> columns, String externalIdField) {
    Map<String, String> byName = new LinkedHashMap<>();
    Map<String, String> byLabel = new LinkedHashMap<>();
    fields.values().stream().filter(f -> f.createable && f.updateable && !f.name.equals(externalIdField))
        .sorted(Comparator.comparing(f -> f.name)).forEach(f -> {
          byName.putIfAbsent(Names.normalized(f.name), f.name);
          byLabel.putIfAbsent(Names.normalized(f.label), f.name);
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
   * {@code value} as Salesforce takes it for {@code f}: text (length checked, restricted picklist
   * values checked, multi-select lists joined by {@code ;}), numbers rounded to the field's scale
   * with their integer digits checked, booleans, dates as {@code YYYY-MM-DD}, datetimes as ISO-8601
   * UTC; null (and empty text) clears the field.
   *
   * @return a String, BigDecimal, Boolean or null
   * @throws IllegalArgumentException saying what is wrong with the value
   */
  static Object write(Field f, Object value, Function<Object, String> json) {
    if (value == null) {
      return null;
    }
    switch (f.type) {
      case "double":
      case "currency":
      case "percent":
      case "int":
      case "long":
        return number(f, value);
      case "boolean":
        return bool(value);
      case "date":
        return StrictConvert.date(value).toString();
      case "datetime":
        return StrictConvert.instant(value).toString();
      case "multipicklist":
        return options(f, value);
      default:
        String text = StrictConvert.text(value, json);
        if (text.isEmpty()) {
          return null;
        }
        if (f.length > 0 && text.codePointCount(0, text.length()) > f.length) {
          throw new IllegalArgumentException("is " + text.codePointCount(0, text.length()) + " characters long, more than"
              + " the " + f.length + " the field holds");
        }
        if (f.type.equals("picklist") && f.restrictedPicklist && !f.picklistValues.contains(text)) {
          throw new IllegalArgumentException("'" + text + "' is not a value of the restricted picklist; allowed: "
              + sorted(f.picklistValues));
        }
        return text;
    }
  }

  private static String options(Field f, Object value) {
    List<String> values = new ArrayList<>();
    if (value instanceof Collection) {
      ((Collection<?>) value).forEach(v -> values.add(String.valueOf(v)));
    } else {
      values.addAll(List.of(value.toString().split(";")));
    }
    if (f.restrictedPicklist) {
      for (String v : values) {
        if (!f.picklistValues.contains(v)) {
          throw new IllegalArgumentException("'" + v + "' is not a value of the restricted picklist; allowed: "
              + sorted(f.picklistValues));
        }
      }
    }
    return String.join(";", values);
  }

  private static String sorted(Set<String> values) {
    List<String> list = new ArrayList<>(values);
    list.sort(null);
    return String.join(", ", list);
  }

  private static BigDecimal number(Field f, Object value) {
    BigDecimal n = StrictConvert.decimal(value);
    boolean whole = f.type.equals("int") || f.type.equals("long");
    if (whole && n.stripTrailingZeros().scale() > 0) {
      throw new IllegalArgumentException(n.toPlainString() + " is not a whole number");
    }
    int scale = whole ? 0 : f.scale;
    int digits = whole ? (f.digits > 0 ? f.digits : f.precision > 0 ? f.precision : 9) : f.precision;
    BigDecimal scaled = n.setScale(scale, RoundingMode.HALF_UP);
    if (digits > 0 && scaled.precision() - scaled.scale() > digits - scale) {
      throw new IllegalArgumentException(n.toPlainString() + " has more than the " + (digits - scale) + " digits before"
          + " the decimal point that the field holds (precision " + digits + ", scale " + scale + ")");
    }
    return scaled;
  }

  /**
   * A boolean: what {@link StrictConvert#bool} takes, and the numbers 1 and 0 exactly (1.5 or 256
   * is refused, never read as true or false).
   */
  private static Boolean bool(Object value) {
    if (value instanceof Number && !(value instanceof Double && !Double.isFinite((Double) value))) {
      BigDecimal number = value instanceof BigDecimal ? (BigDecimal) value
          : value instanceof Double ? BigDecimal.valueOf((Double) value) : BigDecimal.valueOf(((Number) value).longValue());
      if (number.compareTo(BigDecimal.ONE) == 0) {
        return true;
      }
      if (number.signum() == 0) {
        return false;
      }
    }
    return StrictConvert.bool(value);
  }
}
