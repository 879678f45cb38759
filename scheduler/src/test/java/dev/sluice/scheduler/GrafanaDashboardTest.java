package dev.sluice.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.observe.MetricNames;
import dev.sluice.observe.SyncMetrics;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GrafanaDashboardTest {

  private static JsonNode dashboard() throws Exception {
    try (InputStream in = SluiceScheduler.class.getResourceAsStream("grafana-dashboard.json")) {
      return new ObjectMapper().readTree(in);
    }
  }

  private static List<String> queries(JsonNode dashboard) {
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        exprs.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.has("definition")) {
        exprs.add(variable.path("definition").asText());
      }
    }
    return exprs;
  }

  @Test
  void everySeriesTheDashboardQueriesIsOneThatSluiceExportsToPrometheus() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    InMemorySource source = InMemorySource.ordered().put(Record.builder("k1").set("n", 1).build());
    Sync sync = Sync.from(source).to(RecordingDestination.create()).named("customers")
        .listener(SyncMetrics.of(registry, "customers", "RecordingDestination")).build();
    sync.run();
    // As JsonClient records each request to a destination's API.
    Timer.builder(MetricNames.HTTP_REQUESTS).tag(MetricNames.TAG_DESTINATION, "hubspot")
        .tag(MetricNames.TAG_STATUS, "429").tag("method", "POST").register(registry).record(Duration.ofMillis(12));
    String scrape = registry.scrape();

    Set<String> queried = new TreeSet<>();
    Matcher m = Pattern.compile("sluice_[a-z_]+").matcher(String.join("\n", queries(dashboard())));
    while (m.find()) {
      queried.add(m.group());
    }

    assertThat(queried).contains("sluice_run_last_success_seconds", "sluice_run_duration_seconds_count",
        "sluice_changes_total", "sluice_records_total", "sluice_http_requests_seconds_count");
    for (String series : queried) {
      assertThat(scrape).as("the Prometheus scrape has " + series).containsPattern("(?m)^" + series + "\\{");
    }
  }

  @Test
  void theDashboardIsImportableGrafanaJson() throws Exception {
    JsonNode d = dashboard();

    assertThat(d.path("uid").asText()).isEqualTo("sluice-syncs");
    assertThat(d.path("panels")).hasSizeGreaterThanOrEqualTo(8);
    Set<Integer> ids = new TreeSet<>();
    for (JsonNode panel : d.path("panels")) {
      ids.add(panel.path("id").asInt());
      assertThat(panel.path("gridPos").path("w").asInt()).isPositive();
      assertThat(panel.path("targets")).isNotEmpty();
    }
    assertThat(ids).hasSize(d.path("panels").size());
  }
}
