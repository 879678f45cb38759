package dev.sluice.zendesk;

import dev.sluice.Record;
import dev.sluice.destination.Destination;
import dev.sluice.testkit.DestinationContract;
import dev.sluice.testkit.zendesk.ZendeskFake;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;

/** The contract against the Zendesk fake, for one resource (users or organizations). */
abstract class ZendeskContract extends DestinationContract {

  private ZendeskFake fake;

  /** {@return the destination's builder for the resource, pointed at {@code fake}} */
  abstract Zendesk.Builder destination(ZendeskFake fake);

  /** {@return a record of the resource with its name and the fields it needs besides score and ltv} */
  abstract Record.Builder named(String key);

  /** {@return what {@code fake} holds of the resource, by external id} */
  abstract Map<String, Map<String, Object>> held(ZendeskFake fake);

  @Override
  protected Destination newDestination() {
    fake = Fakes.start();
    return destination(fake).build();
  }

  @Override
  protected Record validRecord(String key, int version) {
    return named(key).set("score", version).set("ltv", new BigDecimal("12.50")).build();
  }

  /** Not checked before sending (no schema was read): Zendesk's job refuses it. */
  @Override
  protected Optional<Record> invalidRecord(String key) {
    return Optional.of(Record.builder(key).set("name", "Bad").set("score", "lots").build());
  }

  @Override
  protected Map<String, Map<String, Object>> contents() {
    return Fakes.flat(held(fake));
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
