package dev.sluice.zendesk;

import dev.sluice.Record;
import dev.sluice.destination.Destination;
import dev.sluice.testkit.DestinationContract;
import dev.sluice.testkit.zendesk.ZendeskFake;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;

/** The contract against the Zendesk fake, for one resource (users or organizations). */
abstract class ZendeskContract extends DestinationContract {

  private final Function<ZendeskFake, Zendesk.Builder> destination;
  private final Function<String, Record.Builder> named;
  private final Function<ZendeskFake, Map<String, Map<String, Object>>> held;
  private ZendeskFake fake;

  /**
   * @param destination the destination's builder for the resource, pointed at a fake
   * @param named a record of the resource by key, with its name and what it needs besides score and ltv
   * @param held what a fake holds of the resource, by external id
   */
  ZendeskContract(Function<ZendeskFake, Zendesk.Builder> destination, Function<String, Record.Builder> named,
      Function<ZendeskFake, Map<String, Map<String, Object>>> held) {
    this.destination = destination;
    this.named = named;
    this.held = held;
  }

  @Override
  protected Destination newDestination() {
    fake = Fakes.start();
    return destination.apply(fake).build();
  }

  @Override
  protected Record validRecord(String key, int version) {
    return named.apply(key).set("score", version).set("ltv", new BigDecimal("12.50")).build();
  }

  /** Not checked before sending (no schema was read): Zendesk's job refuses it. */
  @Override
  protected Optional<Record> invalidRecord(String key) {
    return Optional.of(Record.builder(key).set("name", "Bad").set("score", "lots").build());
  }

  @Override
  protected Map<String, Map<String, Object>> contents() {
    return Fakes.flat(held.apply(fake));
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
