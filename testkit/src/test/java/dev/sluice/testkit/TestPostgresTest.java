package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class TestPostgresTest {

  @Test
  void eachFreshDatabaseStartsEmptyAndApartFromTheOthers() throws SQLException {
    DataSource first = TestPostgres.freshDatabase();
    DataSource second = TestPostgres.freshDatabase();

    TestPostgres.execute(first, "create table t (id int)", "insert into t values (1)");

    assertThat(count(first, "select count(*) from t")).isEqualTo(1);
    assertThat(count(second, "select count(*) from information_schema.tables where table_name = 't'")).isZero();
  }

  @Test
  void theSharedDatabaseIsReachableByItsUrlAsAChildJvmWouldReachIt() throws SQLException {
    TestPostgres.execute(TestPostgres.sharedDatabase(), "create table if not exists test_postgres_shared (id int)");

    try (Connection c = DriverManager.getConnection(TestPostgres.sharedDatabaseUrl())) {
      assertThat(count(c, "select count(*) from information_schema.tables where table_name = 'test_postgres_shared'"))
          .isEqualTo(1);
    }
  }

  @Test
  void aFailedStatementSaysWhatTheDatabaseSaid() {
    assertThatThrownBy(() -> TestPostgres.execute(TestPostgres.freshDatabase(), "select * from missing_table"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("missing_table");
  }

  private static long count(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection()) {
      return count(c, sql);
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
