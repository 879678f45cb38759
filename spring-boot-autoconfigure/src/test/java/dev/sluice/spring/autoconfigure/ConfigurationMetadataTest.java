package dev.sluice.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigurationMetadataTest {

  @Test
  void theJarDescribesEverySluicePropertyForIdeCompletion() throws Exception {
    JsonNode metadata;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      metadata = new ObjectMapper().readTree(in);
    }
    List<String> names = new ArrayList<>();
    for (JsonNode p : metadata.path("properties")) {
      String name = p.path("name").asText();
      if (name.startsWith("sluice.")) {
        names.add(name);
        assertThat(p.path("description").asText()).as(name).isNotBlank();
      }
    }

    assertThat(names).contains("sluice.enabled", "sluice.syncs", "sluice.scheduler.polling-interval",
        "sluice.scheduler.shutdown-deadline", "sluice.state.jdbc", "sluice.delivery.max-attempts");
  }
}
