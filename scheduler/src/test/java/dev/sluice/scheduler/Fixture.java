package dev.sluice.scheduler;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.SyncReport;
import dev.sluice.observe.SyncListener;
import dev.sluice.state.StateStore;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A small sync that records its runs. */
final class Fixture {

  final InMemorySource source = InMemorySource.ordered();
  final RecordingDestination destination = RecordingDestination.create();
  final List<SyncReport> reports = new CopyOnWriteArrayList<>();
  final Sync sync;

  Fixture(String name, StateStore state) {
    for (int i = 1; i <= 5; i++) {
      source.put(Record.builder("k" + i).set("n", i).build());
    }
    sync = Sync.from(source).to(destination).named(name).state(state)
        .listener(new SyncListener() {
          @Override
          public void onRunFinished(SyncReport report) {
            reports.add(report);
          }
        })
        .build();
  }

  int runs() {
    return reports.size();
  }

  void change(String key, int n) {
    source.put(key, Map.of("n", n));
  }
}
