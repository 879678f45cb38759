package dev.sluice.hubspot;

import static dev.sluice.hubspot.Fakes.FAST;
import static dev.sluice.hubspot.Fakes.contacts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Operation;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.http.OAuth2RefreshTokenProvider;
import dev.sluice.map.Mapping;
import dev.sluice.testkit.hubspot.HubSpotFake;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.MutableClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HubSpotTest {

  private HubSpotFake fake;

  @BeforeEach
  void start() {
    fake = HubSpotFake.start();
    Fakes.defineCustomerProperties(fake);
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private static InMemorySource customers(int count) {
    InMemorySource source = InMemorySource.create();
    for (int i = 1; i <= count; i++) {
      source.put("cust-" + i, Map.of("email", "c" + i + "@example.com", "firstname", "Customer " + i, "score", i,
          "plan", "pro"));
    }
    return source;
  }

  @Test
  void mapsEachErrorOfA207ToItsRecord() {
    try (HubSpot hubspot = contacts(fake).build()) {
      List<Record> records = List.of(
          Record.of("k1", Map.of("email", "one@example.com", "plan", "pro")),
          Record.of("k2", Map.of("email", "not-an-email", "plan", "pro")),
          Record.of("k3", Map.of("email", "three@example.com", "plan", "pro")),
          Record.of("k4", Map.of("email", "four@example.com", "plan", "platinum")),
          Record.of("k5", Map.of("email", "five@example.com", "plan", "free")));

      BatchResult result = hubspot.write(new Batch("s", "r1", 1, Operation.UPSERT, records));

      assertThat(result.outcomes()).extracting(o -> o.key() + "=" + o.succeeded())
          .containsExactly("k1=true", "k2=false", "k3=true", "k4=false", "k5=true");
      assertThat(result.outcome(1).retryable()).isFalse();
      assertThat(result.outcome(1).reason()).contains("VALIDATION_ERROR").contains("not-an-email");
      assertThat(result.outcome(3).reason()).contains("platinum was not one of the allowed options");
      assertThat(fake.objectsBy("contacts", "external_id")).containsOnlyKeys("k1", "k3", "k5");
      assertThat(fake.paths()).containsExactly("POST /crm/v3/objects/contacts/batch/upsert");
    }
  }

  @Test
  void isolatesTheBadRecordsOfABatchRefusedWholeWith400() {
    fake.multiStatus(false);
    InMemorySource source = customers(40);
    source.put("cust-17", Map.of("email", "broken", "firstname", "Bad", "score", 17, "plan", "pro"));

    SyncReport report = Sync.from(source).to(contacts(fake).build()).named("isolate").delivery(FAST).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.PARTIAL);
    assertThat(report.delivered()).isEqualTo(39);
    assertThat(report.failedRecords()).singleElement().satisfies(e -> {
      assertThat(e.key()).isEqualTo("cust-17");
      assertThat(e.reason()).contains("Property values were not valid").contains("broken");
    });
    assertThat(fake.objectsBy("contacts", "external_id")).hasSize(39).doesNotContainKey("cust-17");
  }

  @Test
  void waitsOutATenSecondlyRolling429AndDeliversEverything() {
    fake.rateLimitNext("TEN_SECONDLY_ROLLING");
    HubSpot hubspot = contacts(fake).checkSchema(false).build();

    SyncReport report = Sync.from(customers(250)).to(hubspot).named("burst").concurrency(1).delivery(FAST).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(report.delivered()).isEqualTo(250);
    assertThat(fake.rateLimited()).isEqualTo(1);
    assertThat(fake.objectsBy("contacts", "external_id")).hasSize(250);
  }

  @Test
  void followsTheLimitHubSpotReports() {
    fake.rateLimit(7, Duration.ofSeconds(10));
    HubSpot hubspot = contacts(fake).tier(HubSpotTier.ENTERPRISE).build();
    assertThat(((dev.sluice.delivery.RollingWindowRateLimiter) hubspot.rateLimit()).permits()).isEqualTo(190);

    SyncReport report = Sync.from(customers(300)).to(hubspot).named("follow").delivery(FAST).build().run();

    assertThat(report.delivered()).isEqualTo(300);
    assertThat(((dev.sluice.delivery.RollingWindowRateLimiter) hubspot.rateLimit()).permits()).as("after the headers said 7 per 10 s").isLessThanOrEqualTo(7);
    assertThat(fake.rateLimited()).isZero();
  }

  @Test
  void stopsTheRunWhenTheDailyLimitIsUsedUpAndKeepsStateForWhatWasDelivered() {
    fake.dailyLimit(3); // the properties read, then two batches
    InMemoryStateStore state = new InMemoryStateStore();

    SyncReport report = Sync.from(customers(500)).to(contacts(fake).build()).named("daily").state(state)
        .concurrency(1).delivery(FAST).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.ABORTED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).contains("daily API limit")
        .contains("(3 requests per day)").contains("midnight"));
    assertThat(report.delivered()).isEqualTo(200);
    assertThat(state.entries("daily")).hasSize(200);
    assertThat(fake.objectsBy("contacts", "external_id")).hasSize(200);
  }

  @Test
  void refreshesTheOAuthTokenAheadOfItsExpiry() {
    MutableClock clock = new MutableClock(Instant.parse("2026-11-27T08:00:00Z"));
    fake.close();
    fake = HubSpotFake.start(clock).oauth("refresh-1", Duration.ofMinutes(30));
    Fakes.defineCustomerProperties(fake);
    OAuth2RefreshTokenProvider oauth = OAuth2RefreshTokenProvider.builder(fake.baseUrl(), "/oauth/v1/token")
        .client("client-id", "client-secret").refreshToken("refresh-1").clock(clock).build();
    HubSpot hubspot = HubSpot.builder("contacts").baseUrl(fake.baseUrl()).oauth(oauth).idProperty("external_id").build();
    Sync sync = Sync.from(customers(120)).to(hubspot).named("oauth").delivery(FAST).build();

    SyncReport first = sync.run();
    clock.advance(Duration.ofMinutes(26)); // 4 minutes before expiry: inside the 5-minute margin
    SyncReport second = Sync.from(customers(130)).to(hubspot).named("oauth").delivery(FAST).build().run();

    assertThat(first.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(second.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(fake.refreshes()).as("one token per run: the second refreshed ahead of expiry").isEqualTo(2);
    assertThat(fake.objectsBy("contacts", "external_id")).hasSize(130);
  }

  @Test
  void saysTheTokenIsInvalidOn401() {
    HubSpot hubspot = Fakes.contacts(fake).privateAppToken("pat-na1-revoked").build();

    SyncReport report = Sync.from(customers(10)).to(hubspot).named("bad-token").delivery(FAST).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.FAILED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m).contains("private app token")
        .contains("invalid").doesNotContain("pat-na1-revoked"));
    assertThat(fake.objectsBy("contacts", "external_id")).isEmpty();
  }

  @Test
  void archivesWhatLeftTheSourceInMirrorMode() {
    InMemorySource source = customers(50);
    Sync sync = Sync.from(source).to(contacts(fake).build()).named("mirror").mode(SyncMode.MIRROR)
        .delivery(FAST).build();
    sync.run();
    for (int i = 41; i <= 50; i++) {
      source.remove("cust-" + i);
    }

    SyncReport report = sync.run();

    assertThat(report.deleted()).isEqualTo(10);
    assertThat(report.delivered()).isEqualTo(10);
    assertThat(fake.objectsBy("contacts", "external_id")).hasSize(40).doesNotContainKey("cust-45");
    assertThat(fake.paths()).contains("POST /crm/v3/objects/contacts/batch/read",
        "POST /crm/v3/objects/contacts/batch/archive");
    assertThat(fake.inputs()).containsEntry("archive", 10).containsEntry("read", 10);
  }

  @Test
  void updatesAndInsertsThroughTheirOwnEndpoints() {
    fake.put("contacts", Map.of("external_id", "known", "email", "known@example.com"));
    BatchResult update;
    try (HubSpot hubspot = contacts(fake).build()) {
      update = hubspot.write(new Batch("s", "r1", 1, Operation.UPDATE, List.of(
          Record.of("known", Map.of("firstname", "Known")), Record.of("unknown", Map.of("firstname", "Nobody")))));
    }
    SyncReport insert = Sync.from(InMemorySource.create().put("fresh", Map.of("firstname", "Fresh")))
        .to(contacts(fake).build()).named("insert").mode(SyncMode.INSERT).delivery(FAST).build().run();

    assertThat(update.outcome(0).succeeded()).isTrue();
    assertThat(update.outcome(1).succeeded()).isFalse();
    assertThat(update.outcome(1).reason()).contains("OBJECT_NOT_FOUND");
    assertThat(insert.delivered()).isEqualTo(1);
    Map<String, Map<String, String>> held = fake.objectsBy("contacts", "external_id");
    assertThat(held.get("known")).containsEntry("firstname", "Known").containsEntry("email", "known@example.com");
    assertThat(held).doesNotContainKey("unknown");
    assertThat(held.get("fresh")).containsEntry("firstname", "Fresh");
    assertThat(fake.paths()).contains("POST /crm/v3/objects/contacts/batch/update",
        "POST /crm/v3/objects/contacts/batch/create");
  }

  @Test
  void writesValuesAsHubSpotExpectsThem() {
    Instant signedUp = Instant.parse("2026-03-04T05:06:07.123Z");
    InMemorySource source = InMemorySource.create().put(Record.builder("typed")
        .set("ltv", new BigDecimal("1E+3"))
        .set("score", 42.50)
        .set("is_active", true)
        .set("signed_up_at", signedUp)
        .set("date_of_birth", LocalDate.of(1990, 2, 28))
        .set("interests", List.of("api", "reports"))
        .set("firstname", null)
        .build());

    SyncReport report = Sync.from(source).to(contacts(fake).build()).named("types").delivery(FAST).build().run();

    assertThat(report.delivered()).as("%s", report.failedRecords()).isEqualTo(1);
    Map<String, String> held = fake.objectsBy("contacts", "external_id").get("typed");
    assertThat(held).containsEntry("ltv", "1000").containsEntry("score", "42.5").containsEntry("is_active", "true")
        .containsEntry("signed_up_at", Long.toString(signedUp.toEpochMilli()))
        .containsEntry("date_of_birth", "1990-02-28").containsEntry("interests", "api;reports")
        .doesNotContainKey("firstname");
  }

  @Test
  void rejectsAValueThatDoesNotFitItsPropertyWithoutSendingIt() {
    InMemorySource source = InMemorySource.create()
        .put("good", Map.of("plan", "pro", "score", 1))
        .put("bad-option", Map.of("plan", "gold", "score", 2))
        .put("bad-number", Map.of("plan", "pro", "score", "lots"));

    SyncReport report = Sync.from(source).to(contacts(fake).build()).named("values").delivery(FAST).build().run();

    assertThat(report.delivered()).isEqualTo(1);
    assertThat(report.failedRecords()).extracting(e -> e.key() + ": " + e.reason()).containsExactlyInAnyOrder(
        "bad-option: field 'plan' (HubSpot enumeration property): 'gold' is not an option of 'plan'; allowed:"
            + " enterprise, free, pro, starter",
        "bad-number: field 'score' (HubSpot number property): 'lots' is not a number");
    assertThat(fake.inputs()).containsEntry("upsert", 1);
  }

  @Test
  void failsFastWhenTheMappingDoesNotFitTheObject() {
    Mapping mapping = Mapping.builder().rename("email", "emial").copy("hs_lead_score").rename("name", "firstname")
        .build();
    InMemorySource source = InMemorySource.create().put("x", Map.of("email", "x@example.com", "hs_lead_score", 3,
        "name", "X"));

    SyncReport report = Sync.from(source).map(mapping).to(contacts(fake).build()).named("schema").build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.FAILED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m)
        .contains("field 'emial' is not a property of contacts; did you mean email?")
        .contains("field 'hs_lead_score' maps to contacts property 'hs_lead_score', which is read-only or calculated"));
    assertThat(fake.inputs()).isEmpty();
  }

  @Test
  void refusesAnIdPropertyWithoutUniqueValues() {
    HubSpot hubspot = contacts(fake).idProperty("firstname").build();

    SyncReport report = Sync.from(customers(3)).to(hubspot).named("non-unique").build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.FAILED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m)
        .contains("idProperty 'firstname' of contacts does not have unique values")
        .contains("such as email, external_id"));
    assertThat(fake.inputs()).isEmpty();
  }

  @Test
  void matchesSourceColumnsToPropertiesByName() {
    try (HubSpot hubspot = contacts(fake).build()) {
      Map<String, String> matched = hubspot.matchProperties(List.of("First_Name", "LASTNAME", "Email", "favourite_color",
          "hs_lead_score", "Date Of Birth"));

      assertThat(matched).containsExactly(Map.entry("First_Name", "firstname"), Map.entry("LASTNAME", "lastname"),
          Map.entry("Email", "email"), Map.entry("Date Of Birth", "date_of_birth"));
      Mapping mapping = hubspot.autoMapping(List.of("First_Name", "Email", "favourite_color"));
      assertThat(mapping.fields()).contains(List.of("firstname", "email"));
    }
  }

  @Test
  void writesDealsCompaniesTicketsAndCustomObjects() {
    fake.define("p_vehicles", HubSpotFake.Property.string("vin").unique(), HubSpotFake.Property.number("mileage"));
    fake.define("deals", HubSpotFake.Property.string("deal_ref").unique());
    Instant close = Instant.parse("2026-12-31T17:00:00Z");

    SyncReport vehicles = Sync.from(InMemorySource.create().put("VIN123", Map.of("mileage", 42_000)))
        .to(HubSpot.builder("p_vehicles").baseUrl(fake.baseUrl()).privateAppToken(HubSpotFake.DEFAULT_TOKEN)
            .idProperty("vin").build()).named("vehicles").build().run();
    SyncReport deals = Sync.from(InMemorySource.create().put("D-1", Map.of("dealname", "Big one",
            "amount", new BigDecimal("12500.00"), "dealstage", "contractsent", "closedate", close)))
        .to(HubSpot.builder("deals").baseUrl(fake.baseUrl()).privateAppToken(HubSpotFake.DEFAULT_TOKEN)
            .idProperty("deal_ref").build()).named("deals").build().run();

    assertThat(vehicles.delivered()).isEqualTo(1);
    assertThat(deals.delivered()).isEqualTo(1);
    assertThat(fake.objectsBy("p_vehicles", "vin").get("VIN123")).containsEntry("mileage", "42000");
    assertThat(fake.objectsBy("deals", "deal_ref").get("D-1")).containsEntry("amount", "12500.00")
        .containsEntry("closedate", Long.toString(close.toEpochMilli()));
  }

  @Test
  void destinationsOfTheSamePortalShareOneBudgetFromTheApplicationsRegistry() {
    dev.sluice.delivery.RateLimitRegistry budgets = dev.sluice.delivery.RateLimitRegistry.create();
    try (HubSpot contacts = contacts(fake).portal("portal-77", budgets).tier(HubSpotTier.STARTER).build();
        HubSpot deals = HubSpot.builder("deals").baseUrl(fake.baseUrl()).privateAppToken(HubSpotFake.DEFAULT_TOKEN)
            .idProperty("deal_ref").portal("portal-77", budgets).build();
        HubSpot elsewhere = contacts(fake).portal("portal-78", budgets).build();
        HubSpot otherApplication = contacts(fake).portal("portal-77", dev.sluice.delivery.RateLimitRegistry.create())
            .build()) {

      assertThat(deals.rateLimit()).isSameAs(contacts.rateLimit()).isNotSameAs(elsewhere.rateLimit())
          .isNotSameAs(otherApplication.rateLimit());
      assertThat(contacts.capabilities().rateLimit()).containsSame(contacts.rateLimit());
      assertThat(contacts.capabilities().requestsTakePermits()).as("every request takes its own permit").isTrue();
      assertThat(contacts.rateLimit().getRateLimiterConfig().getLimitForPeriod()).isEqualTo(100);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> contacts(fake).portal("portal-77", budgets)
              .tier(HubSpotTier.PROFESSIONAL).build())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("'hubspot:portal-77' already exists");
    }
  }

  @Test
  void refusesToBuildWithoutCredentialsOrWithABadObjectType() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HubSpot.builder("contacts").idProperty("email").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("privateAppToken(...) or oauth(...)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> HubSpot.builder("crm/contacts"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'crm/contacts'");
  }

  @Test
  void stopsAtTheFirstBatchWithAFieldThatIsNoPropertyWhenTheMappingDeclaresNoFields() {
    InMemorySource source = InMemorySource.create().put("x", Map.of("email", "x@example.com", "favourite_color", "teal"));

    SyncReport report = Sync.from(source).to(contacts(fake).build()).named("undeclared").delivery(FAST).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.ABORTED);
    assertThat(report.failure()).hasValueSatisfying(m -> assertThat(m)
        .contains("field 'favourite_color' is not a property of HubSpot contacts"));
    assertThat(fake.inputs()).isEmpty();
  }

  @Test
  void retriesA5xxAndDelivers() {
    fake.respondNext(502, "{\"status\":\"error\",\"message\":\"Bad gateway\",\"category\":\"INTERNAL_ERROR\"}");
    HubSpot hubspot = contacts(fake).checkSchema(false).build();

    SyncReport report = Sync.from(customers(30)).to(hubspot).named("retry").delivery(FAST).build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(report.delivered()).isEqualTo(30);
    assertThat(fake.paths()).hasSize(2);
  }

  @Test
  void readsThePropertiesAgainAfterA5xx() {
    fake.respondNext(503, "{\"status\":\"error\",\"message\":\"unavailable\",\"category\":\"INTERNAL_ERROR\"}");

    SyncReport report = Sync.from(customers(5)).to(contacts(fake).build()).named("schema-retry").delivery(FAST)
        .build().run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(fake.paths()).containsExactly("GET /crm/v3/properties/contacts", "GET /crm/v3/properties/contacts",
        "POST /crm/v3/objects/contacts/batch/upsert");
  }
}
