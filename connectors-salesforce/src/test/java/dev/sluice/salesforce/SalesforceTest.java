package dev.sluice.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Operation;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RecordOutcome;
import dev.sluice.map.Mapping;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.salesforce.SalesforceFake;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Salesforce destination against the fake: outcomes, both paths, auth, schema, limits. */
class SalesforceTest {

  private static final AtomicLong BATCHES = new AtomicLong();

  private SalesforceFake fake;

  @BeforeEach
  void start() {
    fake = SalesforceFake.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private static Batch batch(Operation op, List<Record> records) {
    return new Batch("test", "run", BATCHES.incrementAndGet(), op, records);
  }

  private static Record contact(String key, String lastName) {
    return Record.builder(key).set("LastName", lastName).set("Email", key.toLowerCase() + "@example.com").build();
  }

  private static Map<String, RecordOutcome> byKey(BatchResult result) {
    Map<String, RecordOutcome> map = new LinkedHashMap<>();
    result.outcomes().forEach(o -> map.put(o.key(), o));
    return map;
  }

  private Salesforce open(Salesforce.Path path, SyncMode mode, String... fields) {
    Salesforce destination = Fakes.contacts(fake).path(path).build();
    Fakes.open(destination, mode, fields);
    return destination;
  }

  // ---- outcomes on both paths -----------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(value = Salesforce.Path.class, names = {"COLLECTIONS", "BULK"})
  void mapsPerRecordErrorsToTheirRecords(Salesforce.Path path) {
    fake.failRecord("Contact", "C4", "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record");
    try (Salesforce destination = open(path, SyncMode.UPSERT, "LastName", "Email", "Plan__c")) {
      List<Record> records = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        records.add(contact("C" + i, "Last" + i));
      }
      records.set(2, Record.builder("C2").set("LastName", "Bad").set("Email", "not-an-email").build());
      records.set(3, Record.builder("C3").set("Email", "c3@example.com").build());
      records.set(5, Record.builder("C5").set("LastName", "P").set("Plan__c", "Gold").build());

      Map<String, RecordOutcome> outcomes = byKey(destination.write(batch(Operation.UPSERT, records)));

      assertThat(outcomes.get("C2").reason()).startsWith("INVALID_EMAIL_ADDRESS");
      assertThat(outcomes.get("C2").retryable()).isFalse();
      assertThat(outcomes.get("C3").reason()).startsWith("REQUIRED_FIELD_MISSING").contains("LastName");
      assertThat(outcomes.get("C4").reason()).startsWith("UNABLE_TO_LOCK_ROW");
      assertThat(outcomes.get("C4").retryable()).isTrue();
      assertThat(outcomes.get("C5").reason()).contains("Plan__c").contains("not a value of the restricted picklist");
      assertThat(outcomes.values().stream().filter(RecordOutcome::succeeded).count()).isEqualTo(26);
      assertThat(fake.recordsBy("Contact", "Customer_Id__c")).hasSize(26).doesNotContainKeys("C2", "C3", "C4", "C5");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Salesforce.Path.class, names = {"COLLECTIONS", "BULK"})
  void deletesOfAMirrorSyncLookTheIdsUpByExternalId(Salesforce.Path path) {
    fake.queryPageSize(7); // the Id lookup follows nextRecordsUrl
    InMemorySource source = InMemorySource.create();
    for (int i = 0; i < 40; i++) {
      source.put(contact("M" + i, "Last" + i));
    }
    String other = fake.put("Contact", Map.of("LastName", "Not synced", "Customer_Id__c", "OTHER"));
    try (Salesforce destination = Fakes.contacts(fake).path(path).build()) {
      Sync sync = Sync.from(source).map(Mapping.builder().copy("LastName", "Email").build()).to(destination)
          .mode(SyncMode.MIRROR).build();
      assertThat(sync.run().delivered()).isEqualTo(40);
      for (int i = 0; i < 15; i++) {
        source.remove("M" + i);
      }

      SyncReport second = sync.run();

      assertThat(second.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(second.removedRecords()).isEqualTo(15);
      assertThat(second.delivered()).isEqualTo(15);
      Map<String, Map<String, Object>> held = fake.recordsBy("Contact", "Customer_Id__c");
      assertThat(held).hasSize(26).doesNotContainKeys("M0", "M14").containsKeys("M15", "M39", "OTHER");
      assertThat(fake.records("Contact")).containsKey(other);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Salesforce.Path.class, names = {"COLLECTIONS", "BULK"})
  void updateNeverCreatesAndInsertNeverUpdates(Salesforce.Path path) {
    fake.put("Contact", Map.of("LastName", "Held", "Customer_Id__c", "HELD"));
    try (Salesforce updates = open(path, SyncMode.UPDATE, "LastName")) {
      Map<String, RecordOutcome> updated = byKey(updates.write(batch(Operation.UPDATE,
          List.of(Record.builder("HELD").set("LastName", "Changed").build(),
              Record.builder("MISSING").set("LastName", "Ghost").build()))));

      assertThat(updated.get("HELD").succeeded()).isTrue();
      assertThat(updated.get("MISSING").status()).isEqualTo(RecordOutcome.Status.NOT_FOUND);
    }
    try (Salesforce inserts = open(path, SyncMode.INSERT, "LastName")) {
      Map<String, RecordOutcome> inserted = byKey(inserts.write(batch(Operation.INSERT,
          List.of(Record.builder("HELD").set("LastName", "Again").build(),
              Record.builder("NEW").set("LastName", "New").build()))));

      assertThat(inserted.get("HELD").status()).isEqualTo(RecordOutcome.Status.ALREADY_EXISTS);
      assertThat(inserted.get("NEW").succeeded()).isTrue();
    }
    Map<String, Map<String, Object>> held = fake.recordsBy("Contact", "Customer_Id__c");
    assertThat(held).containsOnlyKeys("HELD", "NEW");
    assertThat(held.get("HELD")).containsEntry("LastName", "Changed");
  }

  @Test
  void choosesBulkForBatchesFromTheThresholdAndCollectionsBelow() {
    try (Salesforce destination = Fakes.contacts(fake).bulkThreshold(50).build()) {
      List<Record> small = new ArrayList<>();
      List<Record> large = new ArrayList<>();
      for (int i = 0; i < 49; i++) {
        small.add(contact("S" + i, "S"));
      }
      for (int i = 0; i < 50; i++) {
        large.add(contact("L" + i, "L"));
      }

      destination.write(batch(Operation.UPSERT, small));
      int jobsAfterSmall = fake.jobStates().size();
      destination.write(batch(Operation.UPSERT, large));

      assertThat(jobsAfterSmall).isZero();
      assertThat(fake.jobStates()).hasSize(1).containsValue("JobComplete");
      assertThat(fake.recordsBy("Contact", "Customer_Id__c")).hasSize(99);
    }
  }

  // ---- whole-request answers ------------------------------------------------------------------

  @Test
  void splitsARequestRefusedAsAWholeToFindTheBadRecord() {
    try (Salesforce destination = open(Salesforce.Path.COLLECTIONS, SyncMode.UPSERT, "LastName", "Email")) {
      fake.respondNext(400, "[{\"message\":\"Cannot deserialize instance of email\",\"errorCode\":\"JSON_PARSER_ERROR\"}]");
      List<Record> records = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        records.add(contact("W" + i, "W"));
      }

      BatchResult result = destination.write(batch(Operation.UPSERT, records));

      assertThat(result.failedCount()).isZero();
      long composite = fake.requests().stream().filter(r -> r.contains("composite/sobjects")).count();
      assertThat(composite).as("the refused request, then its two halves").isEqualTo(3);
    }
  }

  @Test
  void aWholeRequest400OfOneRecordFailsItPermanently() {
    try (Salesforce destination = open(Salesforce.Path.COLLECTIONS, SyncMode.UPSERT, "LastName", "Email")) {
      fake.respondNext(400, "[{\"message\":\"bad\",\"errorCode\":\"INVALID_FIELD\"}]");

      assertThatThrownBy(() -> destination.write(batch(Operation.UPSERT, List.of(contact("X1", "X")))))
          .isInstanceOf(PermanentDestinationException.class).hasMessageContaining("INVALID_FIELD: bad");
    }
  }

  @Test
  void retriesARequestRefusedForTheConcurrencyLimit() {
    try (Salesforce destination = open(Salesforce.Path.COLLECTIONS, SyncMode.UPSERT, "LastName", "Email")) {
      fake.refuseNextForConcurrency(3);

      BatchResult result = destination.write(batch(Operation.UPSERT, List.of(contact("R1", "R"))));

      assertThat(result.failedCount()).isZero();
      assertThat(fake.recordsBy("Contact", "Customer_Id__c")).containsKey("R1");
    }
  }

  // ---- OAuth ----------------------------------------------------------------------------------

  @Test
  void signsInWithAJwtAssertionAndUsesTheInstanceUrlOfTheToken() {
    SalesforceAuth jwt = SalesforceAuth.jwtBearer(SalesforceFake.CONSUMER_KEY, SalesforceFake.USERNAME,
        fake.privateKeyPem()).loginUrl(fake.loginUrl());
    try (Salesforce destination = Fakes.contacts(fake).auth(jwt).build()) {
      Fakes.open(destination, SyncMode.UPSERT, "LastName");

      destination.write(batch(Operation.UPSERT, List.of(Record.builder("J1").set("LastName", "Jwt").build())));

      assertThat(fake.tokensIssued()).containsOnlyKeys("urn:ietf:params:oauth:grant-type:jwt-bearer");
      assertThat(fake.requests()).anyMatch(r -> r.equals("POST /services/oauth2/token (login)"));
      assertThat(fake.recordsBy("Contact", "Customer_Id__c")).containsKey("J1");
    }
  }

  @Test
  void stopsWithSalesforcesDescriptionWhenTheJwtGrantIsRefused() {
    SalesforceAuth jwt = SalesforceAuth.jwtBearer(SalesforceFake.CONSUMER_KEY, "stranger@example.com",
        fake.privateKeyPem()).loginUrl(fake.loginUrl());
    try (Salesforce destination = Fakes.contacts(fake).auth(jwt).build()) {
      assertThatThrownBy(() -> Fakes.open(destination, SyncMode.UPSERT, "LastName"))
          .isInstanceOf(PermanentDestinationException.class)
          .hasMessageContaining("invalid_grant: user hasn't approved this consumer")
          .hasMessageContaining("pre-approved")
          .satisfies(e -> assertThat(((PermanentDestinationException) e).stopsRun()).isTrue());
    }
  }

  @Test
  void signsInWithARefreshTokenAndStopsWhenItIsRevoked() {
    fake.refreshToken("5Aep-refresh");
    SalesforceAuth refresh = SalesforceAuth.refreshToken(SalesforceFake.CONSUMER_KEY, SalesforceFake.CONSUMER_SECRET,
        "5Aep-refresh").loginUrl(fake.loginUrl());
    try (Salesforce destination = Fakes.contacts(fake).auth(refresh).build()) {
      Fakes.open(destination, SyncMode.UPSERT, "LastName");
      assertThat(fake.tokensIssued()).containsEntry("refresh_token", 1);
      fake.revokeRefreshTokens().expireSessions();

      assertThatThrownBy(() -> destination.write(batch(Operation.UPSERT,
          List.of(Record.builder("T1").set("LastName", "T").build()))))
          .isInstanceOf(PermanentDestinationException.class)
          .hasMessageContaining("invalid_grant: expired access/refresh token");
    }
  }

  @Test
  void signsInWithClientCredentialsOnTheMyDomainOnly() {
    assertThatThrownBy(() -> SalesforceAuth.clientCredentials("https://login.salesforce.com", "key", "secret"))
        .hasMessageContaining("My Domain");
    try (Salesforce destination = Fakes.contacts(fake).build()) {
      Fakes.open(destination, SyncMode.UPSERT, "LastName");
      assertThat(fake.tokensIssued()).containsOnly(Map.entry("client_credentials", 1));
    }
  }

  @Test
  void signsInOnceMoreAfterA401AndSendsTheRequestAgain() {
    try (Salesforce destination = open(Salesforce.Path.COLLECTIONS, SyncMode.UPSERT, "LastName", "Email")) {
      fake.expireSessions();

      BatchResult result = destination.write(batch(Operation.UPSERT, List.of(contact("A1", "A"))));

      assertThat(result.failedCount()).isZero();
      assertThat(destination.signIns()).isEqualTo(2);
      assertThat(fake.tokensIssued()).containsEntry("client_credentials", 2);
    }
  }

  // ---- schema and values ----------------------------------------------------------------------

  @Test
  void failsTheRunBeforeSendingForFieldsTheObjectCannotTake() {
    try (Salesforce destination = Fakes.contacts(fake).build()) {
      assertThatThrownBy(() -> Fakes.open(destination, SyncMode.UPSERT, "LastNmae", "Name", "Customer_Id__c"))
          .isInstanceOf(SalesforceSchemaException.class)
          .hasMessageContaining("field 'LastNmae' is not a field of Contact; did you mean LastName?")
          .hasMessageContaining("field 'Name' of Contact is read-only")
          .hasMessageContaining("'Customer_Id__c' is the external ID");
    }
    try (Salesforce byEmail = Salesforce.builder("Contact").externalIdField("Email").auth(Fakes.clientCredentials(fake))
        .build()) {
      assertThatThrownBy(() -> Fakes.open(byEmail, SyncMode.UPSERT, "LastName"))
          .hasMessageContaining("externalIdField 'Email' of Contact is not an External ID field")
          .hasMessageContaining("Customer_Id__c");
    }
    try (Salesforce inserts = Fakes.contacts(fake).build()) {
      assertThatThrownBy(() -> Fakes.open(inserts, SyncMode.INSERT, "Email"))
          .hasMessageContaining("required field 'LastName' of Contact is not mapped");
    }
    assertThat(fake.requests()).noneMatch(r -> r.contains("composite") || r.contains("jobs"));
  }

  @ParameterizedTest
  @EnumSource(value = Salesforce.Path.class, names = {"COLLECTIONS", "BULK"})
  void convertsValuesToTheFieldTypesAndFailsOnesThatDoNotFit(Salesforce.Path path) {
    try (Salesforce destination = open(path, SyncMode.UPSERT, "LastName", "Birthdate", "Score__c", "Lifetime_Value__c",
        "Churn_Risk__c", "Is_Active__c", "Signed_Up_At__c")) {
      Record good = Record.builder("V1").set("LastName", "Values").set("Birthdate", Instant.parse("1990-05-17T00:00:00Z"))
          .set("Score__c", 42L).set("Lifetime_Value__c", new BigDecimal("1234.565")).set("Churn_Risk__c", 12.5)
          .set("Is_Active__c", "true").set("Signed_Up_At__c", Instant.parse("2026-03-04T05:06:07Z")).build();
      Record tooLong = Record.builder("V2").set("LastName", "x".repeat(81)).build();
      Record tooBig = Record.builder("V3").set("LastName", "Big").set("Lifetime_Value__c", new BigDecimal("1e20")).build();
      Record notADate = Record.builder("V4").set("LastName", "D").set("Birthdate", "17/05/1990").build();
      Record oneAndAHalf = Record.builder("V5").set("LastName", "B").set("Is_Active__c", 1.5).build();
      Record zero = Record.builder("V6").set("LastName", "Z").set("Is_Active__c", new BigDecimal("0.0")).build();

      Map<String, RecordOutcome> outcomes = byKey(destination.write(batch(Operation.UPSERT,
          List.of(good, tooLong, tooBig, notADate, oneAndAHalf, zero))));

      assertThat(outcomes.get("V1").succeeded()).as("%s", outcomes.get("V1")).isTrue();
      assertThat(outcomes.get("V2").reason()).isEqualTo("field 'LastName' (Salesforce string): is 81 characters long,"
          + " more than the 80 the field holds");
      assertThat(outcomes.get("V3").reason()).contains("Lifetime_Value__c").contains("digits before the decimal point");
      assertThat(outcomes.get("V4").reason()).contains("'17/05/1990' is not a date (YYYY-MM-DD)");
      assertThat(outcomes.get("V5").reason()).as("1.5 is no boolean, never read as true")
          .contains("Is_Active__c").contains("is not a boolean");
      assertThat(outcomes.get("V6").succeeded()).as("%s", outcomes.get("V6")).isTrue();
      assertThat(fake.recordsBy("Contact", "Customer_Id__c").get("V6")).containsEntry("Is_Active__c", false);
      Map<String, Object> held = fake.recordsBy("Contact", "Customer_Id__c").get("V1");
      assertThat(held).containsEntry("Birthdate", LocalDate.of(1990, 5, 17))
          .containsEntry("Score__c", new BigDecimal("42"))
          .containsEntry("Lifetime_Value__c", new BigDecimal("1234.57"))
          .containsEntry("Churn_Risk__c", new BigDecimal("12.50"))
          .containsEntry("Is_Active__c", true)
          .containsEntry("Signed_Up_At__c", Instant.parse("2026-03-04T05:06:07Z"));
    }
  }

  @Test
  void matchesSourceColumnsToFieldsByName() {
    try (Salesforce destination = Fakes.contacts(fake).build()) {
      assertThat(destination.matchFields(List.of("last_name", "email", "lifetime_value", "plan", "nothing")))
          .containsExactly(Map.entry("last_name", "LastName"), Map.entry("email", "Email"),
              Map.entry("lifetime_value", "Lifetime_Value__c"), Map.entry("plan", "Plan__c"));
    }
  }

  // ---- limits ---------------------------------------------------------------------------------

  @Test
  void stopsBeforeTheDailyReserveAndKeepsTheRestPending() {
    fake.dailyApiLimit(100).apiUsage(80);
    InMemorySource source = InMemorySource.create();
    for (int i = 0; i < 3_000; i++) {
      source.put(contact(String.format("D%04d", i), "Last"));
    }
    try (Salesforce destination = Fakes.contacts(fake).path(Salesforce.Path.COLLECTIONS).apiReserve(0.10).build()) {
      Sync sync = Sync.from(source).map(Mapping.builder().copy("LastName", "Email").build()).to(destination)
          .concurrency(1).build();

      SyncReport first = sync.run();

      assertThat(first.status()).isEqualTo(SyncReport.Status.ABORTED);
      assertThat(first.failure()).hasValueSatisfying(f -> assertThat(f).contains("daily API calls").contains("10"));
      assertThat(fake.apiCalls()).isLessThanOrEqualTo(90);
      long held = fake.records("Contact").size();
      assertThat(first.delivered()).isEqualTo(held).isGreaterThan(0).isLessThan(3_000);

      fake.apiUsage(0); // the 24-hour window moved on
      SyncReport second = sync.run();

      assertThat(second.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
      assertThat(second.delivered()).isEqualTo(3_000 - held);
      assertThat(fake.records("Contact")).hasSize(3_000);
    }
  }

  @Test
  void stopsTheRunWhenTheDailyAllocationIsUsedUp() {
    try (Salesforce destination = open(Salesforce.Path.COLLECTIONS, SyncMode.UPSERT, "LastName", "Email")) {
      fake.dailyApiLimit(fake.apiCalls());

      assertThatThrownBy(() -> destination.write(batch(Operation.UPSERT, List.of(contact("Z1", "Z")))))
          .isInstanceOf(PermanentDestinationException.class).hasMessageContaining("TotalRequests Limit exceeded")
          .satisfies(e -> assertThat(((PermanentDestinationException) e).stopsRun()).isTrue());
    }
  }

  // ---- Bulk -----------------------------------------------------------------------------------

  @Test
  void leavesTheRecordsAFailedJobDidNotProcessPending() {
    fake.failNextJobAfter(10, "InternalServerError : the job failed midway");
    try (Salesforce destination = open(Salesforce.Path.BULK, SyncMode.UPSERT, "LastName", "Email")) {
      List<Record> records = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        records.add(contact("F" + i, "F"));
      }

      BatchResult result = destination.write(batch(Operation.UPSERT, records));

      assertThat(result.succeededCount()).isEqualTo(10);
      assertThat(result.outcomes().stream().filter(o -> !o.succeeded()))
          .hasSize(15).allSatisfy(o -> {
            assertThat(o.retryable()).isTrue();
            assertThat(o.reason()).contains("ended Failed").contains("the job failed midway");
          });
      Map<String, Map<String, Object>> held = fake.recordsBy("Contact", "Customer_Id__c");
      result.outcomes().stream().filter(RecordOutcome::succeeded).forEach(o -> assertThat(held).containsKey(o.key()));
      assertThat(held).hasSize(10);
    }
  }

  @Test
  void roundTripsCsvEscapingNullsAndEmptyText() {
    String[] texts = {"plain", "with, comma", "with \"quotes\"", "line\nbreak", "crlf\r\nbreak", "emoji 🎉 and ünïcödé",
        "\"", ",", "#N/A-ish"};
    fake.put("Contact", Map.of("LastName", "Old", "Customer_Id__c", "N1", "Notes__c", "to be cleared"));
    fake.put("Contact", Map.of("LastName", "Old", "Customer_Id__c", "N2", "Notes__c", "to be cleared too"));
    fake.put("Contact", Map.of("LastName", "Old", "Customer_Id__c", "N3", "Notes__c", "kept"));
    try (Salesforce destination = open(Salesforce.Path.BULK, SyncMode.UPSERT, "LastName", "Notes__c")) {
      List<Record> records = new ArrayList<>();
      for (int i = 0; i < texts.length; i++) {
        records.add(Record.builder("E" + i).set("LastName", "L" + i).set("Notes__c", texts[i]).build());
      }
      records.add(Record.builder("N1").set("LastName", "New").set("Notes__c", null).build());
      records.add(Record.builder("N2").set("LastName", "New").set("Notes__c", "").build());
      records.add(Record.builder("N3").set("LastName", "New").build());

      BatchResult result = destination.write(batch(Operation.UPSERT, records));

      assertThat(result.failedCount()).as("%s", result.outcomes()).isZero();
      Map<String, Map<String, Object>> held = fake.recordsBy("Contact", "Customer_Id__c");
      for (int i = 0; i < texts.length; i++) {
        assertThat(held.get("E" + i)).as("E%d", i).containsEntry("Notes__c", texts[i]);
      }
      assertThat(held.get("N1")).doesNotContainKey("Notes__c").containsEntry("LastName", "New");
      assertThat(held.get("N2")).doesNotContainKey("Notes__c");
      assertThat(held.get("N3")).containsEntry("Notes__c", "kept");
      assertThat(fake.uploads().get(0)).contains("#N/A").contains("\"with \"\"quotes\"\"\"");
    }
  }

  @Test
  void splitsABatchLargerThanTheUploadLimitIntoSeveralJobs() {
    try (Salesforce destination = Fakes.contacts(fake).path(Salesforce.Path.BULK).maxUploadBytes(500).build()) {
      Fakes.open(destination, SyncMode.UPSERT, "LastName", "Email");
      List<Record> records = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        records.add(contact("U" + i, "Upload"));
      }

      BatchResult result = destination.write(batch(Operation.UPSERT, records));

      assertThat(result.failedCount()).isZero();
      assertThat(fake.jobStates().size()).isGreaterThan(4);
      assertThat(fake.uploads()).allSatisfy(csv -> assertThat(csv.getBytes(java.nio.charset.StandardCharsets.UTF_8))
          .hasSizeLessThanOrEqualTo(500));
      assertThat(fake.recordsBy("Contact", "Customer_Id__c")).hasSize(100);
    }
  }

  @Test
  void abortsItsJobWhenTheStageIsCancelled() throws Exception {
    fake.bulkProcessingTime(Duration.ofHours(1));
    try (Salesforce destination = open(Salesforce.Path.BULK, SyncMode.UPSERT, "LastName", "Email")) {
      CompletableFuture<BatchResult> stage = destination.submit(batch(Operation.UPSERT,
          List.of(contact("K1", "K"), contact("K2", "K")))).toCompletableFuture();
      awaitJobIn("UploadComplete");

      stage.cancel(false);

      awaitJobIn("Aborted");
      assertThat(fake.records("Contact")).isEmpty();
    }
  }

  private void awaitJobIn(String state) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!fake.jobStates().containsValue(state)) {
      assertThat(System.nanoTime()).as("a job in state %s: %s", state, fake.jobStates()).isLessThan(deadline);
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
