package dev.sluice.benchmarks;

import dev.sluice.Record;
import dev.sluice.source.DuckDb;
import dev.sluice.source.RecordStream;
import dev.sluice.source.SqlSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * Rows per second read through {@link SqlSource}: ten columns (bigint, five texts, decimal,
 * integer, boolean, timestamp) × two million rows, from an in-memory DuckDB and from an embedded
 * PostgreSQL 14. Each database is also read with plain JDBC ({@code getObject} per column, no
 * records) as the baseline. Median of {@code rounds} after one warm-up.
 *
 * <p>Arguments: {@code [rows=2000000] [rounds=5]}.
 */
final class SqlReadBenchmark {

  private SqlReadBenchmark() {}

  static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf("sql read benchmark: %,d rows x 10 columns, %d rounds, %d cores, heap %,d MiB%n",
        rows, rounds, Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    System.out.printf("%-46s %14s%n", "case", "median rows/s");
    Results results = new Results("sql", "SQL reads: SqlSource against plain JDBC");
    results.note(String.format("%,d rows x 10 columns (bigint, five texts, decimal, integer, boolean, timestamp);"
        + " plain JDBC reads every column with `getObject` and builds no records. %d rounds after a warm-up.", rows, rounds));
    results.columns("case", "median rows/s");

    try (DuckDb duck = DuckDb.inMemory()) {
      duck.execute("create table customers as select i as id, 'user' || i || '@example.com' as email,"
          + " 'User ' || i as name, ['free','starter','pro','enterprise'][i % 4 + 1] as plan,"
          + " ['DE','FR','US'][i % 3 + 1] as country, ((i * 37) % 100000 / 100.0)::decimal(12,2) as ltv,"
          + " ((i * 31) % 100)::integer as score, i % 3 <> 0 as active,"
          + " timestamp '2020-01-01' + to_seconds(i * 61) as updated_at, '' as note from range(" + rows + ") r(i)");
      measure(results, "DuckDB, plain JDBC getObject", rounds, () -> plainJdbc(duck.dataSource(), "select * from customers"));
      measure(results, "DuckDB, SqlSource", rounds, () -> read(duck.table("customers").key("id").build()));
      measure(results, "DuckDB, SqlSource, ordered by key", rounds,
          () -> read(duck.table("customers").key("id").orderByKey().build()));
    }

    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      DataSource ds = pg.getPostgresDatabase();
      try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
        s.execute("create table customers as select g as id, 'user' || g || '@example.com' as email, 'User ' || g as name,"
            + " (array['free','starter','pro','enterprise'])[g % 4 + 1] as plan, (array['DE','FR','US'])[g % 3 + 1] as country,"
            + " ((g * 37) % 100000 / 100.0)::numeric(12,2) as ltv, (g * 31) % 100 as score, g % 3 <> 0 as active,"
            + " timestamp '2020-01-01' + g * interval '61 seconds' as updated_at, '' as note"
            + " from generate_series(1, " + rows + ") g");
        s.execute("analyze customers");
      }
      measure(results, "PostgreSQL, plain JDBC getObject", rounds, () -> plainJdbc(ds, "select * from customers"));
      measure(results, "PostgreSQL, SqlSource", rounds, () -> read(SqlSource.table(ds, "customers").key("id").build()));
      measure(results, "PostgreSQL, SqlSource, ordered by key", rounds,
          () -> read(SqlSource.table(ds, "customers").key("id").orderByKey().build()));
    }
    chart(results);
    results.write();
  }

  @FunctionalInterface
  private interface Reading {
    long rows() throws Exception;
  }

  private static void measure(Results results, String name, int rounds, Reading reading) throws Exception {
    reading.rows();
    double[] rates = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long start = System.nanoTime();
      long n = reading.rows();
      rates[r] = n / ((System.nanoTime() - start) / 1e9);
    }
    Arrays.sort(rates);
    System.out.printf("%-46s %,14.0f%n", name, rates[rounds / 2]);
    results.row(name, String.format("%,.0f", rates[rounds / 2]));
    MEDIANS.put(name, rates[rounds / 2]);
  }

  private static final java.util.Map<String, Double> MEDIANS = new java.util.LinkedHashMap<>();

  private static void chart(Results results) {
    List<String> categories = List.of("plain JDBC getObject", "SqlSource", "SqlSource, ordered by key");
    java.util.Map<String, List<Double>> series = new java.util.LinkedHashMap<>();
    for (String db : List.of("DuckDB", "PostgreSQL")) {
      series.put(db, List.of(MEDIANS.get(db + ", plain JDBC getObject"), MEDIANS.get(db + ", SqlSource"),
          MEDIANS.get(db + ", SqlSource, ordered by key")));
    }
    results.bars("sql-rows-per-second.png", "SQL reads: rows/s (median)", "rows/s", categories, series);
  }

  private static long read(SqlSource source) {
    long n = 0;
    long check = 0;
    try (RecordStream stream = source.open()) {
      while (stream.hasNext()) {
        Record r = stream.next();
        check += r.size();
        n++;
      }
    }
    if (check != n * 10) {
      throw new IllegalStateException("expected 10 fields per record");
    }
    return n;
  }

  private static long plainJdbc(DataSource ds, String sql) throws SQLException {
    long n = 0;
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.setFetchSize(10_000);
        try (ResultSet rs = s.executeQuery(sql)) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int i = 1; i <= columns; i++) {
              rs.getObject(i);
            }
            n++;
          }
        }
      }
      c.rollback();
    }
    return n;
  }
}
