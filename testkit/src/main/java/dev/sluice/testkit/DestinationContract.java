package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.destination.Operation;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RateLimitedException;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.destination.RecordOutcome;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite a destination passes, against the real API or a faithful fake. A
 * connector's test extends it in a few lines:
 *
 * <pre>{@code
 * class MyDestinationTest extends DestinationContract {
 *   protected Destination newDestination() { return new MyDestination(fake.url()); }
 *   protected Map<String, Map<String, Object>> contents() { return fake.recordsByKey(); }
 * }
 * }</pre>
 *
 * <p>It checks that upserts are idempotent, that each record gets its own outcome, that a batch
 * at the declared limit is accepted, deletes where the destination supports them, and — when
 * {@link #failNextCallWith(int)} can inject them — that 503, 429 and 400 are classified as
 * retryable, rate-limited and permanent; and, for the operations it supports, that an update of a
 * missing key is "not found" and an insert of a held key "already exists". Override
 * {@link #invalidRecord(String)} to also check that a record the API refuses fails permanently
 * without taking its batch down.
 */
public abstract class DestinationContract {

  private static final AtomicLong RUNS = new AtomicLong();

  private Destination destination;
  private String runId;
  private long sequence;

  /** {@return a destination over a fresh, empty store (a new fake, or a clean test account)} */
  protected abstract Destination newDestination();

  /** {@return what the destination holds now, by key: the fields as the API returns them} */
  protected abstract Map<String, Map<String, Object>> contents();

  /**
   * A record valid for this destination; override when it needs particular fields.
   *
   * @param key the record key
   * @param version tells apart the contents of two writes of the same key
   * @return the record
   */
  protected Record validRecord(String key, int version) {
    return Record.builder(key).set("email", key + "@example.com").set("score", version)
        .set("ltv", new BigDecimal("12.50")).build();
  }

  /**
   * {@return a record the API refuses for its content (an invalid email, say); empty if none can be made}
   *
   * @param key the record key
   */
  protected Optional<Record> invalidRecord(String key) {
    return Optional.empty();
  }

  /**
   * Makes the destination's next call fail as the API would with this HTTP status (503, 429,
   * 400…); return false when the destination under test cannot be made to, and the
   * classification test is skipped.
   *
   * @param status the HTTP status
   * @return true when the next call will fail so, false when the destination cannot be made to
   */
  protected boolean failNextCallWith(int status) {
    return false;
  }

  /** {@return the destination under test} */
  protected final Destination destination() {
    return destination;
  }

  @BeforeEach
  void createDestination() {
    destination = newDestination();
    runId = "contract" + RUNS.incrementAndGet();
  }

  @AfterEach
  void closeDestination() {
    destination.close();
  }

  @Test
  void upsertsAreIdempotent() {
    Batch batch = batch(Operation.UPSERT, List.of(validRecord("c1", 1), validRecord("c2", 1)));

    BatchResult first = destination.write(batch);
    Map<String, Map<String, Object>> afterFirst = contents();
    BatchResult second = destination.write(batch);

    assertThat(first.failedCount()).as("failures: %s", first.outcomes()).isZero();
    assertThat(second.failedCount()).as("failures: %s", second.outcomes()).isZero();
    assertThat(contents()).isEqualTo(afterFirst).containsKeys("c1", "c2");
  }

  @Test
  void updatesWhatItHolds() {
    destination.write(batch(Operation.UPSERT, List.of(validRecord("c1", 1))));
    BatchResult result = destination.write(batch(Operation.UPSERT, List.of(validRecord("c1", 2))));

    assertThat(result.failedCount()).isZero();
    assertThat(String.valueOf(contents().get("c1").get("score"))).isEqualTo("2");
  }

  @Test
  void reportsOneOutcomePerRecordAndFailsABadRecordAlone() {
    Optional<Record> bad = invalidRecord("bad1");
    List<Record> records = new ArrayList<>(List.of(validRecord("g1", 1), validRecord("g2", 1)));
    bad.ifPresent(records::add);

    BatchResult result = destination.write(batch(Operation.UPSERT, records));

    assertThat(result.outcomes()).hasSize(records.size());
    assertThat(result.outcome(0).succeeded()).isTrue();
    assertThat(result.outcome(1).succeeded()).isTrue();
    if (bad.isPresent()) {
      RecordOutcome outcome = result.outcome(2);
      assertThat(outcome.succeeded()).isFalse();
      assertThat(outcome.retryable()).as("a record the API refuses is a permanent failure").isFalse();
      assertThat(outcome.reason()).isNotBlank();
      assertThat(contents()).doesNotContainKey("bad1");
    }
    assertThat(contents()).containsKeys("g1", "g2");
  }

  @Test
  void acceptsABatchAtItsDeclaredLimit() {
    Capabilities caps = destination.capabilities();
    int size = Math.min(caps.maxRecordsPerBatch(), 500);
    List<Record> records = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      records.add(validRecord("limit" + i, 1));
    }

    BatchResult result = destination.write(batch(Operation.UPSERT, records));

    assertThat(result.failedCount()).isZero();
    assertThat(contents()).hasSizeGreaterThanOrEqualTo(size);
  }

  @Test
  void deletesWhenItSupportsDeletes() {
    if (!destination.capabilities().supports(Operation.DELETE)) {
      return;
    }
    destination.write(batch(Operation.UPSERT, List.of(validRecord("d1", 1), validRecord("d2", 1))));

    BatchResult result = destination.write(batch(Operation.DELETE, List.of(Record.keyOnly("d1"),
        Record.keyOnly("never-there"))));

    assertThat(result.failedCount()).as("deleting a missing key succeeds: %s", result.outcomes()).isZero();
    assertThat(contents()).doesNotContainKey("d1").containsKey("d2");
  }

  @Test
  void classifiesWholeBatchFailures() {
    Batch batch = batch(Operation.UPSERT, List.of(validRecord("e1", 1)));
    if (failNextCallWith(503)) {
      assertThatThrownBy(() -> destination.write(batch)).isInstanceOf(RetryableDestinationException.class)
          .isNotInstanceOf(RateLimitedException.class);
    }
    if (failNextCallWith(429)) {
      assertThatThrownBy(() -> destination.write(batch)).isInstanceOf(RateLimitedException.class);
    }
    if (failNextCallWith(400)) {
      assertThatThrownBy(() -> destination.write(batch)).isInstanceOf(PermanentDestinationException.class);
    }
    assertThat(destination.write(batch).failedCount()).as("the next call succeeds").isZero();
  }

  /**
   * Whether the destination answers an update of a key it does not hold with
   * {@link RecordOutcome#notFound} and an insert of a key it holds with
   * {@link RecordOutcome#alreadyExists} (checked only for the operations it supports). Default
   * false, so that a destination written before these outcomes still passes; override with true
   * to have the suite check them, as every destination that serves UPDATE or INSERT syncs should.
   *
   * @return whether to check the not-found and already-exists outcomes
   */
  protected boolean reportsNotFoundAndAlreadyExists() {
    return false;
  }

  @Test
  void answersAnUpdateOfAKeyItDoesNotHoldWithNotFound() {
    if (!destination.capabilities().supports(Operation.UPDATE) || !reportsNotFoundAndAlreadyExists()) {
      return;
    }
    destination.write(batch(Operation.UPSERT, List.of(validRecord("u1", 1))));

    BatchResult result = destination.write(batch(Operation.UPDATE, List.of(validRecord("u1", 2), validRecord("u-missing", 1))));

    assertThat(result.outcome(0).succeeded()).as("outcomes: %s", result.outcomes()).isTrue();
    assertThat(result.outcome(1).status()).as("outcomes: %s", result.outcomes()).isEqualTo(RecordOutcome.Status.NOT_FOUND);
    assertThat(contents()).as("an update never creates").doesNotContainKey("u-missing");
    assertThat(String.valueOf(contents().get("u1").get("score"))).isEqualTo("2");
  }

  @Test
  void answersAnInsertOfAKeyItHoldsWithAlreadyExists() {
    if (!destination.capabilities().supports(Operation.INSERT) || !reportsNotFoundAndAlreadyExists()) {
      return;
    }
    destination.write(batch(Operation.UPSERT, List.of(validRecord("i1", 1))));

    BatchResult result = destination.write(batch(Operation.INSERT, List.of(validRecord("i1", 2), validRecord("i2", 1))));

    assertThat(result.outcome(0).status()).as("outcomes: %s", result.outcomes()).isEqualTo(RecordOutcome.Status.ALREADY_EXISTS);
    assertThat(result.outcome(1).succeeded()).as("outcomes: %s", result.outcomes()).isTrue();
    assertThat(String.valueOf(contents().get("i1").get("score"))).as("an insert never updates").isEqualTo("1");
    assertThat(contents()).containsKey("i2");
  }

  /**
   * {@return a batch of this test's run}
   *
   * @param operation the operation
   * @param records the records
   */
  protected final Batch batch(Operation operation, List<Record> records) {
    return new Batch("contract", runId, ++sequence, operation, records);
  }
}
