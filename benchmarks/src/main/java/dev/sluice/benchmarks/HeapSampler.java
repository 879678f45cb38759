package dev.sluice.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap a benchmark case used, two ways:
 *
 * <ul>
 *   <li><b>max used</b>: the largest total of the heap in use (all pools together, garbage not
 *       yet collected included), sampled every {@value #PERIOD_MS} ms from a thread of its own.
 *       One sample is one moment, so it never exceeds the heap's limit, unlike a sum of each
 *       pool's own peak (those peaks happen at different moments).</li>
 *   <li><b>max live after GC</b>: the largest total in use right after a collection, from the
 *       collectors' notifications — what the case really held, garbage aside.</li>
 * </ul>
 */
final class HeapSampler implements AutoCloseable {

  private static final long PERIOD_MS = 5;

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::onGc;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long maxUsed;
  private volatile long maxAfterGc;

  HeapSampler() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter) {
        NotificationEmitter emitter = (NotificationEmitter) gc;
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
    thread = new Thread(this::sample, "heap-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void sample() {
    while (running) {
      long used = memory.getHeapMemoryUsage().getUsed();
      if (used > maxUsed) {
        maxUsed = used;
      }
      try {
        Thread.sleep(PERIOD_MS); // a sampling period, not a wait for something to happen
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void onGc(Notification notification, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    long after = 0;
    for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (isHeap(pool.getKey())) {
        after += pool.getValue().getUsed();
      }
    }
    synchronized (this) {
      if (after > maxAfterGc) {
        maxAfterGc = after;
      }
    }
  }

  private static final java.util.Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
      .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
      .map(java.lang.management.MemoryPoolMXBean::getName)
      .collect(java.util.stream.Collectors.toSet());

  private static boolean isHeap(String pool) {
    return HEAP_POOLS.contains(pool);
  }

  long maxUsedMiB() {
    return maxUsed >> 20;
  }

  long maxAfterGcMiB() {
    return maxAfterGc >> 20;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long used = memory.getHeapMemoryUsage().getUsed();
    if (used > maxUsed) {
      maxUsed = used;
    }
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (javax.management.ListenerNotFoundException e) {
        // already gone
      }
    }
  }
}
