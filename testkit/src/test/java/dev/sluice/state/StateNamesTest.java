package dev.sluice.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Sync;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import dev.sluice.testkit.TestPostgres;
import dev.sluice.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sync names every state store keeps exactly, and state tables created by several instances at once. */
class StateNamesTest {

  @TempDir
  Path dir;

  @Test
  void aSyncNameIsRefusedAtBuildWhenNoStoreCouldKeepIt() {
    Sync.Builder builder = Sync.from(InMemorySource.create()).to(RecordingDestination.create());
    assertThatThrownBy(() -> builder.named("n".repeat(Sync.Builder.MAX_NAME_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("161 characters long, more than the 160");
    assertThatThrownBy(() -> builder.named("crm\uD800"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid Unicode").hasMessageContaining("\\uD800");
    assertThatThrownBy(() -> builder.named("crm\nsync"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character at index 3");
    assertThat(builder.named("n".repeat(Sync.Builder.MAX_NAME_LENGTH)).build().name()).hasSize(160);
  }

  @Test
  void theFileStoreKeepsTheLongestNamesApartInFilesOfLawfulLength() throws Exception {
    FileStateStore store = FileStateStore.in(dir);
    // 160 characters of four UTF-8 bytes each would be 1,920 characters percent-encoded.
    String a = "\uD83D\uDE00".repeat(79) + "a";
    String b = "\uD83D\uDE00".repeat(79) + "b";
    for (String name : List.of(a, b, a + "#strikes")) {
      try (SyncState state = store.open(name)) {
        state.put("k-" + name.length(), name.codePointAt(name.length() - 1));
        state.commit(name);
      }
    }
    try (SyncState state = store.open(a)) {
      assertThat(state.fingerprint()).isEqualTo(a);
    }
    try (SyncState state = store.open(b)) {
      assertThat(state.fingerprint()).isEqualTo(b);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .allSatisfy(name -> assertThat(name.length()).isLessThanOrEqualTo(255)).hasSizeGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void instancesCreatingTheJdbcTablesAtOnceAllOpen() throws Exception {
    DataSource database = TestPostgres.freshDatabase();
    openAtOnce(() -> JdbcStateStore.builder(database).createTables(true).build());
  }

  @Test
  void instancesCreatingTheWarehouseSchemaAndTablesAtOnceAllOpen() throws Exception {
    DataSource database = TestPostgres.freshDatabase();
    openAtOnce(() -> Warehouse.builder(database).schema("sluice_race").createTables(true).build());
  }

  /** Six stores, each made by {@code stores}, open a sync of their own at the same moment. */
  private static void openAtOnce(java.util.function.Supplier<StateStore> stores) throws Exception {
    int instances = 6;
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<String>> opened = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        String name = "sync-" + i;
        StateStore store = stores.get();
        opened.add(pool.submit(() -> {
          go.await();
          try (SyncState state = store.open(name)) {
            state.put("k", 1);
            state.commit("f");
          }
          return name;
        }));
      }
      go.countDown();
      for (Future<String> f : opened) {
        assertThat(f.get(60, TimeUnit.SECONDS)).startsWith("sync-");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
