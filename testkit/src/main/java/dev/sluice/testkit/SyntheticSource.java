package dev.sluice.testkit;

import dev.sluice.Record;
import dev.sluice.RecordShape;
import dev.sluice.source.RecordStream;
import dev.sluice.source.Source;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.NoSuchElementException;
import java.util.OptionalLong;

/**
 * Generates customer-like records on the fly, in ascending key order, without holding them: for
 * benchmarks and memory tests of any size. Each record has ten fields (id, email, name, plan,
 * country, lifetime value, lead score, active flag, signup time, a note). The same parameters
 * always give the same records.
 *
 * <p>{@link #withRevision(int, int)} changes the content of every n-th record, to make runs with
 * a chosen share of updates.
 */
public final class SyntheticSource implements Source {

  private static final RecordShape SHAPE = RecordShape.of(
      "id", "email", "name", "plan", "country", "lifetime_value", "lead_score", "active", "signed_up_at", "note");
  private static final String[] PLANS = {"free", "starter", "pro", "enterprise"};
  private static final String[] COUNTRIES = {"DE", "FR", "US", "GB", "JP", "BR", "IN", "NL"};
  private static final Instant EPOCH = Instant.parse("2020-01-01T00:00:00Z");

  private final long count;
  private final int revision;
  private final int changeEvery;

  private SyntheticSource(long count, int revision, int changeEvery) {
    this.count = count;
    this.revision = revision;
    this.changeEvery = changeEvery;
  }

  /**
   * {@code count} records, keys {@code c000000000000} upward.
   *
   * @param count how many records
   * @return the source
   */
  public static SyntheticSource of(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, was " + count);
    }
    return new SyntheticSource(count, 0, 1);
  }

  /**
   * {@return the same records, except that every {@code changeEvery}-th one (by index) carries
   * {@code revision} in its note, so it differs from revision 0}
   *
   * @param revision the revision, 0 for the original records
   * @param changeEvery every how many records one changes
   */
  public SyntheticSource withRevision(int revision, int changeEvery) {
    if (changeEvery < 1) {
      throw new IllegalArgumentException("changeEvery must be at least 1, was " + changeEvery);
    }
    return new SyntheticSource(count, revision, changeEvery);
  }

  /**
   * {@return the key of the record at {@code index}}
   *
   * @param index the position, from 0
   */
  public static String key(long index) {
    return key(Long.toString(index));
  }

  private static String key(String digits) {
    return "c" + "000000000000".substring(Math.min(12, digits.length())) + digits;
  }

  /**
   * {@return the record at {@code index}, as the source yields it}
   *
   * @param index the position, from 0
   */
  public Record record(long index) {
    boolean changed = revision != 0 && index % changeEvery == 0;
    String digits = Long.toString(index); // once for the key, the email and the name
    return SHAPE.record(key(digits),
        index,
        "user" + digits + "@example.com",
        "User " + digits,
        PLANS[(int) (index % PLANS.length)],
        COUNTRIES[(int) ((index / 7) % COUNTRIES.length)],
        BigDecimal.valueOf(index * 37 % 100_000, 2),
        (int) (index * 31 % 100),
        index % 3 != 0,
        EPOCH.plusSeconds(index * 61),
        changed ? "revision " + revision : "");
  }

  @Override
  public RecordStream open() {
    return new RecordStream() {
      private long next;

      @Override
      public boolean hasNext() {
        return next < count;
      }

      @Override
      public Record next() {
        if (next >= count) {
          throw new NoSuchElementException();
        }
        return record(next++);
      }
    };
  }

  @Override
  public boolean orderedByKey() {
    return true;
  }

  @Override
  public OptionalLong sizeHint() {
    return OptionalLong.of(count);
  }

  @Override
  public String describe() {
    return count + " synthetic records";
  }
}
