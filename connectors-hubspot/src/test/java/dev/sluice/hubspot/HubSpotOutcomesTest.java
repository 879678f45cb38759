package dev.sluice.hubspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.hubspot.HubSpotFake;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Not found for updates, already exists for creates, idProperty at build, values beyond the limits. */
class HubSpotOutcomesTest {

  private static Record contact(String key, int score) {
    return Record.builder(key).set("score", score).build();
  }

  @Test
  void aModeThatNeedsIdPropertyFailsAtBuildWithoutIt() {
    try (HubSpotFake fake = HubSpotFake.start()) {
      Fakes.defineCustomerProperties(fake);
      HubSpot noId = HubSpot.builder("contacts").baseUrl(fake.baseUrl()).privateAppToken(HubSpotFake.DEFAULT_TOKEN).build();
      for (SyncMode mode : new SyncMode[] {SyncMode.UPSERT, SyncMode.UPDATE, SyncMode.MIRROR}) {
        assertThatThrownBy(() -> Sync.from(InMemorySource.create()).to(noId).mode(mode).build())
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("mode " + mode)
            .hasMessageContaining("idProperty=null");
      }
      assertThat(Sync.from(InMemorySource.create()).to(noId).mode(SyncMode.INSERT).build()).isNotNull();
    }
  }

  @Test
  void anUpdateOfAContactHubSpotDoesNotHoldIsReportedAsNotFound() {
    try (HubSpotFake fake = HubSpotFake.start()) {
      Fakes.defineCustomerProperties(fake);
      fake.put("contacts", Map.of("external_id", "C-1", "score", "1"));
      InMemorySource source = InMemorySource.create().put(contact("C-1", 5)).put(contact("C-2", 7));
      Sync sync = Sync.from(source).to(Fakes.contacts(fake).build()).mode(SyncMode.UPDATE).delivery(Fakes.FAST).build();

      SyncReport report = sync.run();

      assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(report.delivered()).isEqualTo(1);
      assertThat(report.notFound()).isEqualTo(1);
      assertThat(report.notFoundRecords()).singleElement().satisfies(e -> {
        assertThat(e.key()).isEqualTo("C-2");
        assertThat(e.reason()).contains("OBJECT_NOT_FOUND");
      });
      assertThat(fake.objectsBy("contacts", "external_id")).containsOnlyKeys("C-1");
      assertThat(fake.objectsBy("contacts", "external_id").get("C-1")).containsEntry("score", "5");
    }
  }

  @Test
  void aCreateOfAContactHubSpotAlreadyHoldsIsReportedAsAlreadyExistingAndNotSentAgain() {
    for (boolean multiStatus : new boolean[] {true, false}) {
      try (HubSpotFake fake = HubSpotFake.start()) {
        Fakes.defineCustomerProperties(fake);
        fake.multiStatus(multiStatus);
        fake.put("contacts", Map.of("external_id", "C-1", "score", "1"));
        InMemorySource source = InMemorySource.create().put(contact("C-1", 5)).put(contact("C-2", 7));
        Sync sync = Sync.from(source).to(Fakes.contacts(fake).build()).mode(SyncMode.INSERT).delivery(Fakes.FAST).build();

        SyncReport first = sync.run();
        SyncReport second = sync.run();

        assertThat(first.status()).as("multi-status %s: %s %s", multiStatus, first, first.failedRecords()).isEqualTo(SyncReport.Status.SUCCEEDED);
        assertThat(first.delivered()).isEqualTo(1);
        assertThat(first.alreadyExisted()).isEqualTo(1);
        assertThat(second.delivered() + second.alreadyExisted()).isZero();
        assertThat(fake.objectsBy("contacts", "external_id").get("C-1")).containsEntry("score", "1");
      }
    }
  }

  @Test
  void aNumberBeyondTheValueLimitsRejectsItsRecordWithoutSinkingTheBatch() {
    try (HubSpotFake fake = HubSpotFake.start()) {
      Fakes.defineCustomerProperties(fake);
      InMemorySource source = InMemorySource.create().put(contact("C-1", 5))
          .put(Record.builder("C-2").set("score", new BigDecimal("1E+999999999")).build())
          .put(contact("C-3", 7));

      SyncReport report = Sync.from(source).to(Fakes.contacts(fake).build()).delivery(Fakes.FAST).build().run();

      assertThat(report.status()).isEqualTo(SyncReport.Status.PARTIAL);
      assertThat(report.rejectedRecords()).singleElement().satisfies(e -> {
        assertThat(e.key()).isEqualTo("C-2");
        assertThat(e.reason()).contains("field 'score'");
      });
      assertThat(fake.objectsBy("contacts", "external_id")).containsOnlyKeys("C-1", "C-3");
    }
  }

  @Test
  void decimalTextBeyondTheValueLimitsFailsItsRecordInsteadOfBeingExpanded() {
    try (HubSpotFake fake = HubSpotFake.start()) {
      Fakes.defineCustomerProperties(fake);
      InMemorySource source = InMemorySource.create().put(contact("C-1", 5))
          .put(Record.builder("C-2").set("score", "1e999999999").build());

      SyncReport report = Sync.from(source).to(Fakes.contacts(fake).build()).delivery(Fakes.FAST).build().run();

      assertThat(report.failedRecords()).singleElement().satisfies(e -> {
        assertThat(e.key()).isEqualTo("C-2");
        assertThat(e.reason()).contains("field 'score' (HubSpot number property): the decimal has a scale of -999999999");
      });
      assertThat(fake.objectsBy("contacts", "external_id")).containsOnlyKeys("C-1");
    }
  }
}
