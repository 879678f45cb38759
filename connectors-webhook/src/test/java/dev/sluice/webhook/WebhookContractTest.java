package dev.sluice.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.destination.Destination;
import dev.sluice.testkit.DestinationContract;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

class WebhookContractTest extends DestinationContract {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final WebhookSecret SECRET = WebhookSecret.generate();
  private TestReceiver receiver;

  @Override
  protected Destination newDestination() {
    try {
      receiver = new TestReceiver(WebhookVerifier.of(SECRET));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return Webhook.builder(receiver.url()).secret(SECRET).build();
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Map<String, Map<String, Object>> contents() {
    Map<String, Map<String, Object>> contents = new LinkedHashMap<>();
    receiver.records().forEach((key, fields) -> contents.put(key, JSON.convertValue(fields, Map.class)));
    return contents;
  }

  @Override
  protected boolean failNextCallWith(int status) {
    if (status == 429) {
      receiver.respondNext(429, "Retry-After", "1");
    } else {
      receiver.respondNext(status);
    }
    return true;
  }

  @AfterEach
  void stop() {
    receiver.close();
  }
}
