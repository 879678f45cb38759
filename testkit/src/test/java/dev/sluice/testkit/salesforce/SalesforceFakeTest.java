package dev.sluice.testkit.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.MutableClock;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake answers as Salesforce's REST, OAuth and Bulk 2.0 APIs do (destinations.md §1), on raw HTTP. */
class SalesforceFakeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String V = "/services/data/v62.0/";

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));
  private SalesforceFake fake;
  private String token;

  @BeforeEach
  void start() throws Exception {
    fake = SalesforceFake.start(clock);
    token = clientCredentialsToken();
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private static final class Answer {
    final int status;
    final String text;
    final HttpResponse<String> response;

    Answer(HttpResponse<String> response) {
      this.status = response.statusCode();
      this.text = response.body();
      this.response = response;
    }

    JsonNode json() throws Exception {
      return JSON.readTree(text);
    }
  }

  private Answer call(String method, String path, String contentType, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.instanceUrl() + path))
        .header("Authorization", "Bearer " + token);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return new Answer(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
  }

  private Answer json(String method, String path, String body) throws Exception {
    return call(method, path, "application/json", body);
  }

  private Answer tokenRequest(String baseUrl, String form, String basic) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/services/oauth2/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form));
    if (basic != null) {
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    return new Answer(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
  }

  private String clientCredentialsToken() throws Exception {
    Answer answer = tokenRequest(fake.instanceUrl(), "grant_type=client_credentials",
        SalesforceFake.CONSUMER_KEY + ":" + SalesforceFake.CONSUMER_SECRET);
    assertThat(answer.status).as(answer.text).isEqualTo(200);
    return answer.json().get("access_token").asText();
  }

  private String jwt(PrivateKey key, String iss, String sub, String aud, long exp) throws Exception {
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String header = url.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
    String claims = url.encodeToString(JSON.writeValueAsBytes(Map.of("iss", iss, "sub", sub, "aud", aud, "exp", exp)));
    Signature signer = Signature.getInstance("SHA256withRSA");
    signer.initSign(key);
    signer.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
    return header + "." + claims + "." + url.encodeToString(signer.sign());
  }

  private PrivateKey appKey() throws Exception {
    String pem = fake.privateKeyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
  }

  private Answer jwtGrant(String assertion) throws Exception {
    return tokenRequest(fake.loginUrl(), "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer",
        StandardCharsets.UTF_8) + "&assertion=" + assertion, null);
  }

  @Test
  void issuesATokenForAJwtSignedWithTheCertificatesKey() throws Exception {
    long exp = clock.instant().plusSeconds(180).getEpochSecond();
    Answer answer = jwtGrant(jwt(appKey(), SalesforceFake.CONSUMER_KEY, SalesforceFake.USERNAME,
        "https://login.salesforce.com", exp));

    assertThat(answer.status).isEqualTo(200);
    JsonNode body = answer.json();
    for (String field : List.of("access_token", "instance_url", "id", "token_type", "issued_at", "signature", "scope")) {
      assertThat(body.has(field)).as("token answer has %s", field).isTrue();
    }
    assertThat(body.has("refresh_token")).isFalse();
    assertThat(body.get("instance_url").asText()).isEqualTo(fake.instanceUrl());
  }

  @Test
  void refusesAJwtSignedWithAnotherKeyOrExpiredOrForAnUnapprovedUser() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    PrivateKey stranger = generator.generateKeyPair().getPrivate();
    long exp = clock.instant().plusSeconds(180).getEpochSecond();

    Answer wrongKey = jwtGrant(jwt(stranger, SalesforceFake.CONSUMER_KEY, SalesforceFake.USERNAME, fake.loginUrl(), exp));
    Answer expired = jwtGrant(jwt(appKey(), SalesforceFake.CONSUMER_KEY, SalesforceFake.USERNAME, fake.loginUrl(),
        clock.instant().minusSeconds(1).getEpochSecond()));
    Answer unapproved = jwtGrant(jwt(appKey(), SalesforceFake.CONSUMER_KEY, "someone@else.example", fake.loginUrl(), exp));
    Answer unknownApp = jwtGrant(jwt(appKey(), "3MVGunknown", SalesforceFake.USERNAME, fake.loginUrl(), exp));

    assertThat(List.of(wrongKey.status, expired.status, unapproved.status, unknownApp.status)).containsOnly(400);
    assertThat(wrongKey.json().get("error").asText()).isEqualTo("invalid_grant");
    assertThat(expired.json().get("error_description").asText()).contains("expired");
    assertThat(unapproved.json().get("error_description").asText()).contains("approved");
    assertThat(unknownApp.json().get("error").asText()).isEqualTo("invalid_client_id");
  }

  @Test
  void takesClientCredentialsOnlyOnTheMyDomainHost() throws Exception {
    String basic = SalesforceFake.CONSUMER_KEY + ":" + SalesforceFake.CONSUMER_SECRET;

    Answer onLogin = tokenRequest(fake.loginUrl(), "grant_type=client_credentials", basic);
    Answer wrongSecret = tokenRequest(fake.instanceUrl(), "grant_type=client_credentials",
        SalesforceFake.CONSUMER_KEY + ":nope");

    assertThat(onLogin.status).isEqualTo(400);
    assertThat(onLogin.json().get("error_description").asText()).isEqualTo("request not supported on this domain");
    assertThat(wrongSecret.status).isEqualTo(400);
    assertThat(fake.tokensIssued()).containsEntry("client_credentials", 1);
  }

  @Test
  void refreshesWithAKnownRefreshTokenAndRefusesARevokedOneWithInvalidGrant() throws Exception {
    fake.refreshToken("5Aep-known");
    String form = "grant_type=refresh_token&client_id=" + SalesforceFake.CONSUMER_KEY + "&refresh_token=";

    Answer ok = tokenRequest(fake.loginUrl(), form + "5Aep-known", null);
    fake.revokeRefreshTokens();
    Answer revoked = tokenRequest(fake.loginUrl(), form + "5Aep-known", null);

    assertThat(ok.status).isEqualTo(200);
    assertThat(revoked.status).isEqualTo(400);
    assertThat(revoked.json().get("error").asText()).isEqualTo("invalid_grant");
    assertThat(revoked.json().get("error_description").asText()).isEqualTo("expired access/refresh token");
  }

  @Test
  void answers401InvalidSessionIdOnceTheSessionExpired() throws Exception {
    fake.sessionLifetime(Duration.ofMinutes(10));
    token = clientCredentialsToken();
    assertThat(call("GET", V + "sobjects/Contact/describe", null, null).status).isEqualTo(200);

    clock.advance(Duration.ofMinutes(11));
    Answer expired = call("GET", V + "sobjects/Contact/describe", null, null);

    assertThat(expired.status).isEqualTo(401);
    assertThat(expired.json().get(0).get("errorCode").asText()).isEqualTo("INVALID_SESSION_ID");
  }

  @Test
  void describesFieldsWithTheirTypesAndExternalIds() throws Exception {
    Answer answer = call("GET", V + "sobjects/Contact/describe", null, null);

    assertThat(answer.status).isEqualTo(200);
    JsonNode external = null;
    for (JsonNode f : answer.json().get("fields")) {
      for (String name : List.of("name", "type", "length", "nillable", "createable", "updateable", "externalId",
          "idLookup", "unique", "calculated", "defaultedOnCreate", "picklistValues")) {
        assertThat(f.has(name)).as("%s has %s", f.get("name"), name).isTrue();
      }
      if (f.get("name").asText().equals("Customer_Id__c")) {
        external = f;
      }
    }
    assertThat(external).isNotNull();
    assertThat(external.get("externalId").asBoolean()).isTrue();
    assertThat(call("GET", V + "sobjects/Nope__c/describe", null, null).status).isEqualTo(404);
  }

  @Test
  void upsertsByExternalIdInRequestOrderTellingCreatedFromUpdated() throws Exception {
    String body = "{\"allOrNone\":false,\"records\":["
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"A1\",\"LastName\":\"One\",\"Score__c\":5},"
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"A2\",\"LastName\":\"Two\"}]}";
    json("PATCH", V + "composite/sobjects/Contact/Customer_Id__c", body);

    Answer again = json("PATCH", V + "composite/sobjects/Contact/Customer_Id__c", "{\"records\":["
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"A3\",\"LastName\":\"Three\"},"
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"A1\",\"LastName\":\"Uno\",\"Score__c\":\"6\"}]}");

    assertThat(again.status).isEqualTo(200);
    JsonNode results = again.json();
    assertThat(results.get(0).get("created").asBoolean()).isTrue();
    assertThat(results.get(1).get("created").asBoolean()).isFalse();
    assertThat(results.get(1).get("success").asBoolean()).isTrue();
    assertThat(results.get(1).get("id").asText()).startsWith("003");
    Map<String, Map<String, Object>> held = fake.recordsBy("Contact", "Customer_Id__c");
    assertThat(held).containsOnlyKeys("A1", "A2", "A3");
    assertThat(held.get("A1")).containsEntry("LastName", "Uno").containsEntry("Score__c", new BigDecimal("6"));
  }

  @Test
  void reportsPerRecordErrorsWithTheirCodes() throws Exception {
    fake.failRecord("Contact", "L1", "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record");
    Answer answer = json("PATCH", V + "composite/sobjects/Contact/Customer_Id__c", "{\"records\":["
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"D1\",\"LastName\":\"A\"},"
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"D1\",\"LastName\":\"B\"},"
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"R1\"},"
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"P1\",\"LastName\":\"P\",\"Plan__c\":\"Gold\"},"
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"S1\",\"LastName\":\"" + "x".repeat(81) + "\"},"
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"L1\",\"LastName\":\"L\"},"
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"OK\",\"LastName\":\"Fine\"}]}");

    assertThat(answer.status).isEqualTo(200);
    List<String> codes = new ArrayList<>();
    for (JsonNode r : answer.json()) {
      codes.add(r.get("success").asBoolean() ? "ok" : r.get("errors").get(0).get("statusCode").asText());
    }
    assertThat(codes).containsExactly("DUPLICATE_VALUE", "DUPLICATE_VALUE", "REQUIRED_FIELD_MISSING",
        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "STRING_TOO_LONG", "UNABLE_TO_LOCK_ROW", "ok");
    assertThat(answer.json().get(2).get("errors").get(0).get("fields").get(0).asText()).isEqualTo("LastName");
    assertThat(fake.recordsBy("Contact", "Customer_Id__c")).containsOnlyKeys("OK");
  }

  @Test
  void refusesWholeRequestsSalesforceRefuses() throws Exception {
    StringBuilder many = new StringBuilder("{\"records\":[");
    for (int i = 0; i < 201; i++) {
      many.append(i == 0 ? "" : ",").append("{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"M")
          .append(i).append("\",\"LastName\":\"M\"}");
    }
    many.append("]}");
    String path = V + "composite/sobjects/Contact/Customer_Id__c";

    Answer tooMany = json("PATCH", path, many.toString());
    Answer noType = json("PATCH", path, "{\"records\":[{\"Customer_Id__c\":\"X\",\"LastName\":\"X\"}]}");
    Answer wrongType = json("PATCH", path, "{\"records\":[{\"attributes\":{\"type\":\"Lead\"},\"Customer_Id__c\":\"X\"}]}");
    Answer notExternal = json("PATCH", V + "composite/sobjects/Contact/Email",
        "{\"records\":[{\"attributes\":{\"type\":\"Contact\"},\"Email\":\"a@b.co\",\"LastName\":\"X\"}]}");
    Answer unknownField = json("PATCH", path,
        "{\"records\":[{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"X\",\"Emial\":\"a@b.co\"}]}");
    Answer badDate = json("PATCH", path,
        "{\"records\":[{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"X\",\"Birthdate\":\"01/02/2000\"}]}");

    assertThat(List.of(tooMany.status, noType.status, wrongType.status, notExternal.status, unknownField.status,
        badDate.status)).containsOnly(400);
    assertThat(tooMany.json().get(0).get("errorCode").asText()).isEqualTo("EXCEEDED_ID_LIMIT");
    assertThat(unknownField.json().get(0).get("message").asText()).contains("Emial");
    assertThat(badDate.json().get(0).get("errorCode").asText()).isEqualTo("JSON_PARSER_ERROR");
    assertThat(fake.records("Contact")).isEmpty();
  }

  @Test
  void rollsEveryRecordBackWhenAllOrNoneAndOneFails() throws Exception {
    Answer answer = json("PATCH", V + "composite/sobjects/Contact/Customer_Id__c", "{\"allOrNone\":true,\"records\":["
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"G1\",\"LastName\":\"Good\"},"
        + "{\"attributes\":{\"type\":\"Contact\"},\"Customer_Id__c\":\"B1\"}]}");

    assertThat(answer.json().get(0).get("errors").get(0).get("statusCode").asText())
        .isEqualTo("ALL_OR_NONE_OPERATION_ROLLED_BACK");
    assertThat(fake.records("Contact")).isEmpty();
  }

  @Test
  void createsUpdatesByIdAndDeletesThroughCollections() throws Exception {
    Answer created = json("POST", V + "composite/sobjects", "{\"allOrNone\":false,\"records\":["
        + "{\"attributes\":{\"type\":\"Account\"},\"Name\":\"Acme\",\"Account_Key__c\":\"K1\"},"
        + "{\"attributes\":{\"type\":\"Lead\"},\"LastName\":\"L\",\"Company\":\"C\",\"Lead_Key__c\":\"K2\"},"
        + "{\"attributes\":{\"type\":\"Account\"},\"Name\":\"Again\",\"Account_Key__c\":\"K1\"}]}");
    String accountId = created.json().get(0).get("id").asText();

    Answer updated = json("PATCH", V + "composite/sobjects", "{\"records\":[{\"attributes\":{\"type\":\"Account\"},"
        + "\"Id\":\"" + accountId + "\",\"NumberOfEmployees\":12}]}");
    Answer deleted = call("DELETE", V + "composite/sobjects?allOrNone=false&ids=" + accountId + ",001FAKE99999999999",
        null, null);

    assertThat(created.json().get(2).get("errors").get(0).get("statusCode").asText()).isEqualTo("DUPLICATE_VALUE");
    assertThat(updated.json().get(0).get("success").asBoolean()).isTrue();
    assertThat(deleted.json().get(0).get("success").asBoolean()).isTrue();
    assertThat(deleted.json().get(1).get("errors").get(0).get("statusCode").asText()).isEqualTo("ENTITY_IS_DELETED");
    assertThat(fake.records("Account")).isEmpty();
    assertThat(fake.recordsBy("Lead", "Lead_Key__c")).containsOnlyKeys("K2");
  }

  @Test
  void pagesAnInQueryWithNextRecordsUrl() throws Exception {
    for (int i = 0; i < 5; i++) {
      fake.put("Contact", Map.of("LastName", "Q" + i, "Customer_Id__c", "Q" + i));
    }
    fake.queryPageSize(2);
    String q = URLEncoder.encode("SELECT Id, Customer_Id__c FROM Contact WHERE Customer_Id__c IN ('Q0','Q1','Q2','Q3',"
        + "'Q4','nope','it\\'s')", StandardCharsets.UTF_8);

    List<String> keys = new ArrayList<>();
    JsonNode page = call("GET", V + "query?q=" + q, null, null).json();
    int pages = 1;
    while (true) {
      page.get("records").forEach(r -> keys.add(r.get("Customer_Id__c").asText()));
      if (page.get("done").asBoolean()) {
        break;
      }
      page = call("GET", page.get("nextRecordsUrl").asText(), null, null).json();
      pages++;
    }

    assertThat(keys).containsExactlyInAnyOrder("Q0", "Q1", "Q2", "Q3", "Q4");
    assertThat(pages).isEqualTo(3);
    assertThat(call("GET", V + "query?q=" + URLEncoder.encode("SELEKT Id FROM Contact", StandardCharsets.UTF_8), null,
        null).json().get(0).get("errorCode").asText()).isEqualTo("MALFORMED_QUERY");
  }

  @Test
  void reportsApiUsageOnEveryAnswerAndRefusesCallsBeyondTheDailyAllocation() throws Exception {
    fake.dailyApiLimit(10).apiUsage(8);

    Answer ninth = call("GET", V + "sobjects/Contact/describe", null, null);
    Answer tenth = call("GET", V + "sobjects/Contact/describe", null, null);
    Answer beyond = call("GET", V + "sobjects/Contact/describe", null, null);

    assertThat(ninth.response.headers().firstValue("Sforce-Limit-Info")).hasValue("api-usage=9/10");
    assertThat(tenth.response.headers().firstValue("Sforce-Limit-Info")).hasValue("api-usage=10/10");
    assertThat(beyond.status).isEqualTo(403);
    assertThat(beyond.json().get(0).get("errorCode").asText()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
    assertThat(beyond.json().get(0).get("message").asText()).isEqualTo("TotalRequests Limit exceeded.");
  }

  @Test
  void refusesRequestsBeyondTheConcurrencyLimitWith403() throws Exception {
    fake.refuseNextForConcurrency(1);

    Answer busy = call("GET", V + "sobjects/Contact/describe", null, null);
    Answer next = call("GET", V + "sobjects/Contact/describe", null, null);

    assertThat(busy.status).isEqualTo(403);
    assertThat(busy.json().get(0).get("message").asText()).contains("ConcurrentPerOrgLongTxn");
    assertThat(next.status).isEqualTo(200);
  }

  private String createJob(String object, String operation, String external, String lineEnding) throws Exception {
    Answer job = json("POST", V + "jobs/ingest", "{\"object\":\"" + object + "\",\"operation\":\"" + operation + "\","
        + (external == null ? "" : "\"externalIdFieldName\":\"" + external + "\",")
        + "\"contentType\":\"CSV\",\"lineEnding\":\"" + lineEnding + "\",\"columnDelimiter\":\"COMMA\"}");
    assertThat(job.status).as(job.text).isEqualTo(200);
    assertThat(job.json().get("state").asText()).isEqualTo("Open");
    return job.json().get("id").asText();
  }

  private String state(String job) throws Exception {
    return call("GET", V + "jobs/ingest/" + job, null, null).json().get("state").asText();
  }

  @Test
  void runsABulkJobThroughItsStatesAsProcessingTimePasses() throws Exception {
    fake.bulkProcessingTime(Duration.ofMinutes(2));
    String job = createJob("Contact", "upsert", "Customer_Id__c", "LF");
    StringBuilder csv = new StringBuilder("Customer_Id__c,LastName,Notes__c,Birthdate\n");
    for (int i = 0; i < 40; i++) {
      csv.append("B").append(i).append(",\"Last, ").append(i).append("\",\"says \"\"hi\"\"\nand 🎉\",2000-01-02\n");
    }
    csv.append("BX,,#N/A,2000-01-02\n");

    Answer upload = call("PUT", V + "jobs/ingest/" + job + "/batches", "text/csv", csv.toString());
    String beforeClose = state(job);
    json("PATCH", V + "jobs/ingest/" + job, "{\"state\":\"UploadComplete\"}");
    String closed = state(job);
    clock.advance(Duration.ofMinutes(1));
    String halfway = state(job);
    clock.advance(Duration.ofMinutes(1));
    JsonNode done = call("GET", V + "jobs/ingest/" + job, null, null).json();

    assertThat(upload.status).isEqualTo(201);
    assertThat(upload.text).isEmpty();
    assertThat(List.of(beforeClose, closed, halfway, done.get("state").asText()))
        .containsExactly("Open", "UploadComplete", "InProgress", "JobComplete");
    assertThat(done.get("numberRecordsProcessed").asInt()).isEqualTo(41);
    assertThat(done.get("numberRecordsFailed").asInt()).isEqualTo(1);
    Map<String, Object> b7 = fake.recordsBy("Contact", "Customer_Id__c").get("B7");
    assertThat(b7).containsEntry("LastName", "Last, 7").containsEntry("Notes__c", "says \"hi\"\nand 🎉")
        .containsEntry("Birthdate", LocalDate.of(2000, 1, 2));
    List<List<String>> failed = Csv.parse(call("GET", V + "jobs/ingest/" + job + "/failedResults/", null, null).text,
        ',', "\n");
    assertThat(failed.get(0)).startsWith("sf__Id", "sf__Error", "Customer_Id__c");
    assertThat(failed.get(1).get(1)).startsWith("REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName");
  }

  @Test
  void shufflesResultFiles() throws Exception {
    String job = createJob("Contact", "upsert", "Customer_Id__c", "LF");
    StringBuilder csv = new StringBuilder("Customer_Id__c,LastName\n");
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      csv.append("S").append(i).append(",L\n");
      sent.add("S" + i);
    }
    call("PUT", V + "jobs/ingest/" + job + "/batches", "text/csv", csv.toString());
    json("PATCH", V + "jobs/ingest/" + job, "{\"state\":\"UploadComplete\"}");
    assertThat(state(job)).isEqualTo("JobComplete");

    List<List<String>> rows = Csv.parse(call("GET", V + "jobs/ingest/" + job + "/successfulResults/", null, null).text,
        ',', "\n");
    List<String> keys = new ArrayList<>();
    rows.subList(1, rows.size()).forEach(r -> keys.add(r.get(2)));

    assertThat(rows.get(0)).containsExactly("sf__Id", "sf__Created", "Customer_Id__c", "LastName");
    assertThat(keys).containsExactlyInAnyOrderElementsOf(sent).isNotEqualTo(sent);
    assertThat(rows.get(1).get(1)).isEqualTo("true");
  }

  @Test
  void failsAJobWhoseCsvDoesNotMatchTheDeclaredLineEnding() throws Exception {
    String job = createJob("Contact", "upsert", "Customer_Id__c", "LF");
    call("PUT", V + "jobs/ingest/" + job + "/batches", "text/csv", "Customer_Id__c,LastName\r\nC1,L\r\n");
    json("PATCH", V + "jobs/ingest/" + job, "{\"state\":\"UploadComplete\"}");

    JsonNode info = call("GET", V + "jobs/ingest/" + job, null, null).json();

    assertThat(info.get("state").asText()).isEqualTo("Failed");
    assertThat(info.get("errorMessage").asText()).contains("LineEnding is invalid on user data");
    assertThat(fake.records("Contact")).isEmpty();
  }

  @Test
  void failsAJobMidwayLeavingTheRestUnprocessed() throws Exception {
    fake.failNextJobAfter(3, "InternalServerError : the job failed");
    String job = createJob("Contact", "upsert", "Customer_Id__c", "LF");
    call("PUT", V + "jobs/ingest/" + job + "/batches", "text/csv", "Customer_Id__c,LastName\nF1,a\nF2,b\nF3,c\nF4,d\nF5,e\n");
    json("PATCH", V + "jobs/ingest/" + job, "{\"state\":\"UploadComplete\"}");

    assertThat(state(job)).isEqualTo("Failed");
    List<List<String>> unprocessed = Csv.parse(call("GET", V + "jobs/ingest/" + job + "/unprocessedrecords/", null,
        null).text, ',', "\n");
    assertThat(unprocessed).hasSize(3);
    assertThat(fake.recordsBy("Contact", "Customer_Id__c")).containsOnlyKeys("F1", "F2", "F3");
  }

  @Test
  void abortsAnOpenJobAndRefusesAJobKeyedByAFieldThatIsNotAnExternalId() throws Exception {
    String job = createJob("Contact", "upsert", "Customer_Id__c", "LF");
    call("PUT", V + "jobs/ingest/" + job + "/batches", "text/csv", "Customer_Id__c,LastName\nA1,a\n");

    Answer aborted = json("PATCH", V + "jobs/ingest/" + job, "{\"state\":\"Aborted\"}");
    Answer badKey = json("POST", V + "jobs/ingest", "{\"object\":\"Contact\",\"operation\":\"upsert\","
        + "\"externalIdFieldName\":\"Email\",\"contentType\":\"CSV\",\"lineEnding\":\"LF\"}");

    assertThat(aborted.json().get("state").asText()).isEqualTo("Aborted");
    assertThat(fake.records("Contact")).isEmpty();
    assertThat(badKey.status).isEqualTo(400);
  }
}
