package dev.sluice.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class MappingTest {

  private final Record source = Record.builder("7")
      .set("email", "Ada@Example.com ")
      .set("full_name", "Ada Lovelace")
      .set("ltv", "1234.567")
      .set("score", "97")
      .set("signed_up", "2024-05-01T10:00:00+02:00")
      .set("active", "yes")
      .build();

  @Test
  void mapsEveryKindOfStepInDeclarationOrder() {
    Mapping mapping = Mapping.builder()
        .convert("email", Convert.trimmed())
        .rename("full_name", "name")
        .convert("ltv", "lifetime_value", Convert.toDecimal(2))
        .convert("score", "lead_score", Convert.toLong())
        .convert("signed_up", "signed_up_at", Convert.toInstant())
        .convert("active", Convert.toBoolean())
        .constant("source", "warehouse")
        .compute("domain", r -> ((String) r.get("email")).trim().replaceAll(".*@", "").toLowerCase())
        .require("email")
        .build();

    MapResult result = mapping.map(source);

    assertThat(result.isRejected()).isFalse();
    Record r = result.record();
    assertThat(r.key()).isEqualTo("7");
    assertThat(r.fields().keySet()).containsExactly(
        "email", "name", "lifetime_value", "lead_score", "signed_up_at", "active", "source", "domain");
    assertThat(r.get("email")).isEqualTo("Ada@Example.com");
    assertThat(r.get("name")).isEqualTo("Ada Lovelace");
    assertThat(r.get("lifetime_value")).isEqualTo(new BigDecimal("1234.57"));
    assertThat(r.get("lead_score")).isEqualTo(97L);
    assertThat(r.get("signed_up_at")).isEqualTo(Instant.parse("2024-05-01T08:00:00Z"));
    assertThat(r.get("active")).isEqualTo(true);
    assertThat(r.get("source")).isEqualTo("warehouse");
    assertThat(r.get("domain")).isEqualTo("example.com");
  }

  @Test
  void rejectsAFailedConversionNamingFieldValueAndConversion() {
    Mapping mapping = Mapping.builder().convert("full_name", "score", Convert.toLong()).build();

    MapResult result = mapping.map(source);

    assertThat(result.isRejected()).isTrue();
    assertThat(result.reason())
        .contains("field 'score'")
        .contains("cannot convert String 'Ada Lovelace' from 'full_name' to integer");
  }

  @Test
  void rejectsANullRequiredField() {
    Mapping mapping = Mapping.builder().copy("email").compute("phone", r -> null).require("phone").build();

    assertThat(mapping.map(source).reason()).isEqualTo("required field 'phone' is null");
  }

  @Test
  void rejectsAFailedComputation() {
    Mapping mapping = Mapping.builder().compute("x", r -> ((String) r.get("nope")).length()).build();

    assertThat(mapping.map(source).reason()).startsWith("field 'x': computation failed: java.lang.NullPointerException");
  }

  @Test
  void rejectsAComputedValueOfAnUnsupportedType() {
    Mapping mapping = Mapping.builder().compute("x", r -> new Object()).build();

    assertThat(mapping.map(source).reason()).contains("field 'x'").contains("unsupported value type java.lang.Object");
  }

  @Test
  void rejectsARecordThatLacksASourceField() {
    Mapping mapping = Mapping.builder().copy("email").convert("missing", Convert.toLong()).build();

    assertThat(mapping.map(source).reason()).isEqualTo("source field 'missing' is missing; the record has"
        + " [email, full_name, ltv, score, signed_up, active]");
  }

  @Test
  void findsSourceFieldsThatDifferOnlyInCase() {
    Record upper = Record.builder("1").set("EMAIL", "a@x.io").set("Plan", "pro").build();
    Mapping mapping = Mapping.builder().copy("email").rename("plan", "tier").build();

    assertThat(mapping.map(upper).record().fields()).containsEntry("email", "a@x.io").containsEntry("tier", "pro");
  }

  @Test
  void refusesBadDefinitionsWhenBuilt() {
    assertThatThrownBy(() -> Mapping.builder().copy("a").rename("b", "a"))
        .hasMessage("field 'a' is mapped twice; each target field takes one step");
    assertThatThrownBy(() -> Mapping.builder().copy("a").require("b").build())
        .hasMessageContaining("require(\"b\"): no mapped field has that name; mapped fields are [a]");
    assertThatThrownBy(() -> Mapping.builder().build()).hasMessageContaining("maps no field");
    assertThatThrownBy(() -> Mapping.builder().constant("c", new Object()))
        .hasMessageContaining("unsupported value type");
  }

  @Test
  void reusesTheTargetShapeForEveryRecord() {
    Mapping mapping = Mapping.builder().copy("email").build();

    assertThat(mapping.map(source).record().shape()).isSameAs(mapping.map(source.withKey("8")).record().shape());
  }

  @Test
  void convertersHandleTheirDocumentedForms() throws Exception {
    assertThat(Convert.toLong().convert(new BigDecimal("3.00"))).isEqualTo(3L);
    assertThatThrownBy(() -> Convert.toLong().convert(new BigDecimal("3.5"))).isInstanceOf(ArithmeticException.class);
    assertThat(Convert.toDecimal().convert(0.1d)).isEqualTo(new BigDecimal("0.1"));
    assertThat(Convert.toBoolean().convert(" N ")).isFalse();
    assertThat(Convert.toBoolean().convert(1)).isTrue();
    assertThatThrownBy(() -> Convert.toBoolean().convert("maybe")).hasMessageContaining("'maybe' is not a boolean word");
    assertThat(Convert.toText().convert(new BigDecimal("1E+3"))).isEqualTo("1000");
    assertThat(Convert.toLocalDate().convert("2024-02-29")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(Convert.toInstant().convert(LocalDate.of(2024, 2, 29))).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
    assertThat(Convert.toDouble().convert("2.5")).isEqualTo(2.5d);
    assertThatThrownBy(() -> Convert.toDouble().convert("NaN")).hasMessageContaining("not a finite number");
    assertThat(Convert.lowerCase().convert("ÄB")).isEqualTo("äb");
    assertThat(Convert.trimmed().convert("   ")).isNull();
  }

  @Test
  void copyAllCopiesEverySourceFieldAndLeavesTheFieldsOtherStepsNameToThem() {
    Mapping mapping = Mapping.builder()
        .copyAll()
        .convert("ltv", Convert.toDecimal(2))
        .constant("source", "warehouse")
        .build();

    Record r = mapping.map(source).record();

    assertThat(r.fields().keySet()).containsExactly(
        "email", "full_name", "score", "signed_up", "active", "ltv", "source");
    assertThat(r.get("ltv")).isEqualTo(new BigDecimal("1234.57"));
    assertThat(r.get("score")).isEqualTo("97");
    assertThat(mapping.fields()).as("the copied fields depend on the source").isEmpty();
    assertThat(mapping.describe()).isEqualTo("Mapping[copyAll, convert(ltv->ltv: decimal(2)), constant(source='warehouse')]");
  }

  @Test
  void copyAllExceptLeavesOutTheNamedFieldsIgnoringCase() {
    Mapping mapping = Mapping.builder()
        .rename("full_name", "name")
        .copyAllExcept("FULL_NAME", "signed_up")
        .build();

    Record r = mapping.map(source).record();

    assertThat(r.fields().keySet()).containsExactly("name", "email", "ltv", "score", "active");
    assertThat(mapping.describe()).isEqualTo("Mapping[rename(full_name->name), copyAllExcept[FULL_NAME, signed_up]]");
  }

  @Test
  void copyAllFollowsEachSourceShapeAndStillChecksRequiredFields() {
    Mapping mapping = Mapping.builder().copyAll().require("email").build();

    Record other = Record.builder("8").set("email", "grace@example.com").set("plan", "pro").build();
    Record noEmail = Record.builder("9").set("plan", "free").build();
    Record nullEmail = Record.builder("10").set("email", null).build();

    assertThat(mapping.map(source).record().fields()).containsKeys("full_name", "active");
    assertThat(mapping.map(other).record().fields().keySet()).containsExactly("email", "plan");
    assertThat(mapping.map(noEmail).reason()).isEqualTo("required field 'email' is missing; the record has [plan]");
    assertThat(mapping.map(nullEmail).reason()).isEqualTo("required field 'email' is null");
  }

  @Test
  void aMappingCopiesEveryFieldOnce() {
    assertThatThrownBy(() -> Mapping.builder().copyAll().copyAllExcept("email"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the mapping already has copyAll; a mapping copies every field at most once");
    assertThat(Mapping.builder().copyAll().build().map(source).record()).isEqualTo(source);
  }

  @Test
  void computedFieldsReadTypedValuesWithoutCastsAndAMismatchRejectsTheRecordNamingKeyAndField() {
    Mapping mapping = Mapping.builder()
        .compute("score_plus_one", r -> r.getLong("score") + 1)
        .build();

    assertThat(mapping.map(Record.builder("1").set("score", 41).build()).record().get("score_plus_one")).isEqualTo(42L);
    assertThat(mapping.map(source).reason())
        .contains("field 'score_plus_one': computation failed")
        .contains("record '7', field 'score': the value is text, not a whole number; convert it in the mapping"
            + " with Convert.toLong(), or read it with get(field)");
  }
}
