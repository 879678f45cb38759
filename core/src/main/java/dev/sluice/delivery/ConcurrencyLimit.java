package dev.sluice.delivery;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A cap on calls in flight at once across every sync that shares one {@link DeliveryPolicy}, for
 * APIs that limit concurrent requests per account. Made by
 * {@link DeliveryPolicy.Builder#maxConcurrentCalls(int, Duration)}. Thread-safe.
 */
public final class ConcurrencyLimit {

  private final int maxConcurrentCalls;
  private final Duration maxWait;
  private final Semaphore slots;

  ConcurrencyLimit(int maxConcurrentCalls, Duration maxWait) {
    this.maxConcurrentCalls = maxConcurrentCalls;
    this.maxWait = maxWait;
    this.slots = new Semaphore(maxConcurrentCalls, true);
  }

  /** {@return the most calls in flight at once} */
  public int maxConcurrentCalls() {
    return maxConcurrentCalls;
  }

  /** {@return how long a call waits for a free slot before it fails as retryable} */
  public Duration maxWait() {
    return maxWait;
  }

  /** {@return the calls in flight now} */
  public int inFlight() {
    return maxConcurrentCalls - slots.availablePermits();
  }

  /**
   * Takes a slot, waiting up to {@link #maxWait()}; the engine calls this around each write.
   *
   * @return whether a slot was taken (then {@link #release()} it)
   * @throws InterruptedException when the waiting thread is interrupted
   */
  public boolean tryAcquire() throws InterruptedException {
    return slots.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Gives a slot back. */
  public void release() {
    slots.release();
  }

  @Override
  public String toString() {
    return "ConcurrencyLimit{" + maxConcurrentCalls + " calls, wait " + maxWait + '}';
  }

  static ConcurrencyLimit of(int calls, Duration maxWait) {
    return new ConcurrencyLimit(calls, Objects.requireNonNull(maxWait, "maxWait"));
  }
}
