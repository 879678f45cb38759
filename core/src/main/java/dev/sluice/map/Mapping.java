package dev.sluice.map;

import dev.sluice.Record;
import dev.sluice.RecordShape;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@link Mapper} described field by field. The mapped record holds exactly the fields named here,
 * in this order, under the source record's key.
 *
 * <pre>{@code
 * Mapping mapping = Mapping.builder()
 *     .copy("email", "plan")
 *     .rename("full_name", "name")
 *     .convert("lifetime_value", "ltv", Convert.toDecimal(2))
 *     .constant("source", "warehouse")
 *     .compute("domain", r -> ((String) r.get("email")).replaceAll(".*@", ""))
 *     .require("email")
 *     .build();
 * }</pre>
 *
 * <p>Source fields are found by exact name, or else by a name that differs only in case (databases
 * such as H2 and Snowflake upper-case unquoted column names). A record is rejected, with a reason
 * naming the field, when a source field it needs is absent (a silent null could overwrite data in
 * the destination), when a conversion or computation throws, when a required field is null, or
 * when a computed value is not a type {@link Record} accepts. Immutable and thread-safe.
 */
public final class Mapping implements Mapper {

  private final RecordShape target;
  private final Rule[] rules;
  private final int[] required;
  private final String description;
  private volatile ResolvedShape resolved;

  private Mapping(Builder b) {
    this.target = RecordShape.of(b.targets);
    this.rules = b.rules.toArray(new Rule[0]);
    this.required = new int[b.required.size()];
    int i = 0;
    for (String name : b.required) {
      required[i++] = target.indexOf(name);
    }
    this.description = b.describe();
  }

  /**
   * Starts a mapping.
   *
   * @return a builder to configure it with
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the fields every mapped record has, in order} */
  public RecordShape targetShape() {
    return target;
  }

  /** The names of the fields every mapped record has, in order. */
  @Override
  public Optional<List<String>> fields() {
    return Optional.of(target.names());
  }

  /** The source fields the copy, rename and convert steps read. */
  @Override
  public Optional<List<String>> sourceFields() {
    List<String> names = new java.util.ArrayList<>();
    for (Rule rule : rules) {
      if (rule.sourceField != null && !names.contains(rule.sourceField)) {
        names.add(rule.sourceField);
      }
    }
    return Optional.of(List.copyOf(names));
  }

  @Override
  public MapResult map(Record source) {
    ResolvedShape r = resolve(source.shape());
    Object[] values = new Object[rules.length];
    for (int i = 0; i < rules.length; i++) {
      Rule rule = rules[i];
      if (rule.sourceField != null && r.sourceIndex[i] < 0) {
        return MapResult.rejected("source field '" + rule.sourceField + "' is missing; the record has "
            + source.shape().names());
      }
      try {
        values[i] = rule.apply(source, r.sourceIndex[i]);
      } catch (Exception e) {
        return MapResult.rejected(rule.failure(target.name(i), source, r.sourceIndex[i], e));
      }
    }
    for (int index : required) {
      if (values[index] == null) {
        return MapResult.rejected("required field '" + target.name(index) + "' is null");
      }
    }
    try {
      return MapResult.mapped(target.record(source.key(), values));
    } catch (IllegalArgumentException e) {
      return MapResult.rejected(e.getMessage());
    }
  }

  /** Resolves source field positions once per source shape; sources reuse one shape per query. */
  private ResolvedShape resolve(RecordShape shape) {
    ResolvedShape r = resolved;
    if (r == null || r.shape != shape) {
      int[] indexes = new int[rules.length];
      for (int i = 0; i < rules.length; i++) {
        indexes[i] = rules[i].sourceField == null ? -1 : indexIgnoringCase(shape, rules[i].sourceField);
      }
      r = new ResolvedShape(shape, indexes);
      resolved = r;
    }
    return r;
  }

  private static int indexIgnoringCase(RecordShape shape, String name) {
    int exact = shape.indexOf(name);
    if (exact >= 0) {
      return exact;
    }
    int found = -1;
    for (int i = 0; i < shape.size(); i++) {
      if (shape.name(i).equalsIgnoreCase(name)) {
        if (found >= 0) {
          return -1; // ambiguous: "Email" and "EMAIL" both exist
        }
        found = i;
      }
    }
    return found;
  }

  /** Describes the mapping, one step per field (see {@link Mapper#describe()}). */
  @Override
  public String describe() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }

  private static final class ResolvedShape {
    final RecordShape shape;
    final int[] sourceIndex;

    ResolvedShape(RecordShape shape, int[] sourceIndex) {
      this.shape = shape;
      this.sourceIndex = sourceIndex;
    }
  }

  /** How one target field gets its value. */
  private abstract static class Rule {
    final String sourceField;
    final String description;

    Rule(String sourceField, String description) {
      this.sourceField = sourceField;
      this.description = description;
    }

    abstract Object apply(Record source, int sourceIndex) throws Exception;

    String failure(String targetField, Record source, int sourceIndex, Throwable e) {
      return "field '" + targetField + "': " + e;
    }
  }

  private static final class FieldRule extends Rule {
    private final Converter<?> converter;

    FieldRule(String sourceField, String targetField, Converter<?> converter) {
      super(sourceField, converter == null
          ? (sourceField.equals(targetField) ? "copy(" + sourceField + ")" : "rename(" + sourceField + "->" + targetField + ")")
          : "convert(" + sourceField + "->" + targetField + ": " + converter.describe() + ")");
      this.converter = converter;
    }

    @Override
    Object apply(Record source, int sourceIndex) throws Exception {
      Object value = source.get(sourceIndex);
      return value == null || converter == null ? value : converter.convert(value);
    }

    @Override
    String failure(String targetField, Record source, int sourceIndex, Throwable e) {
      Object value = source.get(sourceIndex);
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return "field '" + targetField + "': cannot convert " + value.getClass().getSimpleName() + " "
          + preview(value) + " from '" + sourceField + "' to " + converter.describe() + ": " + message;
    }
  }

  private static final class ConstantRule extends Rule {
    private final Object value;

    ConstantRule(String targetField, Object value) {
      super(null, "constant(" + targetField + "=" + preview(value) + ")");
      this.value = value;
    }

    @Override
    Object apply(Record source, int sourceIndex) {
      return value;
    }
  }

  private static final class ComputedRule extends Rule {
    private final Function<? super Record, ?> function;

    ComputedRule(String targetField, Function<? super Record, ?> function) {
      super(null, "compute(" + targetField + ")");
      this.function = function;
    }

    @Override
    Object apply(Record source, int sourceIndex) {
      return function.apply(source);
    }

    @Override
    String failure(String targetField, Record source, int sourceIndex, Throwable e) {
      return "field '" + targetField + "': computation failed: " + e;
    }
  }

  private static String preview(Object value) {
    String text = value instanceof String ? "'" + value + "'" : String.valueOf(value);
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }

  /** Builds a {@link Mapping}; each step validates at once. Not thread-safe. */
  public static final class Builder {
    private final List<String> targets = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private final Set<String> required = new LinkedHashSet<>();
    private String version;

    private Builder() {}

    /**
     * Copies source fields under their own names.
     *
     * @param fields the field names
     * @return this builder
     */
    public Builder copy(String... fields) {
      Objects.requireNonNull(fields, "fields");
      for (String field : fields) {
        add(field, new FieldRule(requireName(field, "copy"), field, null));
      }
      return this;
    }

    /**
     * Copies source field {@code from} as {@code to}.
     *
     * @param from the source field
     * @param to the target field
     * @return this builder
     */
    public Builder rename(String from, String to) {
      return add(to, new FieldRule(requireName(from, "rename"), requireName(to, "rename"), null));
    }

    /**
     * Replaces a field's value with its conversion, under the same name.
     *
     * @param field the field name
     * @param converter the converter
     * @return this builder
     */
    public Builder convert(String field, Converter<?> converter) {
      return convert(field, field, converter);
    }

    /**
     * Converts source field {@code from} into target field {@code to}.
     *
     * @param from the source field
     * @param to the target field
     * @param converter the converter
     * @return this builder
     */
    public Builder convert(String from, String to, Converter<?> converter) {
      Objects.requireNonNull(converter, "converter");
      return add(to, new FieldRule(requireName(from, "convert"), requireName(to, "convert"), converter));
    }

    /**
     * A field with the same value in every record.
     *
     * @param field the field name
     * @param value the value
     * @return this builder
     */
    public Builder constant(String field, Object value) {
      // Validates the value's type now, so a bad constant fails the build, not every record.
      Object normalized = RecordShape.of("constant").record("constant", value).get(0);
      return add(field, new ConstantRule(requireName(field, "constant"), normalized));
    }

    /**
     * A field computed from the whole source record. The function must not keep state between
     * calls; an exception it throws rejects the record.
     *
     * @param field the field name
     * @param function computes the value from the source record
     * @return this builder
     */
    public Builder compute(String field, Function<? super Record, ?> function) {
      Objects.requireNonNull(function, "function");
      return add(field, new ComputedRule(requireName(field, "compute"), function));
    }

    /**
     * A version for the logic the description cannot see (the code of computed fields and custom
     * converters): change it when that code changes, and the next run re-sends every record.
     *
     * @param version any text; change it when that code changes
     * @return this builder
     */
    public Builder version(String version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /**
     * Target fields that must not be null; a record where one is null is rejected.
     *
     * @param fields the field names
     * @return this builder
     */
    public Builder require(String... fields) {
      Objects.requireNonNull(fields, "fields");
      for (String field : fields) {
        required.add(requireName(field, "require"));
      }
      return this;
    }

    /**
     * Builds the mapping.
     *
     * @return the mapping
     * @throws IllegalStateException if no field is mapped, or a required field is not mapped
     */
    public Mapping build() {
      if (targets.isEmpty()) {
        throw new IllegalStateException("the mapping maps no field; add copy(...), rename(...) or another step,"
            + " or use Mapper.identity() to pass records on unchanged");
      }
      for (String field : required) {
        if (!targets.contains(field)) {
          throw new IllegalStateException("require(\"" + field + "\"): no mapped field has that name; mapped fields are "
              + targets);
        }
      }
      return new Mapping(this);
    }

    private Builder add(String target, Rule rule) {
      if (targets.contains(target)) {
        throw new IllegalArgumentException("field '" + target + "' is mapped twice; each target field takes one step");
      }
      targets.add(target);
      rules.add(rule);
      return this;
    }

    private String describe() {
      StringBuilder sb = new StringBuilder("Mapping[");
      for (int i = 0; i < rules.size(); i++) {
        sb.append(i == 0 ? "" : ", ").append(rules.get(i).description);
      }
      if (!required.isEmpty()) {
        sb.append(", require").append(required);
      }
      if (version != null) {
        sb.append(", version ").append(version);
      }
      return sb.append(']').toString();
    }

    private static String requireName(String name, String step) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException(step + "(...): field name is null or empty");
      }
      return name;
    }
  }
}
