package dev.sluice.scheduler;

import dev.sluice.Record;
import dev.sluice.Sync;
import dev.sluice.RunContext;
import dev.sluice.SyncReport;
import dev.sluice.destination.Batch;
import dev.sluice.destination.BatchResult;
import dev.sluice.destination.Capabilities;
import dev.sluice.destination.Destination;
import dev.sluice.observe.SyncListener;
import dev.sluice.state.StateStore;
import dev.sluice.testkit.InMemorySource;
import dev.sluice.testkit.RecordingDestination;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A small sync that records its runs. */
final class Fixture {

  final InMemorySource source = InMemorySource.ordered();
  final RecordingDestination destination = RecordingDestination.create();
  final List<SyncReport> reports = new CopyOnWriteArrayList<>();
  final Sync sync;
  /** Runs on the sync's thread as each run opens the destination: a hook for "while it runs". */
  volatile Runnable duringRun = () -> {};

  Fixture(String name, StateStore state) {
    this(name, state, Clock.systemUTC());
  }

  Fixture(String name, StateStore state, Clock clock) {
    for (int i = 1; i <= 5; i++) {
      source.put(Record.builder("k" + i).set("n", i).build());
    }
    Destination hooked = new Destination() {
      @Override
      public Capabilities capabilities() {
        return destination.capabilities();
      }

      @Override
      public void open(RunContext context) {
        duringRun.run();
      }

      @Override
      public BatchResult write(Batch batch) {
        return destination.write(batch);
      }
    };
    sync = Sync.from(source).to(hooked).named(name).state(state)
        .listener(new SyncListener() {
          @Override
          public void onRunFinished(SyncReport report) {
            reports.add(report);
          }
        })
        .clock(clock)
        .build();
  }

  int runs() {
    return reports.size();
  }

  void change(String key, int n) {
    source.put(key, Map.of("n", n));
  }
}
