package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.delivery.DeliveryPolicy;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.http.JsonClient;
import dev.sluice.testkit.InMemorySource;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A write whose answer was lost may have been applied: the engine sends it again only to a
 * destination whose writes are idempotent; otherwise its records are reported as uncertain.
 */
class NonIdempotentWritesTest {

  /** Reads each request and never answers: the request arrives, its answer is lost. */
  static final class SilentServer implements AutoCloseable {
    final ServerSocket server;
    final AtomicInteger requests = new AtomicInteger();
    final List<Socket> open = new CopyOnWriteArrayList<>();
    final Thread acceptor;

    SilentServer() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            open.add(s);
            InputStream in = s.getInputStream();
            if (in.read() >= 0) {
              requests.incrementAndGet();
            }
          } catch (IOException e) {
            return;
          }
        }
      }, "silent-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : open) {
        s.close();
      }
    }
  }

  /** POSTs each batch with a JsonClient; idempotent or not as told. */
  static final class PostingDestination implements Destination {
    final JsonClient client;
    final boolean idempotent;

    PostingDestination(String url, boolean idempotent) {
      this.client = JsonClient.builder(url).requestTimeout(Duration.ofMillis(300)).build();
      this.idempotent = idempotent;
    }

    @Override
    public Capabilities capabilities() {
      return Capabilities.builder().operations(Operation.UPSERT).idempotentWrites(idempotent).build();
    }

    @Override
    public BatchResult write(Batch batch) {
      client.post("/records", Map.of("keys", batch.keys())).throwIfFailed();
      return BatchResult.allSucceeded(batch);
    }

    @Override
    public void close() {
      client.close();
    }
  }

  private SilentServer server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  private static SyncReport run(Destination destination) {
    return Sync.from(InMemorySource.create().put(Record.builder("a").set("v", 1).build()))
        .to(destination)
        .delivery(DeliveryPolicy.custom().maxAttempts(3).backoff(Duration.ofMillis(1), Duration.ofMillis(2)).build())
        .build()
        .run();
  }

  @Test
  void aLostAnswerIsNotSentAgainToADestinationWhoseWritesAreNotIdempotent() throws Exception {
    server = new SilentServer();
    try (PostingDestination destination = new PostingDestination(server.url(), false)) {
      SyncReport report = run(destination);

      assertThat(server.requests.get()).isEqualTo(1);
      assertThat(report.delivered()).isZero();
      assertThat(report.failedRecords()).singleElement().satisfies(e -> {
        assertThat(e.key()).isEqualTo("a");
        assertThat(e.reason()).startsWith("uncertain: the destination may have written these records");
        assertThat(e.retryable()).as("sent again on the next run").isTrue();
      });
    }
  }

  @Test
  void aLostAnswerIsSentAgainToAnIdempotentDestination() throws Exception {
    server = new SilentServer();
    try (PostingDestination destination = new PostingDestination(server.url(), true)) {
      SyncReport report = run(destination);

      assertThat(server.requests.get()).isEqualTo(3);
      assertThat(report.failedRecords()).singleElement()
          .satisfies(e -> assertThat(e.reason()).doesNotContain("uncertain"));
    }
  }

  @Test
  void aRequestThatNeverLeftIsRetriedEvenForADestinationWhoseWritesAreNotIdempotent() throws Exception {
    int port;
    try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = unused.getLocalPort();
    }
    try (PostingDestination destination = new PostingDestination("http://127.0.0.1:" + port, false)) {
      SyncReport report = run(destination);

      assertThat(report.requests().attempts()).isEqualTo(3);
      assertThat(report.failedRecords()).singleElement()
          .satisfies(e -> assertThat(e.reason()).doesNotContain("uncertain"));
    }
  }
}
