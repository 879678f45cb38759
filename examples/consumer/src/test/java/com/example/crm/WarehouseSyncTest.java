package com.example.crm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.source.DuckDb;
import dev.sluice.testkit.SluiceArchitecture;
import dev.sluice.webhook.Webhook;
import dev.sluice.webhook.WebhookSecret;
import dev.sluice.webhook.WebhookVerificationException;
import dev.sluice.webhook.WebhookVerifier;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A DuckDB warehouse synced to the webhook connector and to the user's own destination, with the
 * receiver on MockWebServer and the architecture checked by ArchUnit — all brought by the testkit.
 */
class WarehouseSyncTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final WebhookSecret SECRET = WebhookSecret.generate();

  private final Map<String, JsonNode> received = new ConcurrentHashMap<>();
  private MockWebServer receiver;
  private DuckDb warehouse;

  @BeforeEach
  void start() throws IOException {
    WebhookVerifier verifier = WebhookVerifier.of(SECRET);
    receiver = new MockWebServer();
    receiver.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : request.getHeaders().names()) {
          headers.put(name, request.getHeaders().get(name));
        }
        try {
          verifier.verify(headers, body);
          JSON.readTree(body).path("data").path("records")
              .forEach(r -> received.put(r.path("key").asText(), r.path("fields")));
          return new MockResponse.Builder().code(204).build();
        } catch (WebhookVerificationException | IOException e) {
          return new MockResponse.Builder().code(401).build();
        }
      }
    });
    receiver.start();
    warehouse = DuckDb.inMemory();
    warehouse.execute("create table customers (id integer, email varchar, ltv decimal(10, 2))");
    warehouse.execute("insert into customers values (1, 'ada@example.com', 12.5),"
        + " (2, 'grace@example.com', 7.25), (3, 'nobody', 1)");
  }

  @AfterEach
  void stop() throws IOException {
    warehouse.close();
    receiver.close();
  }

  @Test
  void syncsADuckDbTableToASignedWebhook() {
    Webhook hook = Webhook.builder(receiver.url("/hooks").toString()).secret(SECRET).build();

    SyncReport report = Sync.from(warehouse.query("select * from customers").key("id").orderByKey().build())
        .map(Mapping.builder().copy("email").convert("ltv", Convert.toDecimal(2)).build())
        .to(hook)
        .named("customers-to-hooks")
        .build()
        .run();

    assertThat(report.status()).as(report.summary()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(received).containsOnlyKeys("1", "2", "3");
    assertThat(received.get("1").path("email").asText()).isEqualTo("ada@example.com");
    assertThat(received.get("2").path("ltv").decimalValue()).isEqualByComparingTo("7.25");
  }

  @Test
  void syncsADuckDbTableToYourOwnDestinationAndReportsTheRecordItRefused() {
    CrmDestination crm = new CrmDestination();

    SyncReport report = Sync.from(warehouse.query("select id, email from customers").key("id").build())
        .to(crm)
        .named("customers-to-crm")
        .mode(SyncMode.MIRROR)
        .build()
        .run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.PARTIAL);
    assertThat(crm.contacts()).containsOnlyKeys("1", "2");
    assertThat(report.failedRecords()).singleElement()
        .satisfies(e -> assertThat(e.reason()).contains("has no @"));
  }

  @Test
  void theUsersCodeStaysOffSluiceInternals() {
    SluiceArchitecture.checkModule("com.example.crm");
  }
}
