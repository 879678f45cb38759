package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.http.AuthProvider;
import dev.sluice.testkit.RateLimitedServer;
import dev.sluice.testkit.RateLimitedServerDestination;
import dev.sluice.testkit.SyntheticSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Everything logged at DEBUG during a whole sync with credentials, scanned for the secret. */
class SecretScanTest {

  @Test
  void logsNoCredentialAnywhereDuringASync() {
    String secret = "sk-live-4f9a8b7c6d5e";
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
    try (RateLimitedServer api = RateLimitedServer.start(1_000, Duration.ofSeconds(1))) {
      api.requireAuthorization(header -> ("Bearer " + secret).equals(header));
      api.respondNext(1, 503, "{\"message\":\"echo of Bearer " + secret + "\"}");
      RateLimitedServerDestination destination = new RateLimitedServerDestination(api, 100, null,
          AuthProvider.bearer(secret), Duration.ofSeconds(5));

      SyncReport report = Sync.from(SyntheticSource.of(300)).to(destination).named("secret-scan")
          .delivery(DeliveryPolicy.custom().backoff(Duration.ofMillis(1), Duration.ofMillis(2)).build())
          .build().run();

      assertThat(report.delivered()).isEqualTo(300);
    } finally {
      root.detachAppender(captured);
      root.setLevel(before);
    }

    List<String> lines = captured.list.stream()
        .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
        .toList();
    assertThat(lines).as("DEBUG lines captured").hasSizeGreaterThan(10)
        .anySatisfy(line -> assertThat(line).contains("Authorization=***"));
    assertThat(lines.stream().filter(line -> line.contains(secret)).toList()).isEmpty();
  }
}
