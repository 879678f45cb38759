package com.example.crm;

import dev.sluice.Record;
import dev.sluice.destination.Destination;
import dev.sluice.testkit.DestinationContract;
import java.util.Map;
import java.util.Optional;

/** The README's "Writing a destination": a destination's test is a short DestinationContract subclass. */
class CrmDestinationContractTest extends DestinationContract {

  private CrmDestination crm;

  @Override
  protected Destination newDestination() {
    crm = new CrmDestination();
    return crm;
  }

  @Override
  protected Map<String, Map<String, Object>> contents() {
    return crm.contacts();
  }

  @Override
  protected Optional<Record> invalidRecord(String key) {
    return Optional.of(Record.builder(key).set("email", "nobody").build());
  }
}
