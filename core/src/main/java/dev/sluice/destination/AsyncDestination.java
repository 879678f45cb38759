package dev.sluice.destination;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A destination whose API accepts work now and reports outcomes later, such as a bulk job that
 * is created, uploaded, polled and read back minutes later. The engine calls
 * {@link #submit(Batch)} and keeps no thread waiting; the number of batches submitted but not yet
 * completed still counts against the sync's concurrency.
 *
 * <p>{@code submit} must return quickly. The returned stage completes with one outcome per
 * record, or exceptionally with a {@link DestinationException} that classifies a whole-batch
 * failure, as for {@link Destination#write(Batch)}.
 */
public interface AsyncDestination extends Destination {

  /**
   * Starts writing {@code batch}; the stage completes when its outcomes are known.
   *
   * @param batch the batch
   * @return a stage that completes with one outcome per record, or exceptionally as {@code write}
   *     would throw
   */
  CompletionStage<BatchResult> submit(Batch batch);

  /** Writes one batch and waits for its outcomes; for callers outside the engine. */
  @Override
  default BatchResult write(Batch batch) {
    try {
      return submit(batch).toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw e;
    }
  }
}
