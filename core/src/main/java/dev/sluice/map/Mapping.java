package dev.sluice.map;

import dev.sluice.Record;
import dev.sluice.RecordShape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A {@link Mapper} described field by field. The mapped record holds exactly the fields named here,
 * in this order, under the source record's key — or, with {@link Builder#copyAll()} or
 * {@link Builder#copyAllExcept(String...)}, every source field as well, except those left out.
 *
 * <pre>{@code
 * Mapping mapping = Mapping.builder()
 *     .copy("email", "plan")
 *     .rename("full_name", "name")
 *     .convert("lifetime_value", "ltv", Convert.toDecimal(2))
 *     .constant("source", "warehouse")
 *     .compute("domain", r -> r.getText("email").replaceAll(".*@", ""))
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
  private final List<String> requiredNames;
  private final CopyAll copyAll;
  private final String description;
  private volatile Resolved resolved;

  private Mapping(Builder b) {
    this.target = RecordShape.of(b.targets);
    this.rules = b.rules.toArray(new Rule[0]);
    this.requiredNames = List.copyOf(b.required);
    this.required = new int[b.required.size()];
    int i = 0;
    for (String name : b.required) {
      required[i++] = target.indexOf(name);
    }
    this.copyAll = b.copyAll;
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

  /**
   * {@return the fields the steps name, in order} With {@link Builder#copyAll()} the copied source
   * fields come in addition, at the place of that step, once a record shows which fields it has.
   */
  public RecordShape targetShape() {
    return target;
  }

  /**
   * The names of the fields every mapped record has, in order; empty with
   * {@link Builder#copyAll()}, since the copied fields depend on the source.
   */
  @Override
  public Optional<List<String>> fields() {
    return copyAll == null ? Optional.of(target.names()) : Optional.empty();
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
    Resolved r = resolve(source.shape());
    Object[] values = new Object[r.rules.length];
    for (int i = 0; i < r.rules.length; i++) {
      Rule rule = r.rules[i];
      if (rule.sourceField != null && r.sourceIndex[i] < 0) {
        return MapResult.rejected("source field '" + rule.sourceField + "' is missing; the record has "
            + source.shape().names());
      }
      try {
        values[i] = rule.apply(source, r.sourceIndex[i]);
      } catch (Exception e) {
        return MapResult.rejected(rule.failure(r.target.name(i), source, r.sourceIndex[i], e));
      }
    }
    for (int j = 0; j < r.required.length; j++) {
      int index = r.required[j];
      if (index < 0) {
        return MapResult.rejected("required field '" + requiredNames.get(j) + "' is missing; the record has "
            + source.shape().names());
      }
      if (values[index] == null) {
        return MapResult.rejected("required field '" + r.target.name(index) + "' is null");
      }
    }
    try {
      return MapResult.mapped(r.target.record(source.key(), values));
    } catch (IllegalArgumentException e) {
      return MapResult.rejected(e.getMessage());
    }
  }

  /** Resolves source field positions once per source shape; sources reuse one shape per query. */
  private Resolved resolve(RecordShape shape) {
    Resolved r = resolved;
    if (r == null || r.shape != shape) {
      r = copyAll == null ? resolveFixed(shape) : resolveWithCopyAll(shape);
      resolved = r;
    }
    return r;
  }

  private Resolved resolveFixed(RecordShape shape) {
    int[] indexes = new int[rules.length];
    for (int i = 0; i < rules.length; i++) {
      indexes[i] = rules[i].sourceField == null ? -1 : indexIgnoringCase(shape, rules[i].sourceField);
    }
    return new Resolved(shape, target, rules, indexes, required);
  }

  /**
   * The steps with the copy-all step expanded: every source field it does not exclude, and that no
   * other step names as its target, copied under its own name where the step stands.
   */
  private Resolved resolveWithCopyAll(RecordShape shape) {
    List<String> names = new ArrayList<>();
    List<Rule> expanded = new ArrayList<>();
    for (int i = 0; i < rules.length; i++) {
      if (i == copyAll.position) {
        addCopies(shape, names, expanded);
      }
      names.add(target.name(i));
      expanded.add(rules[i]);
    }
    if (copyAll.position == rules.length) {
      addCopies(shape, names, expanded);
    }
    RecordShape targetShape = RecordShape.of(names);
    Rule[] all = expanded.toArray(new Rule[0]);
    int[] indexes = new int[all.length];
    for (int i = 0; i < all.length; i++) {
      indexes[i] = all[i].sourceField == null ? -1 : indexIgnoringCase(shape, all[i].sourceField);
    }
    int[] requiredIndexes = new int[requiredNames.size()];
    for (int i = 0; i < requiredIndexes.length; i++) {
      requiredIndexes[i] = targetShape.indexOf(requiredNames.get(i));
    }
    return new Resolved(shape, targetShape, all, indexes, requiredIndexes);
  }

  private void addCopies(RecordShape shape, List<String> names, List<Rule> expanded) {
    for (String field : shape.names()) {
      if (!copyAll.excludes(field) && !namedByAStep(field)) {
        names.add(field);
        expanded.add(new FieldRule(field, field, null));
      }
    }
  }

  private boolean namedByAStep(String field) {
    for (String name : target.names()) {
      if (name.equalsIgnoreCase(field)) {
        return true;
      }
    }
    return false;
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

  private static final class Resolved {
    final RecordShape shape;
    final RecordShape target;
    final Rule[] rules;
    final int[] sourceIndex;
    final int[] required;

    Resolved(RecordShape shape, RecordShape target, Rule[] rules, int[] sourceIndex, int[] required) {
      this.shape = shape;
      this.target = target;
      this.rules = rules;
      this.sourceIndex = sourceIndex;
      this.required = required;
    }
  }

  /** The copy-all step: where it stands among the other steps, and the source fields it leaves out. */
  private static final class CopyAll {
    final int position;
    final Set<String> except;

    CopyAll(int position, Set<String> except) {
      this.position = position;
      this.except = except;
    }

    boolean excludes(String field) {
      for (String name : except) {
        if (name.equalsIgnoreCase(field)) {
          return true;
        }
      }
      return false;
    }

    String describe() {
      return except.isEmpty() ? "copyAll" : "copyAllExcept" + except;
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
    private CopyAll copyAll;
    private String version;

    private Builder() {}

    /**
     * Copies every source field under its own name, at this place among the steps: for sources
     * whose columns are already what the destination expects. Fields that another step names as
     * its target are left to that step (so {@code copyAll().convert("ltv", Convert.toDecimal(2))}
     * converts {@code ltv} and copies the rest); a field another step only reads, such as the
     * source of a {@code rename}, is still copied unless you leave it out with
     * {@link #copyAllExcept(String...)}. Names match ignoring case, as the other steps' source
     * fields do. Since the copied fields depend on the source, such a mapping declares no
     * {@link Mapping#fields() fields} ahead of a run.
     *
     * @return this builder
     * @throws IllegalStateException if the mapping already copies every field
     */
    public Builder copyAll() {
      return copyAllExcept();
    }

    /**
     * As {@link #copyAll()}, leaving out the given source fields (say, columns the destination must
     * not see, or the sources of renamed fields).
     *
     * @param fields the source fields not to copy
     * @return this builder
     * @throws IllegalStateException if the mapping already copies every field
     */
    public Builder copyAllExcept(String... fields) {
      Objects.requireNonNull(fields, "fields");
      if (copyAll != null) {
        throw new IllegalStateException("the mapping already has " + copyAll.describe()
            + "; a mapping copies every field at most once");
      }
      Set<String> except = new LinkedHashSet<>();
      for (String field : fields) {
        except.add(requireName(field, "copyAllExcept"));
      }
      copyAll = new CopyAll(rules.size(), Collections.unmodifiableSet(except));
      return this;
    }

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
      if (targets.isEmpty() && copyAll == null) {
        throw new IllegalStateException("the mapping maps no field; add copy(...), rename(...), copyAll() or another"
            + " step, or use Mapper.identity() to pass records on unchanged");
      }
      for (String field : required) {
        if (!targets.contains(field) && copyAll == null) {
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
      List<String> steps = new ArrayList<>();
      for (Rule rule : rules) {
        steps.add(rule.description);
      }
      if (copyAll != null) {
        steps.add(copyAll.position, copyAll.describe());
      }
      StringBuilder sb = new StringBuilder("Mapping[").append(String.join(", ", steps));
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
