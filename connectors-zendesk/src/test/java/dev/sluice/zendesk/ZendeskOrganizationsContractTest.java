package dev.sluice.zendesk;

import dev.sluice.Record;
import dev.sluice.destination.Destination;
import dev.sluice.testkit.DestinationContract;
import dev.sluice.testkit.zendesk.ZendeskFake;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

class ZendeskOrganizationsContractTest extends DestinationContract {

  private ZendeskFake fake;

  @Override
  protected Destination newDestination() {
    fake = Fakes.start();
    return Fakes.organizations(fake).build();
  }

  @Override
  protected Record validRecord(String key, int version) {
    return Record.builder(key).set("name", "Org " + key).set("region", "EU").set("score", version)
        .set("ltv", new BigDecimal("12.50")).build();
  }

  /** Not checked before sending (no schema was read): Zendesk's job refuses it. */
  @Override
  protected Optional<Record> invalidRecord(String key) {
    return Optional.of(Record.builder(key).set("name", "Bad").set("score", "lots").build());
  }

  @Override
  protected Map<String, Map<String, Object>> contents() {
    return Fakes.flat(fake.organizationsByExternalId());
  }

  /** 503 as often as the destination tries; 400 once. A 429 is waited out, not thrown (see ZendeskTest). */
  @Override
  protected boolean failNextCallWith(int status) {
    if (status == 429) {
      return false;
    }
    for (int i = 0; i < (status >= 500 ? 3 : 1); i++) {
      fake.respondNext(status, "{\"error\":\"scripted\",\"description\":\"scripted " + status + "\"}");
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
