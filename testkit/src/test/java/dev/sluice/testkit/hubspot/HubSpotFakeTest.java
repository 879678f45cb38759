package dev.sluice.testkit.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fake answers with the shapes HubSpot's CRM v3 OpenAPI specification requires: the required
 * fields of each response schema are checked here, on raw HTTP.
 */
class HubSpotFakeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HubSpotFake fake;

  @BeforeEach
  void start() {
    fake = HubSpotFake.start();
    fake.define("contacts", HubSpotFake.Property.string("external_id").unique(),
        HubSpotFake.Property.enumeration("plan", "free", "pro"));
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  private Answer call(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
        .header("Authorization", "Bearer " + HubSpotFake.DEFAULT_TOKEN)
        .header("Content-Type", "application/json");
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
  }

  private static void hasFields(JsonNode node, String... names) {
    assertThat(node.isObject()).as("%s is an object", node).isTrue();
    for (String name : names) {
      assertThat(node.has(name)).as("%s has required field %s", node, name).isTrue();
    }
  }

  @Test
  void listsPropertiesAsCollectionResponsePropertyNoPaging() throws Exception {
    Answer answer = call("GET", "/crm/v3/properties/contacts", null);

    assertThat(answer.status).isEqualTo(200);
    hasFields(answer.body, "results");
    for (JsonNode property : answer.body.get("results")) {
      hasFields(property, "description", "fieldType", "groupName", "label", "name", "options", "type");
      hasFields(property.get("modificationMetadata"), "archivable", "readOnlyDefinition", "readOnlyValue");
      property.get("options").forEach(option -> hasFields(option, "hidden", "label", "value"));
    }
    assertThat(answer.body.get("results").findValuesAsText("name")).contains("email", "external_id", "plan");
  }

  @Test
  void upsertAnswersBatchResponseSimplePublicUpsertObject() throws Exception {
    Answer answer = call("POST", "/crm/v3/objects/contacts/batch/upsert", "{\"inputs\":["
        + "{\"idProperty\":\"external_id\",\"id\":\"a\",\"properties\":{\"plan\":\"pro\"},\"objectWriteTraceId\":\"a\"}]}");

    assertThat(answer.status).isEqualTo(200);
    hasFields(answer.body, "completedAt", "results", "startedAt", "status");
    assertThat(answer.body.get("status").asText()).isIn("CANCELED", "COMPLETE", "PENDING", "PROCESSING");
    JsonNode result = answer.body.get("results").get(0);
    hasFields(result, "archived", "createdAt", "id", "new", "properties", "updatedAt");
    assertThat(result.get("new").asBoolean()).isTrue();
    assertThat(result.get("objectWriteTraceId").asText()).isEqualTo("a");
    assertThat(answer.response.headers().firstValue("X-HubSpot-RateLimit-Max")).hasValue("190");
    assertThat(answer.response.headers().firstValue("X-HubSpot-RateLimit-Remaining")).isPresent();
    assertThat(answer.response.headers().firstValue("X-HubSpot-RateLimit-Interval-Milliseconds")).hasValue("10000");
  }

  @Test
  void partialFailureAnswers207WithStandardErrors() throws Exception {
    Answer answer = call("POST", "/crm/v3/objects/contacts/batch/create", "{\"inputs\":["
        + "{\"properties\":{\"external_id\":\"x\",\"plan\":\"pro\"},\"objectWriteTraceId\":\"t1\",\"associations\":[]},"
        + "{\"properties\":{\"external_id\":\"y\",\"plan\":\"gold\"},\"objectWriteTraceId\":\"t2\",\"associations\":[]}]}");

    assertThat(answer.status).isEqualTo(207);
    hasFields(answer.body, "completedAt", "results", "startedAt", "status", "errors", "numErrors");
    assertThat(answer.body.get("results")).hasSize(1);
    JsonNode error = answer.body.get("errors").get(0);
    hasFields(error, "category", "context", "errors", "links", "message", "status");
    assertThat(error.get("context").get("objectWriteTraceId").get(0).asText()).isEqualTo("t2");
    assertThat(error.get("errors").get(0).get("message").asText()).contains("gold");
  }

  @Test
  void withoutTraceIdsOneBadInputRefusesTheWholeBatchWith400() throws Exception {
    Answer answer = call("POST", "/crm/v3/objects/contacts/batch/upsert", "{\"inputs\":["
        + "{\"idProperty\":\"external_id\",\"id\":\"a\",\"properties\":{\"plan\":\"pro\"}},"
        + "{\"idProperty\":\"external_id\",\"id\":\"b\",\"properties\":{\"plan\":\"gold\"}}]}");

    assertThat(answer.status).isEqualTo(400);
    hasFields(answer.body, "category", "correlationId", "message");
    assertThat(answer.body.get("category").asText()).isEqualTo("VALIDATION_ERROR");
    assertThat(fake.objectsBy("contacts", "external_id")).isEmpty();
  }

  @Test
  void refusesMoreThan100Inputs() throws Exception {
    StringBuilder inputs = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      inputs.append(i == 0 ? "" : ",").append("{\"idProperty\":\"external_id\",\"id\":\"k").append(i)
          .append("\",\"properties\":{}}");
    }

    Answer answer = call("POST", "/crm/v3/objects/contacts/batch/upsert", "{\"inputs\":[" + inputs + "]}");

    assertThat(answer.status).isEqualTo(400);
    assertThat(answer.body.get("message").asText()).contains("100");
  }

  @Test
  void readsByUniquePropertyAndArchivesByHubSpotId() throws Exception {
    String id = fake.put("contacts", java.util.Map.of("external_id", "keep"));

    Answer read = call("POST", "/crm/v3/objects/contacts/batch/read", "{\"idProperty\":\"external_id\","
        + "\"inputs\":[{\"id\":\"keep\"},{\"id\":\"missing\"}],\"properties\":[\"external_id\"],\"propertiesWithHistory\":[]}");
    Answer archive = call("POST", "/crm/v3/objects/contacts/batch/archive", "{\"inputs\":[{\"id\":\"" + id + "\"}]}");

    assertThat(read.status).isEqualTo(207);
    hasFields(read.body.get("results").get(0), "archived", "createdAt", "id", "properties", "updatedAt");
    assertThat(read.body.get("results").get(0).get("id").asText()).isEqualTo(id);
    assertThat(read.body.get("errors").get(0).get("category").asText()).isEqualTo("OBJECT_NOT_FOUND");
    assertThat(archive.status).isEqualTo(204);
    assertThat(fake.objects("contacts")).isEmpty();
  }

  @Test
  void answers429WithTheRollingPolicyOnceTheWindowIsFull() throws Exception {
    fake.rateLimit(2, Duration.ofMinutes(1));
    List<Integer> statuses = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      statuses.add(call("GET", "/crm/v3/properties/contacts", null).status);
    }
    Answer limited = call("GET", "/crm/v3/properties/contacts", null);

    assertThat(statuses).containsExactly(200, 200, 429);
    hasFields(limited.body, "status", "message", "errorType", "correlationId", "policyName");
    assertThat(limited.body.get("policyName").asText()).isEqualTo("TEN_SECONDLY_ROLLING");
    assertThat(limited.response.headers().firstValue("X-HubSpot-RateLimit-Remaining")).hasValue("0");
    assertThat(fake.rateLimited()).isEqualTo(2);
  }

  @Test
  void refusesAMissingOrWrongToken() throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(fake.baseUrl()
        + "/crm/v3/properties/contacts")).header("Authorization", "Bearer wrong").build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(response.body()).get("category").asText()).isEqualTo("INVALID_AUTHENTICATION");
  }
}
