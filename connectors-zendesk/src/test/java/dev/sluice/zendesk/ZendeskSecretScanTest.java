package dev.sluice.zendesk;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.zendesk.ZendeskFake;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Everything logged at DEBUG and reported during Zendesk syncs, scanned for the credentials. */
class ZendeskSecretScanTest {

  @Test
  void neitherLogsNorReportsApiTokensOrOAuthTokens() {
    String email = "sync-bot@example.com";
    String apiToken = "zd-api-token-7c1e9a55b3";
    String oauthToken = "zd-oauth-token-42f0d8e1aa";
    String basic = Base64.getEncoder().encodeToString((email + "/token:" + apiToken).getBytes(StandardCharsets.UTF_8));
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
    List<String> reported = new ArrayList<>();
    try (ZendeskFake fake = Fakes.start().acceptApiToken(email, apiToken).acceptOAuthToken(oauthToken)) {
      InMemorySource source = InMemorySource.create()
          .put("a", Map.of("name", "A", "email", "a@example.com"))
          .put("b", Map.of("name", "B", "email", "not-an-email"));
      fake.respondNext(503, "{\"error\":\"echo\",\"description\":\"Basic " + basic + " " + apiToken + "\"}");

      SyncReport withToken = Sync.from(source).to(Fakes.users(fake).apiToken(email, apiToken).build())
          .named("scan-token").build().run();
      SyncReport withOAuth = Sync.from(source).to(Fakes.users(fake).oauthToken(oauthToken).build())
          .named("scan-oauth").build().run();
      SyncReport refused = Sync.from(source).to(Fakes.users(fake).apiToken(email, apiToken + "-revoked").build())
          .named("scan-refused").build().run();

      assertThat(withToken.delivered()).isEqualTo(1);
      assertThat(withOAuth.delivered()).isEqualTo(1);
      assertThat(refused.status()).isEqualTo(SyncReport.Status.FAILED);
      for (SyncReport r : List.of(withToken, withOAuth, refused)) {
        reported.add(r.toString());
        r.failure().ifPresent(reported::add);
        r.failedRecords().forEach(e -> reported.add(e.reason()));
      }
    } finally {
      root.detachAppender(captured);
      root.setLevel(before);
    }

    List<String> lines = new ArrayList<>(reported);
    captured.list.forEach(e -> lines.add(e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())));
    assertThat(captured.list).as("DEBUG lines captured").hasSizeGreaterThan(10);
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("Authorization=***"));
    for (String secret : List.of(apiToken, oauthToken, basic)) {
      assertThat(lines.stream().filter(line -> line.contains(secret)).toList()).as("lines showing %s", secret).isEmpty();
    }
  }
}
