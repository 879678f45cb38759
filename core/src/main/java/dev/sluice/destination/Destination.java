package dev.sluice.destination;

import dev.sluice.RunContext;

/**
 * Where a sync delivers its changes: a business tool's API, a webhook, a table.
 *
 * <p><b>Lifecycle.</b> The engine calls {@link #capabilities()} when a sync is built and at the
 * start of each run, then {@link #open(RunContext)} once per run before the first write, then
 * {@link #write(Batch)} for each batch, then {@link #finish(RunContext)} after the last one (also
 * when the run failed). A destination instance may serve many runs, one after another or (for
 * different syncs) at once; {@link #close()} releases what it holds when the user is done with it.
 *
 * <p><b>Threading.</b> {@code write} is called from up to {@code concurrency} threads at once
 * (see {@link dev.sluice.Sync.Builder#concurrency(int)}), with different batches; implementations
 * must be thread-safe. A batch is never written by two threads at once.
 *
 * <p><b>Outcomes.</b> {@code write} returns one outcome per record. Throwing means the whole
 * batch failed: a {@link RetryableDestinationException} (may pass; {@link RateLimitedException}
 * says how long to wait) or a {@link PermanentDestinationException} (will not pass by retrying).
 * Any other runtime exception is treated as a retryable failure of the batch. Connectors only
 * classify what the API said; the engine decides whether to retry, wait or stop.
 *
 * <p><b>Rate limits.</b> A destination that knows its API's budget declares it in
 * {@link Capabilities}. If it calls the API through a {@link dev.sluice.http.JsonClient} built with
 * that budget ({@code JsonClient.builder(url).rateLimiter(budget)}), every request it makes takes
 * its own permit — lookups, schema reads, job polls, token calls included — and it declares
 * {@link Capabilities.Builder#requestsTakePermits}; the engine then takes none. Otherwise
 * ({@link Capabilities.Builder#rateLimit}) the engine takes one permit per {@code write}, which
 * is exact only for a destination that makes one request per write.
 *
 * <p>Destinations whose API works as a job that finishes later implement
 * {@link AsyncDestination} instead, so that no thread waits for the job.
 */
public interface Destination extends AutoCloseable {

  /**
   * {@return the operations and limits of this destination} Must be cheap, and must not change while a
   * sync that uses it exists.
   */
  Capabilities capabilities();

  /**
   * Prepares for a run, for example by checking the destination's schema against the mapping.
   * Throwing fails the run before anything is sent. The default does nothing.
   *
   * @param context the run
   */
  default void open(RunContext context) {}

  /**
   * Writes one batch and reports the outcome of each of its records.
   *
   * @param batch records with distinct keys, all with {@link Batch#operation()}, which is one of
   *     {@link Capabilities#operations()}
   * @return one outcome per record
   * @throws DestinationException when the batch failed as a whole
   */
  BatchResult write(Batch batch);

  /**
   * Called once after the last write of a run, whatever its result. The default does nothing.
   *
   * @param context the run
   */
  default void finish(RunContext context) {}

  /**
   * Describes the settings that shape what the destination stores (object type, field names, id
   * property; never credentials), for the sync fingerprint: when it changes, the next run re-sends
   * every record. The default is the class name.
   *
   * @return a description, stable across runs while the settings stay the same
   */
  default String describe() {
    return getClass().getName();
  }

  /**
   * {@return which system and object this destination writes to (such as the base URL and object type;
   * never credentials or settings that only change how it writes), stored with the state: a state
   * written for another identity says nothing about this destination, so a run against it starts
   * afresh and derives no deletes from it} The default is the class name.
   */
  default String identity() {
    return getClass().getName();
  }

  /** Releases connections and threads. The default does nothing. */
  @Override
  default void close() {}
}
