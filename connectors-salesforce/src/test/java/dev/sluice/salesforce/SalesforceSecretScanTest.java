package dev.sluice.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.map.Mapping;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.salesforce.SalesforceFake;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Everything logged at DEBUG and reported during Salesforce syncs, scanned for the credentials. */
class SalesforceSecretScanTest {

  @Test
  void neitherLogsNorReportsKeysSecretsTokensOrAssertions() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    Appender<ILoggingEvent> console = root.getAppender("CONSOLE"); // DEBUG lines are captured, not printed
    if (console != null) {
      root.detachAppender(console);
    }
    root.setLevel(Level.DEBUG);
    List<String> reported = new ArrayList<>();
    String refreshToken = "5Aep861-refresh-token-abcdef";
    String pem;
    try (SalesforceFake fake = SalesforceFake.start()) {
      pem = fake.privateKeyPem();
      fake.refreshToken(refreshToken);
      InMemorySource source = InMemorySource.create()
          .put("a", Map.of("LastName", "A", "Email", "a@example.com"))
          .put("b", Map.of("LastName", "B", "Email", "not-an-email"));
      Mapping mapping = Mapping.builder().copy("LastName", "Email").build();
      List<SalesforceAuth> flows = List.of(
          SalesforceAuth.jwtBearer(SalesforceFake.CONSUMER_KEY, SalesforceFake.USERNAME, pem).loginUrl(fake.loginUrl()),
          Fakes.clientCredentials(fake),
          SalesforceAuth.refreshToken(SalesforceFake.CONSUMER_KEY, SalesforceFake.CONSUMER_SECRET, refreshToken)
              .loginUrl(fake.loginUrl()),
          SalesforceAuth.clientCredentials(fake.instanceUrl(), SalesforceFake.CONSUMER_KEY, "wrong-secret-123"));
      int n = 0;
      for (SalesforceAuth auth : flows) {
        fake.expireSessions(); // every flow signs in twice: at the start and after a 401
        try (Salesforce destination = Fakes.contacts(fake).auth(auth).build()) {
          SyncReport report = Sync.from(source).map(mapping).to(destination).named("scan-" + n++).build().run();
          reported.add(report.toString());
          report.failure().ifPresent(reported::add);
          report.failedRecords().forEach(e -> reported.add(e.reason()));
        }
      }
    } finally {
      root.detachAppender(captured);
      if (console != null) {
        root.addAppender(console);
      }
      root.setLevel(before);
    }

    List<String> lines = new ArrayList<>(reported);
    captured.list.forEach(e -> lines.add(e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())));
    assertThat(captured.list).as("DEBUG lines captured").hasSizeGreaterThan(20);
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("Authorization=***"));
    List<String> secrets = new ArrayList<>(List.of(SalesforceFake.CONSUMER_SECRET, refreshToken, "wrong-secret-123"));
    pem.lines().filter(l -> !l.startsWith("-----")).forEach(secrets::add);
    Matcher tokens = Pattern.compile(SalesforceFake.ORG_ID + "![A-Za-z0-9.]+").matcher(String.join("\n", lines));
    assertThat(tokens.find()).as("an access token in the logs").isFalse();
    assertThat(lines).noneMatch(line -> line.contains("eyJhbGciOiJSUzI1NiJ9.")); // a JWT assertion's header
    for (String secret : secrets) {
      assertThat(lines.stream().filter(line -> line.contains(secret)).toList()).as("lines showing %s", secret).isEmpty();
    }
  }
}
