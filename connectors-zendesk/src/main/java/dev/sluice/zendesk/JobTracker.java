package dev.sluice.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.delivery.RequestCounter;
import dev.sluice.destination.DestinationException;
import dev.sluice.destination.PermanentDestinationException;
import dev.sluice.destination.RetryableDestinationException;
import dev.sluice.http.JsonResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Zendesk's background jobs in view without a thread per job: one scheduler thread polls
 * every pending job with one {@code GET /api/v2/job_statuses/show_many} (up to 100 ids; at most 30
 * jobs are pending), and hands finished jobs to their listeners. Polls keep the base spacing while
 * jobs finish, and back off by half again per poll, up to a ceiling, while none does; a job is
 * first polled one spacing after it was submitted. It also holds the job slots: at most {@code maxJobs} jobs are submitted
 * and not yet finished. Thread-safe.
 */
final class JobTracker implements AutoCloseable {

  /** Told once what became of a job. */
  interface Listener {
    /** The job completed; {@code status} is its {@code job_status} object. */
    void completed(JsonNode status);

    /** The job failed, vanished, timed out, or could not be polled: its records stay pending. */
    void failed(DestinationException error);
  }

  private static final Logger log = LoggerFactory.getLogger(JobTracker.class);
  private static final int IDS_PER_POLL = 100;
  private static final int MISSES_BEFORE_VANISHED = 3;

  private static final class Tracked {
    final String id;
    final Listener listener;
    final long submittedNanos;
    // The request counter of the run that submitted the job: its polls count for that run.
    final RequestCounter counter;
    int misses;

    Tracked(String id, Listener listener, long now) {
      this.id = id;
      this.listener = listener;
      this.submittedNanos = now;
      this.counter = RequestCounter.current().orElse(null);
    }
  }

  private final ZendeskApi api;
  private final Semaphore slots;
  private final int maxJobs;
  private final Supplier<Duration> spacing;
  private final long maxPollDelayNanos;
  private final long jobTimeoutNanos;
  private final ScheduledExecutorService scheduler;
  private final Map<String, Tracked> tracked = new LinkedHashMap<>(); // guarded by this
  private final AtomicLong polls = new AtomicLong();
  private ScheduledFuture<?> next; // guarded by this
  private long nextAtNanos; // guarded by this
  private long lastPollNanos; // guarded by this
  private long spacingNanos; // guarded by this: the base spacing, or more while nothing finishes
  private boolean closed; // guarded by this

  JobTracker(ZendeskApi api, int maxJobs, Supplier<Duration> spacing, Duration maxPollDelay, Duration jobTimeout,
      String threadName) {
    this.api = api;
    this.maxJobs = maxJobs;
    this.slots = new Semaphore(maxJobs, true);
    this.spacing = spacing;
    this.maxPollDelayNanos = maxPollDelay.toNanos();
    this.jobTimeoutNanos = jobTimeout.toNanos();
    this.lastPollNanos = System.nanoTime() - TimeUnit.HOURS.toNanos(1);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  /** Waits until fewer than {@code maxJobs} jobs are in flight, and takes a slot. */
  void acquireSlot() {
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetryableDestinationException("interrupted while waiting for one of Zendesk's " + maxJobs + " job slots", e);
    }
  }

  /** Gives back a slot taken for a job that was not created, or has finished. */
  void releaseSlot() {
    slots.release();
  }

  /** Jobs submitted and not yet finished. */
  int inFlight() {
    return maxJobs - slots.availablePermits();
  }

  /** Job polls sent so far. */
  long polls() {
    return polls.get();
  }

  /** Watches job {@code id}, whose slot is held, until it finishes; the slot is released then. */
  void track(String id, Listener listener) {
    synchronized (this) {
      if (closed) {
        slots.release();
        listener.failed(new RetryableDestinationException("the Zendesk destination was closed; job " + id
            + " was not followed and its records stay pending"));
        return;
      }
      tracked.put(id, new Tracked(id, listener, System.nanoTime()));
      spacingNanos = spacing.get().toNanos(); // a new job: back to the base spacing
    }
    schedule();
  }

  private synchronized void schedule() {
    if (closed || tracked.isEmpty()) {
      return;
    }
    long oldest = Long.MAX_VALUE;
    for (Tracked t : tracked.values()) {
      oldest = Math.min(oldest, t.submittedNanos);
    }
    // A job gets a moment to start before its first poll; after that, polls keep the spacing.
    long at = Math.max(lastPollNanos + spacingNanos, oldest + spacing.get().toNanos());
    if (next != null && !next.isDone() && nextAtNanos <= at) {
      return;
    }
    if (next != null) {
      next.cancel(false);
    }
    nextAtNanos = at;
    next = scheduler.schedule(this::tick, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void tick() {
    List<Tracked> due = new ArrayList<>();
    synchronized (this) {
      next = null;
      for (Tracked t : tracked.values()) {
        if (due.size() < IDS_PER_POLL) {
          due.add(t);
        }
      }
    }
    boolean finished = false;
    try {
      if (!due.isEmpty()) {
        finished = poll(due);
      }
    } catch (RuntimeException e) {
      log.warn("polling Zendesk jobs failed unexpectedly; trying again later", e);
    } finally {
      synchronized (this) {
        lastPollNanos = System.nanoTime();
        long base = spacing.get().toNanos();
        // Back off while nothing finishes; back to the base spacing as soon as something does.
        spacingNanos = finished ? base : Math.min(maxPollDelayNanos, Math.max(base, spacingNanos + spacingNanos / 2));
      }
      schedule();
    }
  }

  /** Polls the {@code due} jobs with one request; returns whether any of them finished. */
  private boolean poll(List<Tracked> due) {
    StringBuilder ids = new StringBuilder();
    due.forEach(t -> ids.append(ids.length() == 0 ? "" : ",").append(t.id));
    JsonResponse response;
    polls.incrementAndGet();
    // One poll serves jobs of whichever runs are waiting; it counts for the run of the oldest.
    RequestCounter counter = due.stream().map(t -> t.counter).filter(java.util.Objects::nonNull).findFirst()
        .orElseGet(RequestCounter::new);
    RequestCounter.Binding binding = counter.bind();
    try {
      response = api.send("GET", "/api/v2/job_statuses/show_many?ids=" + ids, null);
    } catch (PermanentDestinationException e) {
      if (e.stopsRun()) {
        failAll(e);
        return true;
      }
      log.debug("polling {} Zendesk job(s) was refused ({}); trying again later", due.size(), e.getMessage());
      return false;
    } catch (DestinationException e) {
      log.debug("polling {} Zendesk job(s) failed ({}); trying again later", due.size(), e.getMessage());
      return false;
    } finally {
      binding.close();
    }
    if (!response.isSuccess()) {
      log.debug("polling {} Zendesk job(s) got HTTP {} ({}); trying again later", due.size(), response.status(),
          response.excerpt());
      return false;
    }
    Map<String, JsonNode> statuses = new HashMap<>();
    for (JsonNode status : response.json().path("job_statuses")) {
      statuses.put(status.path("id").asText(), status);
    }
    long now = System.nanoTime();
    boolean finished = false;
    for (Tracked t : due) {
      JsonNode status = statuses.get(t.id);
      if (status == null) {
        if (++t.misses >= MISSES_BEFORE_VANISHED) {
          finished = true;
          finish(t).failed(new RetryableDestinationException("Zendesk no longer knows job " + t.id + " (it was not"
              + " listed " + MISSES_BEFORE_VANISHED + " times); its records were not confirmed and stay pending"));
        }
        continue;
      }
      t.misses = 0;
      String state = status.path("status").asText("");
      if (state.equals("completed")) {
        finished = true;
        finish(t).completed(status);
      } else if (state.equals("failed") || state.equals("killed")) {
        finished = true;
        finish(t).failed(new RetryableDestinationException("Zendesk job " + t.id + " ended " + state
            + (status.hasNonNull("message") ? " (" + status.get("message").asText() + ")" : "")
            + "; its records stay pending"));
      } else if (now - t.submittedNanos > jobTimeoutNanos) {
        finished = true;
        finish(t).failed(new RetryableDestinationException("Zendesk job " + t.id + " is still " + state + " after "
            + Duration.ofNanos(jobTimeoutNanos) + "; its records were not confirmed and stay pending"));
      }
    }
    return finished;
  }

  private Listener finish(Tracked t) {
    synchronized (this) {
      tracked.remove(t.id);
    }
    slots.release();
    return t.listener;
  }

  private void failAll(DestinationException e) {
    List<Tracked> all;
    synchronized (this) {
      all = new ArrayList<>(tracked.values());
    }
    all.forEach(t -> finish(t).failed(e));
  }

  @Override
  public void close() {
    List<Tracked> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(tracked.values());
      if (next != null) {
        next.cancel(false);
      }
    }
    scheduler.shutdownNow();
    all.forEach(t -> finish(t).failed(new RetryableDestinationException("the Zendesk destination was closed while"
        + " job " + t.id + " was pending; its records stay pending")));
  }
}
