package dev.sluice.testkit;

import dev.sluice.Record;
import dev.sluice.destination.Destination;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

class RecordingDestinationContractTest extends DestinationContract {

  private RecordingDestination recording;

  @Override
  protected Destination newDestination() {
    recording = RecordingDestination.create();
    recording.failKey("bad1", false, "email is not valid");
    return recording;
  }

  @Override
  protected Map<String, Map<String, Object>> contents() {
    Map<String, Map<String, Object>> contents = new LinkedHashMap<>();
    recording.contents().forEach((key, record) -> contents.put(key, record.fields()));
    return contents;
  }

  @Override
  protected Optional<Record> invalidRecord(String key) {
    return Optional.of(Record.builder(key).set("email", "not an email").build());
  }

  @Override
  protected boolean reportsNotFoundAndAlreadyExists() {
    return true;
  }
}
