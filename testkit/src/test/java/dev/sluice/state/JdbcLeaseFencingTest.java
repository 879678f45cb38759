package dev.sluice.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.source.Databases;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Two instances on one PostgreSQL: a run that lost its lease stops and fails; a live run keeps it. */
class JdbcLeaseFencingTest {

  private final DataSource postgres = Databases.postgres();
  private final String prefix = "lease_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";

  private JdbcStateStore store(MutableClock clock, Duration lease) {
    return JdbcStateStore.builder(postgres).createTables(true).tablePrefix(prefix).clock(clock).leaseTimeout(lease).build();
  }

  private static InMemorySource records(int n) {
    InMemorySource source = InMemorySource.ordered();
    for (int i = 0; i < n; i++) {
      source.put(Record.builder(String.format("k%02d", i)).set("v", i).build());
    }
    return source;
  }

  /** Confirms every record, running a hook inside the first write. */
  private static final class HookedDestination implements Destination {
    final List<String> written = new ArrayList<>();
    private final Consumer<Batch> onFirst;

    HookedDestination(Consumer<Batch> onFirst) {
      this.onFirst = onFirst;
    }

    @Override
    public Capabilities capabilities() {
      return Capabilities.builder().operations(Operation.UPSERT, Operation.DELETE).build();
    }

    @Override
    public synchronized BatchResult write(Batch batch) {
      if (written.isEmpty()) {
        onFirst.accept(batch);
      }
      BatchResult.Builder result = BatchResult.builder(batch);
      for (Record r : batch.records()) {
        written.add(r.key());
        result.succeeded(r.key());
      }
      return result.build();
    }
  }

  @Test
  void aRunWhoseLeaseWasTakenOverStopsSendingAndFailsSayingSo() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    JdbcStateStore first = store(clock, Duration.ofMinutes(1));
    JdbcStateStore second = store(clock, Duration.ofMinutes(1));
    HookedDestination destination = new HookedDestination(batch -> {
      // The first run stalls past its lease; another instance takes the sync over and commits.
      clock.advance(Duration.ofMinutes(5));
      try (SyncState other = second.open("shared")) {
        other.put("k00", 42L);
        other.commit("other;d=x;s=y");
      }
    });
    Sync sync = Sync.from(records(10)).to(destination).named("shared").state(first).batchSize(2).concurrency(1).build();

    SyncReport report = sync.run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.FAILED);
    assertThat(report.failureKind()).contains(SyncReport.FailureKind.STATE);
    assertThat(report.failure()).get().asString().contains("lost its lease");
    assertThat(destination.written).as("no batch after the lease was lost").containsExactly("k00", "k01");
    try (SyncState state = second.open("shared")) {
      assertThat(state.fingerprint()).as("the taken-over run committed nothing").isEqualTo("other;d=x;s=y");
      StateCursor cursor = state.cursor();
      assertThat(cursor.next()).isTrue();
      assertThat(cursor.key()).isEqualTo("k00");
      assertThat(cursor.hash()).isEqualTo(42L);
      assertThat(cursor.next()).isFalse();
    }
  }

  @Test
  void aLiveRunRenewsItsLeaseSoNoOtherInstanceTakesItOver() {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    Duration lease = Duration.ofMillis(300);
    JdbcStateStore first = store(clock, lease);
    JdbcStateStore second = store(clock, lease);
    HookedDestination destination = new HookedDestination(batch -> {
      Timestamp before = lockedAt();
      // Time passes beyond the lease; the renewal (every lease / 3) keeps moving locked_at with it.
      clock.advance(Duration.ofMillis(250));
      awaitLockedAtAfter(before.toInstant().plusMillis(200));
      clock.advance(Duration.ofMillis(250));
      awaitLockedAtAfter(before.toInstant().plusMillis(450));
      assertThatThrownBy(() -> second.open("live").close())
          .isInstanceOf(StateStoreException.class)
          .hasMessageContaining("already running");
    });
    Sync sync = Sync.from(records(4)).to(destination).named("live").state(first).batchSize(2).concurrency(1).build();

    SyncReport report = sync.run();

    assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(report.delivered()).isEqualTo(4);
  }

  private Timestamp lockedAt() {
    try (Connection c = postgres.getConnection();
        PreparedStatement s = c.prepareStatement("select locked_at from " + prefix + "sync where sync_name = 'live'")) {
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getTimestamp(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitLockedAtAfter(Instant instant) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      Timestamp at = lockedAt();
      if (at != null && !at.toInstant().isBefore(instant)) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
    throw new AssertionError("the lease was not renewed past " + instant + "; locked_at is " + lockedAt());
  }
}
