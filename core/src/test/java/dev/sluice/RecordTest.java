package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class RecordTest {

  @Test
  void keepsFieldOrder() {
    Record r = Record.builder("1").set("b", 1).set("a", 2).set("c", 3).build();
    assertThat(r.fields().keySet()).containsExactly("b", "a", "c");
    assertThat(r.shape().names()).containsExactly("b", "a", "c");
    assertThat(r.get("a")).isEqualTo(2);
    assertThat(r.get("missing")).isNull();
    assertThat(r.has("missing")).isFalse();
  }

  @Test
  void normalisesNeighbouringTypes() {
    Instant t = Instant.parse("2024-05-01T08:00:00Z");
    UUID id = UUID.randomUUID();
    Record r = Record.builder("1")
        .set("short", (short) 3)
        .set("float", 0.1f)
        .set("big", BigInteger.TEN)
        .set("zoned", ZonedDateTime.ofInstant(t, ZoneId.of("Europe/Berlin")))
        .set("uuid", id)
        .set("mode", SyncMode.MIRROR)
        .build();
    assertThat(r.get("short")).isEqualTo(3);
    assertThat(r.get("float")).isEqualTo(0.1d);
    assertThat(r.get("big")).isEqualTo(BigDecimal.TEN);
    assertThat(r.get("zoned")).isEqualTo(t);
    assertThat(r.get("uuid")).isEqualTo(id.toString());
    assertThat(r.get("mode")).isEqualTo("MIRROR");
  }

  @Test
  void copiesNestedCollectionsSoTheRecordStaysImmutable() {
    List<Object> list = new ArrayList<>(List.of(1, 2));
    Map<String, Object> map = new HashMap<>();
    map.put("n", null);
    Record r = Record.builder("1").set("list", list).set("map", map).build();
    list.add(3);
    map.put("x", 1);
    assertThat(r.get("list")).asInstanceOf(InstanceOfAssertFactories.LIST).containsExactly(1, 2);
    assertThat(r.get("map")).asInstanceOf(InstanceOfAssertFactories.MAP).containsOnlyKeys("n");
    assertThatThrownBy(() -> ((List<?>) r.get("list")).clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void refusesUnsupportedValuesNamingKeyAndField() {
    assertThatThrownBy(() -> Record.builder("42").set("where", new java.awt.Point(1, 2)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("record '42'")
        .hasMessageContaining("field 'where'")
        .hasMessageContaining("java.awt.Point");
    assertThatThrownBy(() -> Record.builder("42").set("m", Map.of(1, "x")).build())
        .hasMessageContaining("field 'm'").hasMessageContaining("map keys must be strings");
    assertThatThrownBy(() -> Record.builder("42").set("l", List.of(new Object())).build())
        .hasMessageContaining("field 'l[0]'");
    // A java.sql.Time is a java.util.Date without an instant: refused like any other type, not
    // with the UnsupportedOperationException of its toInstant().
    assertThatThrownBy(() -> Record.builder("42").set("at", java.sql.Time.valueOf("12:00:00")).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("field 'at'")
        .hasMessageContaining("java.sql.Time");
  }

  @Test
  void shapesRefuseRepeatedAndEmptyNames() {
    assertThatThrownBy(() -> RecordShape.of("a", "b", "a")).hasMessageContaining("'a' appears twice");
    assertThatThrownBy(() -> RecordShape.of("a", "")).hasMessageContaining("position 1");
    assertThatThrownBy(() -> RecordShape.of("a", "b").record("k", 1))
        .hasMessageContaining("record 'k' has 1 values for 2 fields");
  }

  @Test
  void equalityCoversKeyNamesAndValues() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("a", 1);
    assertThat(Record.of("1", f)).isEqualTo(Record.builder("1").set("a", 1).build());
    assertThat(Record.of("1", f)).isNotEqualTo(Record.of("2", f));
    assertThat(Record.of("1", f)).isNotEqualTo(Record.builder("1").set("a", 2).build());
    assertThat(Record.of("1", f).hashCode()).isEqualTo(Record.builder("1").set("a", 1).build().hashCode());
  }

  @Test
  void allowsANullKeySoTheEngineCanRejectIt() {
    Record r = Record.builder(null).set("a", 1).build();
    assertThat(r.key()).isNull();
  }

  @Test
  void typedAccessorsReadEachValueTypeWithoutACast() {
    Instant at = Instant.parse("2024-05-01T08:00:00Z");
    Record r = Record.builder("42")
        .set("email", "ada@example.com")
        .set("count", 7)
        .set("big", 7_000_000_000L)
        .set("whole", new BigDecimal("12.000"))
        .set("price", new BigDecimal("19.90"))
        .set("at", at)
        .set("day", java.time.LocalDate.of(2024, 5, 1))
        .set("active", true)
        .set("tags", List.of("a", "b"))
        .set("address", Map.of("city", "London"))
        .set("nothing", null)
        .build();

    assertThat(r.getText("email")).isEqualTo("ada@example.com");
    assertThat(r.getLong("count")).isEqualTo(7L);
    assertThat(r.getLong("big")).isEqualTo(7_000_000_000L);
    assertThat(r.getLong("whole")).isEqualTo(12L);
    assertThat(r.getDecimal("price")).isEqualByComparingTo("19.90");
    assertThat(r.getDecimal("count")).isEqualByComparingTo("7");
    assertThat(r.getInstant("at")).isEqualTo(at);
    assertThat(r.getDate("day")).isEqualTo(java.time.LocalDate.of(2024, 5, 1));
    assertThat(r.getBoolean("active")).isTrue();
    assertThat(r.getList("tags")).containsExactly("a", "b");
    assertThat(r.getMap("address")).containsEntry("city", "London");
    assertThat(r.getText("nothing")).isNull();
    assertThat(r.getLong("nothing")).isNull();
    assertThat(r.getMap("nothing")).isNull();
  }

  @Test
  void aTypedAccessorNamesTheKeyTheFieldAndWhatItFoundOnAMismatch() {
    Record r = Record.builder("42").set("email", "ada@example.com").set("price", new BigDecimal("19.90"))
        .set("ratio", 0.5).build();

    assertThatThrownBy(() -> r.getLong("email"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("record '42', field 'email': the value is text, not a whole number; convert it in the mapping"
            + " with Convert.toLong(), or read it with get(field)");
    assertThatThrownBy(() -> r.getLong("price"))
        .hasMessageStartingWith("record '42', field 'price': the decimal has a fraction or does not fit a long");
    assertThatThrownBy(() -> r.getDecimal("ratio"))
        .hasMessageStartingWith("record '42', field 'ratio': the value is a Double, not a decimal");
    assertThatThrownBy(() -> r.getInstant("email"))
        .hasMessageStartingWith("record '42', field 'email': the value is text, not an instant");
    assertThatThrownBy(() -> r.getList("price"))
        .hasMessage("record '42', field 'price': the value is a BigDecimal, not a list");
    assertThatThrownBy(() -> r.getText("emial"))
        .hasMessage("record '42', field 'emial': no such field; the record has email, price, ratio");
  }
}
