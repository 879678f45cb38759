package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.diff.RecordHash;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalHasherTest {

  @Test
  void xxh64MatchesPublishedValues() {
    // Reference values as printed by the xxhsum tool (xxHash's command line) with -H1.
    assertThat(CanonicalHasher.xxh64(new byte[0])).isEqualTo(0xef46db3751d8e999L);
    assertThat(CanonicalHasher.xxh64("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0x44bc2cf5ad770999L);
    assertThat(CanonicalHasher.xxh64("x".repeat(100).getBytes(StandardCharsets.US_ASCII))).isEqualTo(0x92f0de5a88a3c094L);
    assertThat(CanonicalHasher.xxh64("Nobody inspects the spammish repetition".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(0xfbcea83c8a378bf1L);
  }

  @Test
  void fieldOrderDoesNotChangeTheHash() {
    Record a = Record.builder("k").set("a", 1).set("b", "x").set("c", true).build();
    Record b = Record.builder("k").set("c", true).set("a", 1).set("b", "x").build();
    assertThat(RecordHash.of(a)).isEqualTo(RecordHash.of(b));
  }

  @Test
  void numbersHashByValueWhateverTheirType() {
    long one = hashOf(1);
    assertThat(hashOf(1L)).isEqualTo(one);
    assertThat(hashOf(new BigDecimal("1.0"))).isEqualTo(one);
    assertThat(hashOf(new BigDecimal("1.000"))).isEqualTo(one);
    assertThat(hashOf(1.0d)).isEqualTo(one);
    assertThat(hashOf((short) 1)).isEqualTo(one);
    assertThat(hashOf(BigInteger.ONE)).isEqualTo(one);
    assertThat(hashOf(new BigDecimal("1E0"))).isEqualTo(one);

    assertThat(hashOf(new BigDecimal("1.50"))).isEqualTo(hashOf(new BigDecimal("1.5"))).isEqualTo(hashOf(1.5d));
    assertThat(hashOf(0.1d)).isEqualTo(hashOf(new BigDecimal("0.1")));
    assertThat(hashOf(0.1f)).isEqualTo(hashOf(new BigDecimal("0.1")));
    assertThat(hashOf(new BigDecimal("0.00"))).isEqualTo(hashOf(0));
    assertThat(hashOf(new BigDecimal("1E+20"))).isEqualTo(hashOf(new BigDecimal("100000000000000000000")));
    assertThat(hashOf(Long.MAX_VALUE)).isEqualTo(hashOf(new BigDecimal(Long.MAX_VALUE).setScale(2)));

    assertThat(hashOf(2)).isNotEqualTo(one);
    assertThat(hashOf("1")).isNotEqualTo(one);
    assertThat(hashOf(new BigDecimal("1.01"))).isNotEqualTo(one);
  }

  @Test
  void timestampsHashByInstant() {
    Instant t = Instant.parse("2024-05-01T08:00:00Z");
    assertThat(hashOf(OffsetDateTime.of(2024, 5, 1, 10, 0, 0, 0, ZoneOffset.ofHours(2)))).isEqualTo(hashOf(t));
    assertThat(hashOf(java.util.Date.from(t))).isEqualTo(hashOf(t));
    assertThat(hashOf(t.plusNanos(1))).isNotEqualTo(hashOf(t));
    assertThat(hashOf(LocalDate.of(2024, 5, 1))).isNotEqualTo(hashOf(t));
    assertThat(hashOf(java.sql.Date.valueOf("2024-05-01"))).isEqualTo(hashOf(LocalDate.of(2024, 5, 1)));
  }

  @Test
  void mapsHashRegardlessOfKeyOrderAndListsKeepOrder() {
    Map<String, Object> m1 = new LinkedHashMap<>();
    m1.put("x", 1);
    m1.put("y", List.of("a", "b"));
    Map<String, Object> m2 = new LinkedHashMap<>();
    m2.put("y", List.of("a", "b"));
    m2.put("x", 1L);
    assertThat(hashOf(m1)).isEqualTo(hashOf(m2));
    assertThat(hashOf(List.of("a", "b"))).isNotEqualTo(hashOf(List.of("b", "a")));
  }

  @Test
  void valuesCannotBleedAcrossFieldBoundaries() {
    Record a = Record.builder("k").set("a", "bc").set("d", "").build();
    Record b = Record.builder("k").set("a", "b").set("d", "c").build();
    assertThat(RecordHash.of(a)).isNotEqualTo(RecordHash.of(b));
    assertThat(hashOf(null)).isNotEqualTo(hashOf("")).isNotEqualTo(hashOf(false));
    Record missing = Record.builder("k").set("a", 1).build();
    Record withNull = Record.builder("k").set("a", 1).set("b", null).build();
    assertThat(RecordHash.of(missing)).isNotEqualTo(RecordHash.of(withNull));
  }

  @Test
  void unicodeTextHashesByContent() {
    String text = "Zoë 🚀 日本";
    assertThat(hashOf(text)).isEqualTo(hashOf(new String(text.toCharArray()))).isNotEqualTo(hashOf("Zoe 🚀 日本"));
  }

  @Test
  void theKeyIsNotPartOfTheHash() {
    Record a = Record.builder("1").set("a", 1).build();
    assertThat(RecordHash.of(a)).isEqualTo(RecordHash.of(a.withKey("2")));
  }

  @Test
  void theEncodingIsStableAcrossReleases() {
    // A change here means every user's next run re-sends everything: only with a version bump.
    Record r = Record.builder("k").set("email", "ada@example.com").set("score", 97).set("ltv", new BigDecimal("12.50"))
        .set("active", true).set("at", Instant.parse("2024-01-01T00:00:00Z")).build();
    assertThat(RecordHash.toHex(RecordHash.of(r))).isEqualTo(RecordHash.toHex(new CanonicalHasher().hash(r)));
    assertThat(RecordHash.toHex(RecordHash.of(r))).isEqualTo(STABLE_HASH);
  }

  private static final String STABLE_HASH = "0c0719a49db6c6fd";

  private static long hashOf(Object value) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("v", value);
    return RecordHash.of(Record.of("k", fields));
  }
}
