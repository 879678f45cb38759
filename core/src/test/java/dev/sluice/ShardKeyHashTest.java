package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardKeyHashTest {

  /** Computed once outside Java (Python's hashlib), so the values do not depend on this code. */
  private static final Map<String, Long> GOLDEN = Map.of(
      "a", 214005177L,
      "customer-1", 2601644726L,
      "42", 2714814184L,
      "Zo\u00eb", 4215582579L,
      "\u6771\u4eac", 1887150460L,
      "\ud83d\ude00", 704834243L,
      "", 3558706393L);

  @Test
  void keyHashIsTheFirstFourBytesOfMd5OverUtf8AsAnUnsignedInteger() {
    GOLDEN.forEach((key, hash) -> assertThat(Shard.keyHash(key)).as(key).isEqualTo(hash));
  }

  @Test
  void shardIsTheKeyHashModuloTheCount() {
    assertThat(Shard.indexOf("customer-1", 4)).isEqualTo(2);
    assertThat(Shard.indexOf("42", 7)).isEqualTo(5);
    assertThat(Shard.indexOf("\ud83d\ude00", 4)).isEqualTo(3);
    assertThat(Shard.indexOf("\u6771\u4eac", 7)).isEqualTo(6);
    assertThat(Shard.of(3, 4).contains("Zo\u00eb")).isTrue();
    assertThat(Shard.of(0, 4).contains("Zo\u00eb")).isFalse();
  }

  @Test
  void aRecordWithoutKeyBelongsToShardZero() {
    assertThat(Shard.indexOf(null, 5)).isZero();
    assertThat(Shard.of(0, 5).contains(null)).isTrue();
    assertThat(Shard.of(1, 5).contains(null)).isFalse();
  }

  @Test
  void everyKeyFallsInExactlyOneShardAndTheSplitIsEven() {
    int count = 8;
    int[] sizes = new int[count];
    for (int i = 0; i < 80_000; i++) {
      String key = "key-" + i;
      int owners = 0;
      for (int s = 0; s < count; s++) {
        owners += Shard.of(s, count).contains(key) ? 1 : 0;
      }
      assertThat(owners).isEqualTo(1);
      sizes[Shard.indexOf(key, count)]++;
    }
    for (int size : sizes) {
      assertThat(size).isBetween(9_500, 10_500);
    }
  }

  @Test
  void theSameSplitCanBeComputedInSqlOnDuckDb() throws Exception {
    Map<String, Long> inSql = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        PreparedStatement s = c.prepareStatement(
            "select k, ('0x' || substr(md5(k), 1, 8))::ubigint as h from unnest(?::varchar[]) as t(k)")) {
      s.setObject(1, c.createArrayOf("VARCHAR", GOLDEN.keySet().toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          inSql.put(rs.getString(1), rs.getLong(2));
        }
      }
    }
    assertThat(inSql).isEqualTo(GOLDEN);
  }

  @Test
  void rejectsAnIndexOrCountOutOfRangeNamingTheSetting() {
    assertThatThrownBy(() -> Shard.of(0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shard(index, count): count must be between 1 and 1024, was 0");
    assertThatThrownBy(() -> Shard.of(0, 1025)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("count must be between 1 and 1024, was 1025");
    assertThatThrownBy(() -> Shard.of(4, 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shard(index, count): index must be between 0 and count - 1 = 3, was 4");
    assertThatThrownBy(() -> Shard.of(-1, 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was -1");
  }

  @Test
  void aShardKeepsItsStateUnderItsOwnNameAndTakesItsShareOfABudget() {
    Shard shard = Shard.of(1, 4);
    assertThat(shard.stateName("customers")).isEqualTo("customers/shard-1-of-4");
    assertThat(shard.share(190)).isEqualTo(47);
    assertThat(shard.share(3)).isEqualTo(1);
    assertThat(shard).hasToString("shard 1 of 4").isEqualTo(Shard.of(1, 4)).isNotEqualTo(Shard.of(1, 5));
    assertThat(List.of(shard)).contains(Shard.of(1, 4));
  }
}
