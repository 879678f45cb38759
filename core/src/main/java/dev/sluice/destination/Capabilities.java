package dev.sluice.destination;

import io.github.resilience4j.ratelimiter.RateLimiter;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a destination can do and the limits its API sets, as the engine needs them to plan
 * batches. Immutable; build with {@link #builder()}.
 *
 * <p>Defaults: no operation (at least one must be named), {@value #DEFAULT_MAX_RECORDS} records
 * per batch, no byte limit, writes not idempotent.
 */
public final class Capabilities {

  /** Records per batch when the destination states no limit. */
  public static final int DEFAULT_MAX_RECORDS = 1_000;

  /** Marks "no byte limit" in {@link #maxBytesPerBatch()}. */
  public static final long UNLIMITED_BYTES = Long.MAX_VALUE;

  private final Set<Operation> operations;
  private final int maxRecordsPerBatch;
  private final int preferredRecordsPerBatch;
  private final long maxBytesPerBatch;
  private final boolean idempotentWrites;
  private final RateLimiter rateLimit;
  private final boolean requestsTakePermits;
  private final boolean nonFiniteNumbers;

  private Capabilities(Builder b) {
    this.nonFiniteNumbers = b.nonFiniteNumbers;
    this.operations = Collections.unmodifiableSet(EnumSet.copyOf(b.operations));
    this.maxRecordsPerBatch = b.maxRecordsPerBatch;
    this.preferredRecordsPerBatch = b.preferredRecordsPerBatch;
    this.maxBytesPerBatch = b.maxBytesPerBatch;
    this.idempotentWrites = b.idempotentWrites;
    this.rateLimit = b.rateLimit;
    this.requestsTakePermits = b.requestsTakePermits;
  }

  /**
   * The budget of the destination's API, if the destination knows it (say 190 requests per
   * rolling 10 s for a HubSpot account). Unless {@link #requestsTakePermits()}, the engine takes
   * one permit from it per write; a rate-limit answer pauses it when it is a
   * {@link dev.sluice.delivery.RollingWindowRateLimiter}.
   *
   * @return the API's budget, if known
   */
  public Optional<RateLimiter> rateLimit() {
    return Optional.ofNullable(rateLimit);
  }

  /**
   * Whether every request the destination makes takes a permit from {@link #rateLimit()} itself —
   * as when it calls its API through a {@link dev.sluice.http.JsonClient} built with
   * {@code .rateLimiter(budget)} — so that the engine must not take another per write. This is
   * what keeps the count exact when a write costs several requests (a lookup, then the write) and
   * when reads outside writes (schema, job polls, tokens) use the same budget.
   *
   * @return whether each request takes its own permit
   */
  public boolean requestsTakePermits() {
    return requestsTakePermits;
  }

  /**
   * Starts a description.
   *
   * @return a builder to configure it with
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the operations the destination accepts} Never empty. */
  public Set<Operation> operations() {
    return operations;
  }

  /**
   * {@return whether the destination accepts {@code operation}}
   *
   * @param operation the operation
   */
  public boolean supports(Operation operation) {
    return operations.contains(operation);
  }

  /** {@return the most records one batch may hold} */
  public int maxRecordsPerBatch() {
    return maxRecordsPerBatch;
  }

  /**
   * {@return the most bytes one batch may hold, counted per record by {@link RecordSize#jsonBytes} and
   * summed; {@link #UNLIMITED_BYTES} when there is no limit} A destination with a fixed envelope
   * around the records should subtract the envelope from its API's limit. A single record larger
   * than the limit fails permanently without being sent.
   */
  public long maxBytesPerBatch() {
    return maxBytesPerBatch;
  }

  /**
   * {@return whether writing the same batch twice leaves the destination as writing it once; default
   * false} The engine relies on it when a write's answer was lost
   * ({@link RetryableDestinationException#answerLost()}: a read timeout, a connection reset after
   * sending): it sends such a batch again within the run only to an idempotent destination. For
   * any other, the batch's records are reported as uncertain ("uncertain: the destination may have
   * written these records …") and sent on the next run — for an insert, the destination then
   * answers "already exists" for what it had written. A request that never left (connection
   * refused) is retried either way.
   */
  public boolean idempotentWrites() {
    return idempotentWrites;
  }

  /**
   * {@return whether the destination takes NaN and infinite doubles (default false: JSON has no such
   * numbers, so the engine rejects a record holding one, naming its field, instead of sending
   * the text {@code "NaN"})}
   */
  public boolean nonFiniteNumbers() {
    return nonFiniteNumbers;
  }

  /**
   * {@return the batch size the destination works best with, or 0 for the engine's default} A sync
   * that sets no {@link dev.sluice.Sync.Builder#batchSize(int) batch size} cuts batches of this
   * many records (at most {@link #maxRecordsPerBatch()}): for APIs whose cost per record falls with
   * larger batches, such as bulk jobs.
   */
  public int preferredRecordsPerBatch() {
    return preferredRecordsPerBatch;
  }

  @Override
  public String toString() {
    return "Capabilities{operations=" + operations + ", maxRecordsPerBatch=" + maxRecordsPerBatch
        + ", maxBytesPerBatch=" + (maxBytesPerBatch == UNLIMITED_BYTES ? "unlimited" : maxBytesPerBatch)
        + ", idempotentWrites=" + idempotentWrites
        + (rateLimit == null ? "" : ", rateLimit=" + rateLimit.getName() + (requestsTakePermits ? " (per request)" : " (per write)"))
        + '}';
  }

  /** Builds {@link Capabilities}; each setter validates at once. Not thread-safe. */
  public static final class Builder {
    private final Set<Operation> operations = EnumSet.noneOf(Operation.class);
    private int maxRecordsPerBatch = DEFAULT_MAX_RECORDS;
    private int preferredRecordsPerBatch;
    private long maxBytesPerBatch = UNLIMITED_BYTES;
    private boolean idempotentWrites;
    private RateLimiter rateLimit;
    private boolean requestsTakePermits;

    private boolean nonFiniteNumbers;

    private Builder() {}

    /**
     * Whether NaN and infinite doubles may be sent (see {@link Capabilities#nonFiniteNumbers()}).
     *
     * @param accepted whether the destination takes them
     * @return this builder
     */
    public Builder nonFiniteNumbers(boolean accepted) {
      this.nonFiniteNumbers = accepted;
      return this;
    }

    /**
     * Adds supported operations.
     *
     * @param ops the operations
     * @return this builder
     */
    public Builder operations(Operation... ops) {
      Objects.requireNonNull(ops, "operations");
      operations.addAll(Arrays.asList(ops));
      return this;
    }

    /**
     * The batch size the destination works best with (see
     * {@link Capabilities#preferredRecordsPerBatch()}); default 0, the engine's default.
     *
     * @param preferred the preferred number of records per batch, at least 1
     * @return this builder
     */
    public Builder preferredRecordsPerBatch(int preferred) {
      if (preferred < 1) {
        throw new IllegalArgumentException("preferredRecordsPerBatch must be at least 1, was " + preferred);
      }
      this.preferredRecordsPerBatch = preferred;
      return this;
    }

    /**
     * The most records per batch; at least 1.
     *
     * @param max the maximum, at least 1
     * @return this builder
     */
    public Builder maxRecordsPerBatch(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxRecordsPerBatch must be at least 1, was " + max);
      }
      this.maxRecordsPerBatch = max;
      return this;
    }

    /**
     * The most bytes per batch (see {@link Capabilities#maxBytesPerBatch()}); at least 1.
     *
     * @param max the maximum, at least 1
     * @return this builder
     */
    public Builder maxBytesPerBatch(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxBytesPerBatch must be at least 1, was " + max);
      }
      this.maxBytesPerBatch = max;
      return this;
    }

    /**
     * Whether writes are idempotent (see {@link Capabilities#idempotentWrites()}).
     *
     * @param idempotent whether writing the same record twice is harmless
     * @return this builder
     */
    public Builder idempotentWrites(boolean idempotent) {
      this.idempotentWrites = idempotent;
      return this;
    }

    /**
     * The API's budget, from which the engine takes one permit per write (see
     * {@link Capabilities#rateLimit()}); for destinations that make one request per write.
     *
     * @param budget the API's budget
     * @return this builder
     */
    public Builder rateLimit(RateLimiter budget) {
      this.rateLimit = Objects.requireNonNull(budget, "budget");
      this.requestsTakePermits = false;
      return this;
    }

    /**
     * The API's budget, from which every request of the destination takes its own permit (see
     * {@link Capabilities#requestsTakePermits()}): pass the same budget to
     * {@link dev.sluice.http.JsonClient.Builder#rateLimiter} and declare it here.
     *
     * @param budget the API's budget, the one the destination's client takes its permits from
     * @return this builder
     */
    public Builder requestsTakePermits(RateLimiter budget) {
      this.rateLimit = Objects.requireNonNull(budget, "budget");
      this.requestsTakePermits = true;
      return this;
    }

    /**
     * Builds the description.
     *
     * @return the description
     * @throws IllegalStateException if no operation was named
     */
    public Capabilities build() {
      if (operations.isEmpty()) {
        throw new IllegalStateException("name at least one supported operation with operations(...)");
      }
      return new Capabilities(this);
    }
  }
}
