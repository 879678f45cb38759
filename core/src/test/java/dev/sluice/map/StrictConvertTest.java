package dev.sluice.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class StrictConvertTest {

  private static final Function<Object, String> JSON = v -> v instanceof Map ? "{\"a\":1}" : "[1,2]";

  @Test
  void decimalsComeExactlyFromNumbersAndTrimmedText() {
    assertThat(StrictConvert.decimal(new BigDecimal("19.90"))).isEqualTo(new BigDecimal("19.90"));
    assertThat(StrictConvert.decimal(42L)).isEqualTo(new BigDecimal("42"));
    assertThat(StrictConvert.decimal(7)).isEqualTo(new BigDecimal("7"));
    assertThat(StrictConvert.decimal(0.1)).isEqualTo(new BigDecimal("0.1"));
    assertThat(StrictConvert.decimal(" 1e3 ")).isEqualByComparingTo("1000");
  }

  @Test
  void decimalRefusesNonFiniteDoublesWordsAndOtherTypes() {
    assertThatThrownBy(() -> StrictConvert.decimal(Double.NaN)).hasMessage("NaN is not a finite number");
    assertThatThrownBy(() -> StrictConvert.decimal(Double.POSITIVE_INFINITY)).hasMessage("Infinity is not a finite number");
    assertThatThrownBy(() -> StrictConvert.decimal("lots")).hasMessage("'lots' is not a number");
    assertThatThrownBy(() -> StrictConvert.decimal(true)).hasMessage("Boolean true is not a number");
  }

  @Test
  void decimalTextBeyondTheValueLimitsIsRefusedWithoutBeingExpanded() {
    assertThatThrownBy(() -> StrictConvert.decimal("1e999999999")).hasMessageContaining("scale of -999999999");
    assertThatThrownBy(() -> StrictConvert.decimal("1".repeat(5_000))).hasMessageContaining("5000 characters long");
    assertThatThrownBy(() -> StrictConvert.text(new BigDecimal("1E+999999999"), JSON)).hasMessageContaining("scale");
  }

  @Test
  void booleansAreTrueOrFalseAndNothingElse() {
    assertThat(StrictConvert.bool(Boolean.TRUE)).isTrue();
    assertThat(StrictConvert.bool(" FALSE ")).isFalse();
    assertThat(StrictConvert.bool("True")).isTrue();
    assertThatThrownBy(() -> StrictConvert.bool("yes")).hasMessage("String yes is not a boolean (true or false)");
    assertThatThrownBy(() -> StrictConvert.bool(1)).hasMessage("Integer 1 is not a boolean (true or false)");
  }

  @Test
  void datesComeFromDatesMidnightInstantsAndIsoText() {
    assertThat(StrictConvert.date(LocalDate.of(2026, 3, 4))).isEqualTo(LocalDate.of(2026, 3, 4));
    assertThat(StrictConvert.date(Instant.parse("2026-03-04T00:00:00Z"))).isEqualTo(LocalDate.of(2026, 3, 4));
    assertThat(StrictConvert.date(" 2026-03-04 ")).isEqualTo(LocalDate.of(2026, 3, 4));
  }

  @Test
  void aDateRefusesAnInstantAfterMidnightRatherThanGuessingItsDay() {
    assertThatThrownBy(() -> StrictConvert.date(Instant.parse("2026-03-04T05:06:07Z")))
        .hasMessage("2026-03-04T05:06:07Z is not midnight UTC; a date field holds a day: convert the value to a date"
            + " in the mapping");
    assertThatThrownBy(() -> StrictConvert.date("17/05/1990")).hasMessage("'17/05/1990' is not a date (YYYY-MM-DD)");
    assertThatThrownBy(() -> StrictConvert.date(5L)).hasMessage("Long 5 is not a date");
  }

  @Test
  void instantsComeFromInstantsDatesEpochMillisAndIsoText() {
    Instant at = Instant.parse("2026-03-04T05:06:07Z");
    assertThat(StrictConvert.instant(at)).isEqualTo(at);
    assertThat(StrictConvert.instant(LocalDate.of(2026, 3, 4))).isEqualTo(Instant.parse("2026-03-04T00:00:00Z"));
    assertThat(StrictConvert.instant(at.toEpochMilli())).isEqualTo(at);
    assertThat(StrictConvert.instant(1_000)).isEqualTo(Instant.ofEpochSecond(1));
    assertThat(StrictConvert.instant("2026-03-04T07:06:07+02:00")).isEqualTo(at);
    assertThat(StrictConvert.instant(" 2026-03-04T05:06:07 ")).isEqualTo(at);
  }

  @Test
  void anInstantRefusesOtherTextAndTypes() {
    assertThatThrownBy(() -> StrictConvert.instant("yesterday"))
        .hasMessage("'yesterday' is not a date-time (ISO-8601, such as 2026-03-04T05:06:07Z)");
    assertThatThrownBy(() -> StrictConvert.instant(new BigDecimal("1.5"))).hasMessage("BigDecimal 1.5 is not a date-time");
  }

  @Test
  void textWritesListsAndMapsAsJsonAndDecimalsInPlainNotation() {
    assertThat(StrictConvert.text(List.of(1, 2), JSON)).isEqualTo("[1,2]");
    assertThat(StrictConvert.text(Map.of("a", 1), JSON)).isEqualTo("{\"a\":1}");
    assertThat(StrictConvert.text(new BigDecimal("1E+3"), JSON)).isEqualTo("1000");
    assertThat(StrictConvert.text(42L, JSON)).isEqualTo("42");
    assertThat(StrictConvert.text("as is ", JSON)).isEqualTo("as is ");
  }

  @Test
  void textSaysWhenAListCannotBeWrittenAsJson() {
    Function<Object, String> failing = v -> {
      throw new IllegalArgumentException("NaN has no JSON form");
    };
    assertThatThrownBy(() -> StrictConvert.text(List.of(Double.NaN), failing))
        .hasMessage("cannot be written as JSON text: NaN has no JSON form");
  }
}
