package dev.sluice.zendesk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.RunContext;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.delivery.RollingWindowRateLimiter;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Operation;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RecordOutcome;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.zendesk.ZendeskFake;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZendeskTest {

  private ZendeskFake fake;
  private long sequence;

  @BeforeEach
  void start() {
    fake = Fakes.start();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private Batch batch(Operation op, List<Record> records) {
    return new Batch("zendesk-test", "run", ++sequence, op, records);
  }

  private static Record user(String key, Object... fields) {
    Record.Builder b = Record.builder(key).set("name", "User " + key);
    for (int i = 0; i < fields.length; i += 2) {
      b.set((String) fields[i], fields[i + 1]);
    }
    return b.build();
  }

  private static List<String> outcomes(BatchResult result) {
    List<String> list = new ArrayList<>();
    result.outcomes().forEach(o -> list.add(o.key() + "=" + (o.succeeded() ? "ok" : !o.failed()
        ? o.status().name().toLowerCase(java.util.Locale.ROOT) : o.retryable() ? "retry" : "failed")));
    return list;
  }

  @Test
  void mapsPerItemFailuresOfAJobToTheirRecordsByIndex() {
    fake.putUser(Map.of("name", "Taken", "external_id", "someone-else", "email", "taken@example.com"));
    try (Zendesk users = Fakes.users(fake).checkSchema(false).build()) {
      BatchResult result = users.write(batch(Operation.UPSERT, List.of(
          user("u1", "email", "one@example.com"),
          user("u2", "email", "taken@example.com"),
          user("u3", "score", 3),
          user("u4", "score", "lots"),
          user("u5", "plan", "platinum"))));

      assertThat(outcomes(result)).containsExactly("u1=ok", "u2=failed", "u3=ok", "u4=failed", "u5=failed");
      assertThat(result.outcome(1).reason()).contains("UserCreateError").contains("taken@example.com")
          .contains("already being used");
      assertThat(result.outcome(3).reason()).contains("Score").contains("lots");
      assertThat(result.outcome(4).reason()).contains("platinum");
      assertThat(fake.usersByExternalId()).containsOnlyKeys("someone-else", "u1", "u3");
    }
  }

  @Test
  void checksValuesAgainstTheFieldTypesBeforeSendingAndConvertsThem() {
    try (Zendesk users = Fakes.users(fake).build()) {
      users.open(new RunContext("s", "r", SyncMode.UPSERT, false,
          List.of("name", "email", "score", "ltv", "plan", "churn_risk", "renewal_date", "account_code", "role", "tags")));

      BatchResult result = users.write(batch(Operation.UPSERT, List.of(
          user("ok", "email", "ok@example.com", "score", new BigDecimal("7"), "ltv", 1234.5, "plan", "pro",
              "churn_risk", "true", "renewal_date", LocalDate.of(2027, 3, 1), "account_code", "ACM-42",
              "role", "end-user", "tags", "vip, warehouse"),
          user("bad-email", "email", "not an email"),
          user("bad-plan", "plan", "platinum"),
          user("bad-score", "score", 1.5),
          user("bad-code", "account_code", "acme"),
          user("bad-date", "renewal_date", Instant.parse("2027-03-01T10:00:00Z")),
          user("bad-role", "role", "owner"),
          user("huge-score", "score", "1e999999999"),
          user("long-score", "score", "9".repeat(200_000)))));

      assertThat(outcomes(result)).containsExactly("ok=ok", "bad-email=failed", "bad-plan=failed", "bad-score=failed",
          "bad-code=failed", "bad-date=failed", "bad-role=failed", "huge-score=failed", "long-score=failed");
      assertThat(result.outcome(7).reason()).contains("field 'score'");
      assertThat(result.outcome(8).reason()).as("held to the decimal limits, not parsed at length")
          .contains("field 'score'").contains("limit");
      assertThat(result.outcome(1).reason()).contains("field 'email'").contains("not a properly formatted email");
      assertThat(result.outcome(2).reason()).contains("field 'plan'").contains("allowed: enterprise, free, pro");
      assertThat(result.outcome(3).reason()).contains("field 'score'").contains("whole number");
      assertThat(result.outcome(4).reason()).contains("field 'account_code'").contains("[A-Z]{3}-\\d+");
      assertThat(result.outcome(5).reason()).contains("midnight");
      assertThat(result.outcome(6).reason()).contains("end-user, agent or admin");
      assertThat(fake.items()).as("only the valid record was sent").containsEntry("users/create_or_update", 1);
      Map<String, Object> stored = Fakes.flat(fake.usersByExternalId()).get("ok");
      assertThat(stored).containsEntry("score", 7L).containsEntry("plan", "pro").containsEntry("churn_risk", true)
          .containsEntry("renewal_date", "2027-03-01T00:00:00+00:00").containsEntry("account_code", "ACM-42")
          .containsEntry("tags", List.of("vip", "warehouse"));
      assertThat(stored.get("ltv").toString()).isEqualTo("1234.5");
    }
  }

  @Test
  void failsTheRunBeforeSendingForAnUnknownOrInactiveFieldSuggestingTheNearestNames() {
    try (Zendesk users = Fakes.users(fake).build()) {
      assertThatThrownBy(() -> users.open(new RunContext("s", "r", SyncMode.UPSERT, false,
          List.of("name", "scor", "Plan_", "health", "external_id"))))
          .isInstanceOf(ZendeskSchemaException.class)
          .hasMessageContaining("field 'scor' is neither a standard user attribute nor a user_fields key; did you mean score?")
          .hasMessageContaining("did you mean plan?")
          .hasMessageContaining("user_fields 'health' is inactive")
          .hasMessageContaining("field 'external_id' is written from the record key");
      assertThat(fake.paths()).containsExactly("GET /api/v2/user_fields");
    }
  }

  @Test
  void completesJobsThatFinishOutOfOrder() throws Exception {
    fake.nextJobTakes(Duration.ofMillis(10), Duration.ofSeconds(2));
    try (Zendesk users = Fakes.users(fake).build()) {
      ConcurrentLinkedQueue<String> completed = new ConcurrentLinkedQueue<>();
      CompletableFuture<BatchResult> slow = users.submit(batch(Operation.UPSERT, List.of(user("slow1"), user("slow2"))))
          .toCompletableFuture().whenComplete((r, e) -> completed.add("slow"));
      awaitJobs(1);
      CompletableFuture<BatchResult> quick = users.submit(batch(Operation.UPSERT, List.of(user("quick1"))))
          .toCompletableFuture().whenComplete((r, e) -> completed.add("quick"));

      assertThat(outcomes(quick.get(10, TimeUnit.SECONDS))).containsExactly("quick1=ok");
      assertThat(outcomes(slow.get(10, TimeUnit.SECONDS))).containsExactly("slow1=ok", "slow2=ok");
      assertThat(completed).containsExactly("quick", "slow");
      assertThat(fake.usersByExternalId()).containsOnlyKeys("slow1", "slow2", "quick1");
    }
  }

  @Test
  void neverHasMoreThanThirtyJobsInFlightHoweverManyBatchesAreSubmitted() throws Exception {
    fake.jobDuration(Duration.ofMillis(100), Duration.ofMillis(100));
    try (Zendesk users = Fakes.users(fake).requestThreads(8).build()) {
      List<CompletableFuture<BatchResult>> futures = new ArrayList<>();
      for (int b = 0; b < 45; b++) {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
          records.add(user("b" + b + "-" + i));
        }
        futures.add(users.submit(batch(Operation.UPSERT, records)).toCompletableFuture());
      }

      for (CompletableFuture<BatchResult> f : futures) {
        assertThat(f.get(30, TimeUnit.SECONDS).failedCount()).isZero();
      }
      assertThat(fake.jobsSubmitted()).isEqualTo(45);
      assertThat(fake.maxActiveJobs()).isLessThanOrEqualTo(ZendeskFake.MAX_JOBS);
      assertThat(fake.tooManyJobs()).isZero();
      assertThat(fake.usersByExternalId()).hasSize(450);
    }
  }

  @Test
  void waitsWhenZendeskSaysTooManyJobs() {
    fake.respondNext(429, "{\"error\":\"TooManyJobs\",\"description\":\"Number of allowed queued or running jobs exceeded\"}");
    try (Zendesk users = Fakes.users(fake).build()) {
      BatchResult result = users.write(batch(Operation.UPSERT, List.of(user("u1"))));

      assertThat(result.failedCount()).isZero();
      assertThat(users.rateLimitedAnswers()).isEqualTo(1);
      assertThat(fake.paths()).startsWith("POST /api/v2/users/create_or_update_many",
          "POST /api/v2/users/create_or_update_many");
    }
  }

  @Test
  void waitsOutA429WithRetryAfterBeforeAnyOtherRequest() {
    fake.rateLimitNext(1);
    try (Zendesk users = Fakes.users(fake).build()) {
      long start = System.nanoTime();
      BatchResult result = users.write(batch(Operation.UPSERT, List.of(user("u1"), user("u2"))));

      assertThat(result.failedCount()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
      assertThat(fake.rateLimited()).isEqualTo(1);
      assertThat(fake.usersByExternalId()).containsOnlyKeys("u1", "u2");
    }
  }

  @Test
  void backsOffFromAnEndpointLimitWithoutRetryAfter() {
    fake.endpointLimitNext().endpointLimitNext().endpointLimitNext();
    try (Zendesk users = Fakes.users(fake).backoff(Duration.ofMillis(40), Duration.ofSeconds(1)).build()) {
      long start = System.nanoTime();
      BatchResult result = users.write(batch(Operation.UPSERT, List.of(user("u1"))));

      assertThat(result.failedCount()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).as("40 + 80 + 160 ms of backoff")
          .isGreaterThanOrEqualTo(Duration.ofMillis(280));
      assertThat(users.rateLimitedAnswers()).isEqualTo(3);
    }
  }

  @Test
  void givesUpOnA429StormAfterTheAllowedWaitLeavingTheRecordsPending() {
    for (int i = 0; i < 20; i++) {
      fake.endpointLimitNext();
    }
    try (Zendesk users = Fakes.users(fake).backoff(Duration.ofMillis(20), Duration.ofMillis(20))
        .maxRateLimitWait(Duration.ofMillis(100)).build()) {
      assertThatThrownBy(() -> users.write(batch(Operation.UPSERT, List.of(user("u1")))))
          .isInstanceOf(RetryableDestinationException.class).hasMessageContaining("kept answering 429");
    }
  }

  @Test
  void stopsTheRunOnARefusedCredentialNamingIt() {
    fake.revokeCredentials();
    InMemorySource source = InMemorySource.create().put("u1", Map.of("name", "Ada"));

    SyncReport atOpen = Sync.from(source).to(Fakes.users(fake).build()).named("revoked").build().run();
    SyncReport atWrite = Sync.from(source).to(Fakes.users(fake).checkSchema(false).build()).named("revoked-write")
        .build().run();

    assertThat(atOpen.status()).as("the field read refused").isEqualTo(SyncReport.Status.FAILED);
    assertThat(atWrite.status()).as("the first write refused").isEqualTo(SyncReport.Status.ABORTED);
    for (SyncReport report : List.of(atOpen, atWrite)) {
      assertThat(report.failure()).hasValueSatisfying(f -> assertThat(f)
          .contains("Zendesk refused the API token of " + ZendeskFake.DEFAULT_EMAIL).contains("401")
          .doesNotContain(ZendeskFake.DEFAULT_API_TOKEN));
      assertThat(report.delivered()).isZero();
    }
  }

  @Test
  void stopsTheRunWhenDataImportsAreOffSayingHowToEnableThem() {
    fake.dataImports(false);
    try (Zendesk users = Fakes.users(fake).checkSchema(false).build()) {
      assertThatThrownBy(() -> users.write(batch(Operation.UPSERT, List.of(user("u1")))))
          .isInstanceOfSatisfying(PermanentDestinationException.class, e -> assertThat(e.stopsRun()).isTrue())
          .hasMessageContaining("Data imports are not enabled")
          .hasMessageContaining("ask Zendesk Customer Support to enable data imports");
    }
  }

  @Test
  void stopsTheRunWhenTheAgentLacksPermissionSayingWhichRoleItNeeds() {
    fake.respondNext(403, "{\"error\":\"Forbidden\",\"description\":\"You do not have access to this page\"}");
    try (Zendesk users = Fakes.users(fake).checkSchema(false).build()) {
      assertThatThrownBy(() -> users.write(batch(Operation.UPSERT, List.of(user("u1")))))
          .isInstanceOfSatisfying(PermanentDestinationException.class, e -> assertThat(e.stopsRun()).isTrue())
          .hasMessageContaining("403 Forbidden: You do not have access")
          .hasMessageContaining("the agent must be an admin");
    }
  }

  @Test
  void authenticatesWithAnOAuthToken() {
    try (Zendesk users = Zendesk.users().baseUrl(fake.baseUrl()).oauthToken(ZendeskFake.DEFAULT_OAUTH_TOKEN)
        .pollInterval(Duration.ofMillis(20)).build()) {
      assertThat(users.write(batch(Operation.UPSERT, List.of(user("u1")))).failedCount()).isZero();
    }
  }

  @Test
  void deletesByExternalIdAndCountsAKeyZendeskDoesNotHoldAsGone() {
    fake.putUser(Map.of("name", "A", "external_id", "gone-1"));
    fake.putUser(Map.of("name", "B", "external_id", "stays"));
    try (Zendesk users = Fakes.users(fake).build()) {
      BatchResult result = users.write(batch(Operation.DELETE, List.of(Record.keyOnly("gone-1"),
          Record.keyOnly("never-there"))));

      assertThat(outcomes(result)).containsExactly("gone-1=ok", "never-there=ok");
      assertThat(fake.usersByExternalId()).containsOnlyKeys("stays");
      assertThat(fake.paths()).contains("DELETE /api/v2/users/destroy_many");
    }
  }

  @Test
  void mirrorSyncDeletesUsersThatLeftTheSource() {
    InMemorySource source = InMemorySource.create();
    for (int i = 1; i <= 5; i++) {
      source.put("m" + i, Map.of("name", "Member " + i));
    }
    Zendesk users = Fakes.users(fake).checkSchema(false).build();
    Sync sync = Sync.from(source).to(users).named("mirror").mode(SyncMode.MIRROR)
        .state(new dev.sluice.state.InMemoryStateStore()).build();
    assertThat(sync.run().delivered()).isEqualTo(5);

    source.remove("m2").remove("m4");
    SyncReport second = sync.run();

    assertThat(second.removedRecords()).isEqualTo(2);
    assertThat(second.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(fake.usersByExternalId()).containsOnlyKeys("m1", "m3", "m5");
    users.close();
  }

  @Test
  void setsOrganizationMembershipByTheOrganizationsExternalId() {
    long acme = fake.putOrganization(Map.of("name", "Acme", "external_id", "ACME-1"));
    try (Zendesk users = Fakes.users(fake).build()) {
      BatchResult result = users.write(batch(Operation.UPSERT, List.of(
          user("u1", Zendesk.ORGANIZATION_EXTERNAL_ID, "acme-1"),
          user("u2", Zendesk.ORGANIZATION_EXTERNAL_ID, "nope"),
          user("u3", Zendesk.ORGANIZATION_EXTERNAL_ID, "ACME-1"))));
      users.write(batch(Operation.UPSERT, List.of(user("u4", Zendesk.ORGANIZATION_EXTERNAL_ID, "acme-1"))));

      assertThat(outcomes(result)).containsExactly("u1=ok", "u2=failed", "u3=ok");
      assertThat(result.outcome(1).reason()).contains("no organization with external id 'nope'")
          .contains("sync the organizations first");
      assertThat(((Number) fake.usersByExternalId().get("u1").get("organization_id")).longValue()).isEqualTo(acme);
      assertThat(((Number) fake.usersByExternalId().get("u4").get("organization_id")).longValue()).isEqualTo(acme);
      assertThat(fake.paths().stream().filter(p -> p.equals("GET /api/v2/organizations/show_many")))
          .as("the organization's id is looked up once").hasSize(1);
    }
  }

  @Test
  void upsertsOrganizationsByUpdatingThoseZendeskHoldsAndCreatingTheRest() {
    fake.putOrganization(Map.of("name", "Acme", "external_id", "Acme", "notes", "old"));
    try (Zendesk orgs = Fakes.organizations(fake).build()) {
      BatchResult result = orgs.write(batch(Operation.UPSERT, List.of(
          Record.builder("acme").set("notes", "key account").set("region", "EU").build(),
          Record.builder("globex").set("name", "Globex").set("tags", List.of("prospect")).build(),
          Record.builder("dup").set("name", "ACME").build())));

      assertThat(outcomes(result)).containsExactly("acme=ok", "globex=ok", "dup=failed");
      assertThat(result.outcome(2).reason()).contains("Name").contains("taken");
      Map<String, Map<String, Object>> held = Fakes.flat(fake.organizationsByExternalId());
      assertThat(held).containsOnlyKeys("acme", "globex");
      assertThat(held.get("acme")).containsEntry("notes", "key account").containsEntry("region", "EU")
          .containsEntry("name", "Acme");
      assertThat(fake.paths()).containsExactlyInAnyOrder("GET /api/v2/organizations/show_many",
          "PUT /api/v2/organizations/update_many", "POST /api/v2/organizations/create_many",
          "GET /api/v2/job_statuses/show_many", "GET /api/v2/job_statuses/show_many");
    }
  }

  @Test
  void updateNeverCreatesAndInsertNeverUpdates() {
    fake.putUser(Map.of("name", "Held", "external_id", "held"));
    try (Zendesk users = Fakes.users(fake).build()) {
      BatchResult updated = users.write(batch(Operation.UPDATE, List.of(user("held", "notes", "changed"),
          user("absent", "notes", "x"))));
      BatchResult inserted = users.write(batch(Operation.INSERT, List.of(user("held", "notes", "again"),
          user("fresh"))));

      assertThat(outcomes(updated)).containsExactly("held=ok", "absent=not_found");
      assertThat(updated.outcome(1).reason()).contains("RecordNotFound").contains("absent");
      assertThat(outcomes(inserted)).containsExactly("held=already_exists", "fresh=ok");
      assertThat(inserted.outcome(0).reason()).contains("External ID").contains("taken");
      assertThat(fake.usersByExternalId()).containsOnlyKeys("held", "fresh");
      assertThat(fake.usersByExternalId().get("held")).containsEntry("notes", "changed");
    }
  }

  @Test
  void leavesTheRecordsOfAFailedOrVanishedJobPending() {
    try (Zendesk users = Fakes.users(fake).build()) {
      fake.failNextJob("Internal error while processing");
      BatchResult failed = users.write(batch(Operation.UPSERT, List.of(user("f1"), user("f2"))));
      fake.nextJobTakes(Duration.ofSeconds(30), Duration.ofSeconds(30));
      CompletableFuture<BatchResult> vanishing = users.submit(batch(Operation.UPSERT, List.of(user("v1"))))
          .toCompletableFuture();
      awaitJobs(2);
      fake.forgetJobs();
      BatchResult vanished = vanishing.join();

      assertThat(failed.outcomes()).allSatisfy(o -> {
        assertThat(o.succeeded()).isFalse();
        assertThat(o.retryable()).isTrue();
        assertThat(o.reason()).contains("ended failed").contains("Internal error while processing");
      });
      RecordOutcome v = vanished.outcome(0);
      assertThat(v.retryable()).isTrue();
      assertThat(v.reason()).contains("no longer knows job");
      assertThat(fake.usersByExternalId()).isEmpty();
    }
  }

  @Test
  void keysUsersByEmailForUpsertsAndRefusesModesThatNeedExternalIds() {
    fake.putUser(Map.of("name", "Ada", "email", "ada@example.com"));
    try (Zendesk users = Fakes.users(fake).keyByEmail().build()) {
      BatchResult result = users.write(batch(Operation.UPSERT, List.of(
          Record.builder("ADA@example.com").set("name", "Ada Lovelace").build(),
          Record.builder("new@example.com").set("name", "New").build(),
          Record.builder("broken").set("name", "Broken").build())));

      assertThat(outcomes(result)).containsExactly("ADA@example.com=ok", "new@example.com=ok", "broken=failed");
      assertThat(fake.usersByEmail().get("ada@example.com")).containsEntry("name", "Ada Lovelace");
      assertThat(users.capabilities().operations()).containsExactlyInAnyOrder(Operation.UPSERT, Operation.INSERT);
      assertThatThrownBy(() -> users.open(new RunContext("s", "r", SyncMode.MIRROR, false)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("key the users by external_id");
    }
  }

  @Test
  void followsTheLimitZendeskReportsAndPollsWithinTheBudget() {
    fake.rateLimit(200);
    try (Zendesk users = Fakes.users(fake).build()) {
      assertThat(((RollingWindowRateLimiter) users.rateLimit()).permits()).isEqualTo(700);
      users.write(batch(Operation.UPSERT, List.of(user("u1"))));

      assertThat(((RollingWindowRateLimiter) users.rateLimit()).permits()).as("after X-Rate-Limit said 200").isLessThanOrEqualTo(200);
      assertThat(users.requests()).isEqualTo(fake.requests());
    }
  }

  @Test
  void waitsForTheWindowToResetWhenZendeskSaysNothingIsLeftInsteadOfDrawingA429() {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));
    try (ZendeskFake limited = ZendeskFake.start(clock).jobDuration(Duration.ZERO, Duration.ZERO).rateLimit(2);
        Zendesk users = Fakes.users(limited).checkSchema(false)
            .rateLimit(RollingWindowRateLimiter.builder("zendesk-test", 700, Duration.ofMinutes(1))
                .clock(clock, clock::advance).build()).build()) {
      Instant start = clock.instant();
      for (int i = 1; i <= 3; i++) {
        assertThat(users.write(batch(Operation.UPSERT, List.of(user("u" + i)))).failedCount()).isZero();
      }

      assertThat(limited.rateLimited()).isZero();
      assertThat(Duration.between(start, clock.instant())).as("waited for ratelimit-reset")
          .isGreaterThanOrEqualTo(Duration.ofSeconds(59));
      assertThat(limited.usersByExternalId()).containsOnlyKeys("u1", "u2", "u3");
    }
  }

  @Test
  void retriesServerErrorsThenFailsTheBatchAsRetryable() {
    fake.respondNext(503, "{\"error\":\"unavailable\"}").respondNext(502, "{\"error\":\"bad gateway\"}");
    try (Zendesk users = Fakes.users(fake).build()) {
      assertThat(users.write(batch(Operation.UPSERT, List.of(user("u1")))).failedCount()).isZero();

      fake.respondNext(503, "{}").respondNext(503, "{}").respondNext(503, "{}");
      assertThatThrownBy(() -> users.submit(batch(Operation.UPSERT, List.of(user("u2")))).toCompletableFuture().join())
          .isInstanceOf(CompletionException.class).hasCauseInstanceOf(RetryableDestinationException.class);
    }
  }

  private void awaitJobs(long count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fake.jobsSubmitted() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the fake never got " + count + " job(s)");
      }
      Thread.onSpinWait();
    }
  }
}
