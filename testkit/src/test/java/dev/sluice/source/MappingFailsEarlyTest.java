package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.map.Mapping;
import dev.sluice.testkit.RecordingDestination;
import org.junit.jupiter.api.Test;

/** A mapping that reads a column the query lacks fails the run at open, once, with the nearest names. */
class MappingFailsEarlyTest {

  @Test
  void aMissingColumnFailsTheRunOnceWithTheNearestNames() {
    try (DuckDb duck = DuckDb.inMemory()) {
      Databases.execute(duck.dataSource(), "create table customers (id integer, email varchar, plan varchar)",
          "insert into customers select i, 'c' || i || '@example.com', 'pro' from range(1000) t(i)");
      Mapping mapping = Mapping.builder().copy("emial", "PLAN").build();
      RecordingDestination destination = RecordingDestination.create();

      SyncReport report = Sync.from(duck.query("select * from customers").key("id").build())
          .map(mapping).to(destination).build().run();

      assertThat(report.status()).isEqualTo(SyncReport.Status.FAILED);
      assertThat(report.failureKind()).contains(SyncReport.FailureKind.MAPPING);
      assertThat(report.failure()).get().asString()
          .contains("field 'emial' (did you mean email?)")
          .contains("[id, email, plan]")
          .doesNotContain("PLAN");
      assertThat(report.read()).isZero();
      assertThat(report.rejectedRecords()).isEmpty();
      assertThat(destination.batches()).isEmpty();
    }
  }

  @Test
  void columnsThatDifferOnlyInCaseAreFound() {
    try (DuckDb duck = DuckDb.inMemory()) {
      Databases.execute(duck.dataSource(), "create table t (ID integer, EMAIL varchar)", "insert into t values (1, 'a')");
      SyncReport report = Sync.from(duck.query("select * from t").key("ID").build())
          .map(Mapping.builder().copy("email").build()).to(RecordingDestination.create()).build().run();

      assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    }
  }
}
