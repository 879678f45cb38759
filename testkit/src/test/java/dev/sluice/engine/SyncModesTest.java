package dev.sluice.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.destination.Operation;
import dev.sluice.state.InMemoryStateStore;
import dev.sluice.diff.RecordHash;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every mode against every kind of change. The state and destination start with keys "same",
 * "changed" and "gone"; the second run's source holds "same" (unchanged), "changed" (new content),
 * "new" (added) and not "gone" (deleted).
 */
class SyncModesTest {

  enum Kind { ADD, UPDATE, DELETE, UNCHANGED }

  static Stream<Arguments> table() {
    return Stream.of(
        // mode, kind, operation sent (null = not sent)
        Arguments.of(SyncMode.UPSERT, Kind.ADD, Operation.UPSERT),
        Arguments.of(SyncMode.UPSERT, Kind.UPDATE, Operation.UPSERT),
        Arguments.of(SyncMode.UPSERT, Kind.DELETE, null),
        Arguments.of(SyncMode.UPSERT, Kind.UNCHANGED, null),
        // A key new to the state is sent as an update; this destination lacks it and says "not found".
        Arguments.of(SyncMode.UPDATE, Kind.ADD, Operation.UPDATE),
        Arguments.of(SyncMode.UPDATE, Kind.UPDATE, Operation.UPDATE),
        Arguments.of(SyncMode.UPDATE, Kind.DELETE, null),
        Arguments.of(SyncMode.UPDATE, Kind.UNCHANGED, null),
        Arguments.of(SyncMode.INSERT, Kind.ADD, Operation.INSERT),
        Arguments.of(SyncMode.INSERT, Kind.UPDATE, null),
        Arguments.of(SyncMode.INSERT, Kind.DELETE, null),
        Arguments.of(SyncMode.INSERT, Kind.UNCHANGED, null),
        Arguments.of(SyncMode.MIRROR, Kind.ADD, Operation.UPSERT),
        Arguments.of(SyncMode.MIRROR, Kind.UPDATE, Operation.UPSERT),
        Arguments.of(SyncMode.MIRROR, Kind.DELETE, Operation.DELETE),
        Arguments.of(SyncMode.MIRROR, Kind.UNCHANGED, null));
  }

  @ParameterizedTest(name = "{0} mode, {1}: {2}")
  @MethodSource("table")
  void sendsWhatTheModePrescribesAndKeepsStateInStepWithTheDestination(SyncMode mode, Kind kind, Operation expected) {
    InMemoryStateStore state = new InMemoryStateStore();
    RecordingDestination destination = RecordingDestination.create();
    InMemorySource source = InMemorySource.create()
        .put(record("same", 1)).put(record("changed", 1)).put(record("gone", 1));
    run(source, destination, state, SyncMode.UPSERT);
    destination.clearBatches();

    source.remove("gone").put(record("changed", 2)).put(record("new", 1));
    SyncReport report = run(source, destination, state, mode);

    String key = keyOf(kind);
    Operation sent = sentOperation(destination, key);
    assertThat(sent).as("operation sent for %s", key).isEqualTo(expected);

    Map<String, Long> after = state.entries("s");
    switch (kind) {
      case ADD:
        boolean created = expected != null && mode != SyncMode.UPDATE;
        assertThat(after.get("new")).isEqualTo(created ? RecordHash.of(record("new", 1)) : null);
        assertThat(destination.get("new")).isEqualTo(created ? record("new", 1) : null);
        break;
      case UPDATE:
        Record now = expected == null ? record("changed", 1) : record("changed", 2);
        assertThat(after.get("changed")).isEqualTo(RecordHash.of(now));
        assertThat(destination.get("changed")).isEqualTo(now);
        break;
      case DELETE:
        assertThat(after.containsKey("gone")).isEqualTo(expected == null);
        assertThat(destination.get("gone")).isEqualTo(expected == null ? record("gone", 1) : null);
        break;
      case UNCHANGED:
        assertThat(after.get("same")).isEqualTo(RecordHash.of(record("same", 1)));
        break;
      default:
        throw new AssertionError(kind);
    }

    assertThat(report.status()).isEqualTo(SyncReport.Status.SUCCEEDED);
    assertThat(report.added()).isEqualTo(1);
    assertThat(report.updated()).isEqualTo(1);
    assertThat(report.unchanged()).isEqualTo(1);
    assertThat(report.deleted()).isEqualTo(mode == SyncMode.MIRROR ? 1 : 0);
    long sentCount = mode == SyncMode.UPSERT ? 2 : mode == SyncMode.MIRROR ? 3 : 1;
    assertThat(report.delivered()).isEqualTo(sentCount);
    assertThat(report.skipped()).isEqualTo(mode == SyncMode.INSERT ? 1 : 0);
    assertThat(report.notFound()).isEqualTo(mode == SyncMode.UPDATE ? 1 : 0);
  }

  @Test
  void fallsBackToUpsertWhenTheDestinationLacksUpdateOrInsert() {
    RecordingDestination upsertOnly = RecordingDestination.builder().operations(Operation.UPSERT).build();
    InMemoryStateStore state = new InMemoryStateStore();
    InMemorySource source = InMemorySource.create().put(record("a", 1));
    run(source, upsertOnly, state, SyncMode.INSERT);
    source.put(record("a", 2));
    run(source, upsertOnly, state, SyncMode.UPDATE);

    assertThat(upsertOnly.batches()).extracting(b -> b.operation()).containsOnly(Operation.UPSERT).hasSize(2);
    assertThat(upsertOnly.get("a")).isEqualTo(record("a", 2));
  }

  @Test
  void refusesAModeTheDestinationCannotServeWhenBuilt() {
    RecordingDestination noDelete = RecordingDestination.builder().operations(Operation.UPSERT).build();

    assertThatThrownBy(() -> Sync.from(InMemorySource.create()).to(noDelete).mode(SyncMode.MIRROR).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mode MIRROR needs the UPSERT and DELETE operations")
        .hasMessageContaining("supports only [UPSERT]");
  }

  private static SyncReport run(InMemorySource source, RecordingDestination destination, InMemoryStateStore state,
      SyncMode mode) {
    return Sync.from(source).to(destination).named("s").state(state).mode(mode).build().run();
  }

  private static Operation sentOperation(RecordingDestination destination, String key) {
    for (Operation op : Operation.values()) {
      if (destination.keysSent(op).contains(key)) {
        return op;
      }
    }
    return null;
  }

  private static String keyOf(Kind kind) {
    switch (kind) {
      case ADD: return "new";
      case UPDATE: return "changed";
      case DELETE: return "gone";
      default: return "same";
    }
  }

  static Record record(String key, int version) {
    return Record.builder(key).set("name", key).set("version", version).build();
  }
}
