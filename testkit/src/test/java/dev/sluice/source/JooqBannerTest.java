package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.engine.ForkedJvm;
import org.junit.jupiter.api.Test;

class JooqBannerTest {

  @Test
  void sqlSourcesAndTheJdbcStateStoreKeepJooqsBannerAndTipsOffTheLog() throws Exception {
    ForkedJvm.Result result = ForkedJvm.run("256m", JooqBannerProbe.class);

    assertThat(result.exitCode).as(result.output).isZero();
    assertThat(result.output).doesNotContain("Thank you for using jOOQ").doesNotContain("jOOQ tip of the day");
  }

  @Test
  void anApplicationThatSetsTheJooqPropertiesItselfStillGetsJooqsMessages() throws Exception {
    ForkedJvm.Result result = ForkedJvm.run("256m", JooqBannerProbe.class, "jooq-says-hello");

    assertThat(result.exitCode).as(result.output).isZero();
    assertThat(result.output).contains("Thank you for using jOOQ").contains("jOOQ tip of the day");
  }
}
