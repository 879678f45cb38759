package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.ForkedJvm;
import org.junit.jupiter.api.Test;

/** A two-million-row PostgreSQL table streams through a sync in a JVM limited to 128 MiB of heap. */
class PostgresStreamingTest {

  @Test
  void streamsTwoMillionRowsIn128MegabytesOfHeap() throws Exception {
    Databases.execute(Databases.postgres(), "drop table if exists two_million",
        "create table two_million as select g as id, 'user' || g || '@example.com' as email, 'User ' || g as name,"
            + " (array['free','starter','pro','enterprise'])[g % 4 + 1] as plan, (array['DE','FR','US'])[g % 3 + 1] as country,"
            + " (g * 37 % 100000) / 100.0 as ltv, g * 31 % 100 as score, g % 3 <> 0 as active,"
            + " timestamptz '2020-01-01 00:00:00+00' + g * interval '61 seconds' as updated_at, '' as note"
            + " from generate_series(1, 2000000) g");

    ForkedJvm.Result result = ForkedJvm.run("128m", PostgresStreamingProbe.class,
        Databases.postgresUrl(), "two_million", "2000000");

    assertThat(result.finished).as("probe finished; it printed:%n%s", result.output).isTrue();
    assertThat(result.exitCode).as("probe exit code; it printed:%n%s", result.output).isZero();
    assertThat(result.output).contains("delivered=2000000").doesNotContain("OutOfMemoryError");
  }
}
