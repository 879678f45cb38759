package dev.sluice.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.destination.Destination;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/** The contract over real HTTP, against the fake API. */
class RateLimitedServerDestinationContractTest extends DestinationContract {

  private static final ObjectMapper JSON = new ObjectMapper();
  private RateLimitedServer server;

  @Override
  protected Destination newDestination() {
    server = RateLimitedServer.start(1_000, Duration.ofSeconds(1));
    return new RateLimitedServerDestination(server, 100, null);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected Map<String, Map<String, Object>> contents() {
    Map<String, Map<String, Object>> contents = new LinkedHashMap<>();
    server.records().forEach((key, fields) -> contents.put(key, JSON.convertValue(fields, Map.class)));
    return contents;
  }

  @Override
  protected boolean failNextCallWith(int status) {
    if (status == 429) {
      server.rateLimitNext(1, 1);
    } else {
      server.respondNext(1, status, "{\"status\":\"error\"}");
    }
    return true;
  }

  @AfterEach
  void stopServer() {
    server.close();
  }
}
