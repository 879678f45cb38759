package dev.sluice.salesforce;

import dev.sluice.Record;
import dev.sluice.SyncMode;
import dev.sluice.destination.Destination;
import dev.sluice.testkit.DestinationContract;
import dev.sluice.testkit.salesforce.SalesforceFake;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/** The contract against the Salesforce fake, on one path. */
abstract class SalesforceContract extends DestinationContract {

  private SalesforceFake fake;

  abstract Salesforce.Path path();

  @Override
  protected Destination newDestination() {
    fake = SalesforceFake.start();
    Salesforce destination = Fakes.contacts(fake).path(path()).build();
    Fakes.open(destination, SyncMode.MIRROR, "LastName", "Email", "Score__c", "Lifetime_Value__c");
    return destination;
  }

  @Override
  protected Record validRecord(String key, int version) {
    return Record.builder(key).set("LastName", "Lovelace " + key).set("Email", key + "@example.com")
        .set("Score__c", version).set("Lifetime_Value__c", new BigDecimal("12.50")).build();
  }

  @Override
  protected Optional<Record> invalidRecord(String key) {
    return Optional.of(Record.builder(key).set("LastName", "Bad").set("Email", "not-an-email").build());
  }

  @Override
  protected Map<String, Map<String, Object>> contents() {
    Map<String, Map<String, Object>> contents = Fakes.heldContacts(fake);
    // The contract reads the version it wrote as "score": here it is Score__c.
    contents.values().forEach(fields -> fields.put("score", fields.get("Score__c")));
    return contents;
  }

  @Override
  protected boolean failNextCallWith(int status) {
    if (status == 429) {
      // Salesforce sends no 429: its rate limit is the concurrent-request 403, waited out as asked.
      fake.refuseNextForConcurrency(Retrier.MAX_LIMIT_WAITS + 1);
      return true;
    }
    String code = status == 400 ? "MALFORMED_QUERY" : "SERVER_UNAVAILABLE";
    // The destination retries a 503 itself: script one answer per attempt.
    for (int i = 0; i < (status == 400 ? 1 : 3); i++) {
      fake.respondNext(status, "[{\"message\":\"scripted\",\"errorCode\":\"" + code + "\"}]");
    }
    return true;
  }

  @AfterEach
  void stop() {
    fake.close();
  }

  @Override
  protected boolean reportsNotFoundAndAlreadyExists() {
    return true;
  }
}
