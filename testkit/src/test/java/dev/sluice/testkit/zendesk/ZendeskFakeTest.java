package dev.sluice.testkit.zendesk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.MutableClock;
import dev.sluice.testkit.zendesk.ZendeskFake.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake behaves like Zendesk's Support API on raw HTTP: response shapes of the OpenAPI
 * specification (required fields of {@code JobStatusObject}, {@code CreateResourceResult},
 * {@code UpdateResourceResult}, {@code CustomFieldObject}), unique rules, jobs over time, limits.
 */
class ZendeskFakeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TOKEN_AUTH = "Basic " + Base64.getEncoder().encodeToString(
      (ZendeskFake.DEFAULT_EMAIL + "/token:" + ZendeskFake.DEFAULT_API_TOKEN).getBytes(StandardCharsets.UTF_8));

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T09:00:00Z"));
  private ZendeskFake fake;

  @BeforeEach
  void start() {
    fake = ZendeskFake.start(clock)
        .jobDuration(Duration.ofSeconds(1), Duration.ofSeconds(2))
        .userFields(Field.decimal("ltv"), Field.integer("score"), Field.dropdown("plan", "free", "pro"),
            Field.checkbox("vip"), Field.date("renewal"), Field.regexp("account_code", "[A-Z]{3}-\\d+"))
        .organizationFields(Field.text("region"));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void aJobMovesFromQueuedThroughWorkingToCompletedAsTimePasses() throws Exception {
    Answer submitted = call("POST", "/api/v2/users/create_or_update_many",
        "{\"users\":[{\"external_id\":\"u1\",\"name\":\"Ada\",\"email\":\"ada@example.com\"}]}");

    JsonNode job = submitted.body.path("job_status");
    assertThat(submitted.status).isEqualTo(200);
    assertThat(job.path("status").asText()).isEqualTo("queued");
    assertThat(job.path("id").asText()).isNotBlank();
    assertThat(job.path("url").asText()).endsWith("/api/v2/job_statuses/" + job.path("id").asText() + ".json");
    assertThat(job.path("total").asInt()).isEqualTo(1);
    assertThat(fake.usersByExternalId()).isEmpty();

    clock.advance(Duration.ofMillis(1500));
    assertThat(poll(job).path("status").asText()).isEqualTo("working");
    assertThat(fake.usersByExternalId()).as("the work is done when the job completes").isEmpty();

    clock.advance(Duration.ofMillis(1500));
    JsonNode done = poll(job);
    assertThat(done.path("status").asText()).isEqualTo("completed");
    assertThat(done.path("progress").asInt()).isEqualTo(1);
    JsonNode result = done.path("results").get(0);
    assertThat(result.path("index").asInt()).isZero();
    assertThat(result.path("id").isIntegralNumber()).isTrue();
    assertThat(result.path("status").asText()).isEqualTo("Created");
    assertThat(fake.usersByExternalId()).containsKey("u1");
    assertThat(fake.usersByExternalId().get("u1")).containsEntry("name", "Ada").containsEntry("role", "end-user");
  }

  @Test
  void createOrUpdateMatchesUsersByExternalIdWithoutRegardToCaseThenByEmail() throws Exception {
    fake.putUser(Map.of("name", "Ada", "external_id", "U1", "email", "ada@example.com"));
    fake.putUser(Map.of("name", "Bob", "email", "bob@example.com"));

    JsonNode done = complete(call("POST", "/api/v2/users/create_or_update_many", "{\"users\":["
        + "{\"external_id\":\"u1\",\"name\":\"Ada L\"},"
        + "{\"email\":\"BOB@example.com\",\"name\":\"Bob B\"}]}"));

    assertThat(done.path("results").get(0).path("status").asText()).isEqualTo("Updated");
    assertThat(done.path("results").get(1).path("status").asText()).isEqualTo("Updated");
    assertThat(fake.usersByEmail().get("bob@example.com")).containsEntry("name", "Bob B");
    assertThat(fake.usersByExternalId()).containsOnlyKeys("u1");
    assertThat(fake.usersByExternalId().get("u1")).containsEntry("name", "Ada L")
        .containsEntry("email", "ada@example.com");
  }

  @Test
  void reportsPerItemFailuresByIndexForADuplicateEmailAndABadFieldValue() throws Exception {
    fake.putUser(Map.of("name", "Taken", "external_id", "other", "email", "taken@example.com"));

    JsonNode done = complete(call("POST", "/api/v2/users/create_or_update_many", "{\"users\":["
        + "{\"external_id\":\"a\",\"name\":\"A\",\"email\":\"taken@example.com\"},"
        + "{\"external_id\":\"b\",\"name\":\"B\",\"user_fields\":{\"score\":\"lots\"}},"
        + "{\"external_id\":\"c\",\"name\":\"C\",\"user_fields\":{\"plan\":\"gold\"}},"
        + "{\"external_id\":\"d\",\"name\":\"D\",\"email\":\"d@\"},"
        + "{\"external_id\":\"e\",\"name\":\"E\",\"user_fields\":{\"account_code\":\"ABC-12\",\"ltv\":\"12.50\","
        + "\"vip\":true,\"renewal\":\"2027-01-31\"}}]}"));

    JsonNode results = done.path("results");
    assertThat(done.path("status").asText()).as("a completed job can hold failed items").isEqualTo("completed");
    assertThat(results.get(0).path("status").asText()).isEqualTo("Failed");
    assertThat(results.get(0).path("details").asText()).contains("already being used");
    assertThat(results.get(1).path("details").asText()).contains("Score").contains("lots");
    assertThat(results.get(2).path("details").asText()).contains("gold");
    assertThat(results.get(3).path("details").asText()).contains("not properly formatted");
    for (int i = 0; i < 4; i++) {
      assertThat(results.get(i).path("index").asInt()).isEqualTo(i);
      assertThat(results.get(i).path("error").asText()).isEqualTo("UserCreateError");
    }
    assertThat(results.get(4).path("status").asText()).isEqualTo("Created");
    assertThat(fake.usersByExternalId()).containsOnlyKeys("other", "e");
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = (Map<String, Object>) fake.usersByExternalId().get("e").get("user_fields");
    assertThat(fields).containsEntry("account_code", "ABC-12").containsEntry("vip", true)
        .containsEntry("renewal", "2027-01-31T00:00:00+00:00");
    assertThat(fields.get("ltv").toString()).isEqualTo("12.5");
  }

  @Test
  void createManyNeverUpdatesAnExistingUser() throws Exception {
    fake.putUser(Map.of("name", "Ada", "external_id", "u1"));

    JsonNode done = complete(call("POST", "/api/v2/users/create_many",
        "{\"users\":[{\"external_id\":\"U1\",\"name\":\"Other\"},{\"external_id\":\"u2\",\"name\":\"New\"}]}"));

    assertThat(done.path("results").get(0).path("status").asText()).isEqualTo("Failed");
    assertThat(done.path("results").get(0).path("details").asText()).contains("External ID").contains("taken");
    assertThat(done.path("results").get(1).path("status").asText()).isEqualTo("Created");
    assertThat(fake.usersByExternalId().get("u1")).containsEntry("name", "Ada");
  }

  @Test
  void updatesAndDestroysUsersByIdOrExternalIdWithUpdateResults() throws Exception {
    long id = fake.putUser(Map.of("name", "Ada", "external_id", "u1"));
    fake.putUser(Map.of("name", "Bob", "external_id", "u2"));

    JsonNode updated = complete(call("PUT", "/api/v2/users/update_many",
        "{\"users\":[{\"id\":" + id + ",\"tags\":[\"VIP\"]},{\"id\":1,\"name\":\"Nobody\"}]}"));
    JsonNode destroyed = complete(call("DELETE", "/api/v2/users/destroy_many?external_ids=u2,missing", null));

    JsonNode ok = updated.path("results").get(0);
    assertThat(ok.path("id").asLong()).isEqualTo(id);
    assertThat(ok.path("action").asText()).isEqualTo("update");
    assertThat(ok.path("success").asBoolean()).isTrue();
    assertThat(ok.path("status").asText()).isEqualTo("Updated");
    assertThat(updated.path("results").get(1).path("error").asText()).isEqualTo("RecordNotFound");
    assertThat(destroyed.path("results").get(0).path("status").asText()).isEqualTo("Deleted");
    assertThat(destroyed.path("results").get(1).path("error").asText()).isEqualTo("RecordNotFound");
    assertThat(fake.usersByExternalId()).containsOnlyKeys("u1");
    assertThat(fake.usersByExternalId().get("u1").get("tags")).isEqualTo(java.util.List.of("vip"));
  }

  @Test
  void organizationsHaveCaseInsensitiveExternalIdsAndUniqueNames() throws Exception {
    complete(call("POST", "/api/v2/organizations/create_many",
        "{\"organizations\":[{\"external_id\":\"Acme\",\"name\":\"Acme Inc\",\"organization_fields\":{\"region\":\"EU\"}}]}"));

    JsonNode dup = complete(call("POST", "/api/v2/organizations/create_many",
        "{\"organizations\":[{\"external_id\":\"ACME\",\"name\":\"Acme 2\"},{\"external_id\":\"globex\",\"name\":\"acme inc\"}]}"));
    Answer shown = call("GET", "/api/v2/organizations/show_many?external_ids=aCmE,nope", null);
    Answer updated = call("POST", "/api/v2/organizations/create_or_update",
        "{\"organization\":{\"external_id\":\"acme\",\"notes\":\"key account\"}}");
    Answer created = call("POST", "/api/v2/organizations/create_or_update",
        "{\"organization\":{\"external_id\":\"initech\",\"name\":\"Initech\"}}");
    Answer invalid = call("POST", "/api/v2/organizations/create_or_update",
        "{\"organization\":{\"external_id\":\"x\",\"name\":\"ACME INC\"}}");

    assertThat(dup.path("results").get(0).path("details").asText()).contains("taken");
    assertThat(dup.path("results").get(1).path("details").asText()).contains("Name").contains("taken");
    assertThat(shown.body.path("organizations")).hasSize(1);
    assertThat(shown.body.path("organizations").get(0).path("external_id").asText()).isEqualTo("Acme");
    assertThat(updated.status).isEqualTo(200);
    assertThat(updated.body.path("organization").path("notes").asText()).isEqualTo("key account");
    assertThat(created.status).isEqualTo(201);
    assertThat(invalid.status).isEqualTo(422);
    assertThat(invalid.body.path("error").asText()).isEqualTo("RecordInvalid");
    assertThat(fake.organizationsByExternalId()).as("an update takes the case of the external id it was found by")
        .containsOnlyKeys("acme", "initech");
  }

  @Test
  void refusesAJobBeyondThirtyQueuedOrWorking() throws Exception {
    for (int i = 0; i < ZendeskFake.MAX_JOBS; i++) {
      assertThat(call("DELETE", "/api/v2/users/destroy_many?external_ids=x" + i, null).status).isEqualTo(200);
    }

    Answer refused = call("DELETE", "/api/v2/users/destroy_many?external_ids=one-more", null);
    clock.advance(Duration.ofSeconds(3));
    Answer later = call("DELETE", "/api/v2/users/destroy_many?external_ids=one-more", null);

    assertThat(refused.status).isEqualTo(429);
    assertThat(refused.body.path("error").asText()).isEqualTo("TooManyJobs");
    assertThat(later.status).as("finished jobs free their slots").isEqualTo(200);
    assertThat(fake.maxActiveJobs()).isEqualTo(ZendeskFake.MAX_JOBS);
    assertThat(fake.tooManyJobs()).isEqualTo(1);
  }

  @Test
  void countsEveryRequestInARollingMinuteWithLimitHeadersAndRetryAfter() throws Exception {
    fake.rateLimit(3);

    Answer first = call("GET", "/api/v2/user_fields", null);
    clock.advance(Duration.ofSeconds(20));
    call("GET", "/api/v2/job_statuses/show_many?ids=abc", null);
    call("GET", "/api/v2/organization_fields", null);
    Answer refused = call("GET", "/api/v2/user_fields", null);
    clock.advance(Duration.ofSeconds(41));
    Answer again = call("GET", "/api/v2/user_fields", null);

    assertThat(first.header("X-Rate-Limit")).isEqualTo("3");
    assertThat(first.header("X-Rate-Limit-Remaining")).isEqualTo("2");
    assertThat(first.header("ratelimit-limit")).isEqualTo("3");
    assertThat(refused.status).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isEqualTo("40");
    assertThat(refused.header("X-Rate-Limit-Remaining")).isEqualTo("0");
    assertThat(again.status).as("the first request left the window").isEqualTo(200);
    assertThat(fake.rateLimited()).isEqualTo(1);
  }

  @Test
  void refusesBulkUserImportsWhenDataImportsAreOff() throws Exception {
    fake.dataImports(false);

    Answer answer = call("POST", "/api/v2/users/create_many", "{\"users\":[{\"external_id\":\"u\",\"name\":\"U\"}]}");

    assertThat(answer.status).isEqualTo(403);
    assertThat(answer.body.path("message").asText()).isEqualTo("Data imports are not enabled");
  }

  @Test
  void acceptsApiTokensAndOAuthTokensOnly() throws Exception {
    String password = "Basic " + Base64.getEncoder().encodeToString(
        (ZendeskFake.DEFAULT_EMAIL + ":" + ZendeskFake.DEFAULT_API_TOKEN).getBytes(StandardCharsets.UTF_8));

    assertThat(call("GET", "/api/v2/user_fields", null, TOKEN_AUTH).status).isEqualTo(200);
    assertThat(call("GET", "/api/v2/user_fields", null, "Bearer " + ZendeskFake.DEFAULT_OAUTH_TOKEN).status).isEqualTo(200);
    assertThat(call("GET", "/api/v2/user_fields", null, "Bearer wrong").status).isEqualTo(401);
    assertThat(call("GET", "/api/v2/user_fields", null, password).status).isEqualTo(401);
    assertThat(call("GET", "/api/v2/user_fields", null, null).body.path("error").asText())
        .isEqualTo("Couldn't authenticate you");
  }

  @Test
  void listsCustomFieldsWithTheSpecsRequiredFields() throws Exception {
    JsonNode fields = call("GET", "/api/v2/user_fields", null).body;

    assertThat(fields.path("count").asInt()).isEqualTo(6);
    for (JsonNode f : fields.path("user_fields")) {
      assertThat(f.path("key").asText()).isNotBlank();
      assertThat(f.path("type").asText()).isNotBlank();
      assertThat(f.path("title").asText()).isNotBlank();
      assertThat(f.has("active")).isTrue();
    }
    JsonNode plan = fields.path("user_fields").get(2);
    assertThat(plan.path("custom_field_options")).hasSize(2);
    assertThat(plan.path("custom_field_options").get(1).path("value").asText()).isEqualTo("pro");
    assertThat(fields.path("user_fields").get(5).path("regexp_for_validation").asText()).isEqualTo("[A-Z]{3}-\\d+");
  }

  @Test
  void showsManyJobStatusesAndForgetsThem() throws Exception {
    String a = call("DELETE", "/api/v2/users/destroy_many?external_ids=a", null).body.path("job_status").path("id").asText();
    fake.nextJobTakes(Duration.ZERO, Duration.ofSeconds(10));
    String b = call("DELETE", "/api/v2/users/destroy_many?external_ids=b", null).body.path("job_status").path("id").asText();
    fake.failNextJob("Internal error");
    String c = call("DELETE", "/api/v2/users/destroy_many?external_ids=c", null).body.path("job_status").path("id").asText();
    clock.advance(Duration.ofSeconds(4));

    JsonNode many = call("GET", "/api/v2/job_statuses/show_many?ids=" + a + "," + b + "," + c + ",unknown", null).body;
    fake.forgetJobs();

    assertThat(many.path("job_statuses")).hasSize(3);
    assertThat(many.path("job_statuses").get(0).path("status").asText()).isEqualTo("completed");
    assertThat(many.path("job_statuses").get(1).path("status").asText()).isEqualTo("working");
    assertThat(many.path("job_statuses").get(2).path("status").asText()).isEqualTo("failed");
    assertThat(many.path("job_statuses").get(2).path("message").asText()).isEqualTo("Internal error");
    assertThat(call("GET", "/api/v2/job_statuses/" + a, null).status).isEqualTo(404);
  }

  @Test
  void refusesMoreThanAHundredItems() throws Exception {
    StringBuilder users = new StringBuilder();
    for (int i = 0; i <= ZendeskFake.MAX_ITEMS; i++) {
      users.append(i == 0 ? "" : ",").append("{\"external_id\":\"u").append(i).append("\",\"name\":\"U\"}");
    }

    Answer answer = call("POST", "/api/v2/users/create_or_update_many", "{\"users\":[" + users + "]}");

    assertThat(answer.status).isEqualTo(400);
    assertThat(fake.jobsSubmitted()).isZero();
  }

  private JsonNode poll(JsonNode job) throws Exception {
    return call("GET", "/api/v2/job_statuses/" + job.path("id").asText() + ".json", null).body.path("job_status");
  }

  private JsonNode complete(Answer submitted) throws Exception {
    assertThat(submitted.status).as("submitted: %s", submitted.body).isEqualTo(200);
    clock.advance(Duration.ofSeconds(3));
    return poll(submitted.body.path("job_status"));
  }

  private Answer call(String method, String path, String body) throws Exception {
    return call(method, path, body, TOKEN_AUTH);
  }

  private Answer call(String method, String path, String body, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
        .header("Content-Type", "application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body().isEmpty() ? null : JSON.readTree(response.body()), response);
  }

  private static final class Answer {
    final int status;
    final JsonNode body;
    final HttpResponse<String> response;

    Answer(int status, JsonNode body, HttpResponse<String> response) {
      this.status = status;
      this.body = body;
      this.response = response;
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }
  }
}
