package dev.sluice.state;

import dev.sluice.diff.KeyOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StateCursor} over the rows of a query that returns a sync's keys and hashes, in
 * {@link KeyOrder}, on a connection of its own (opened at the first {@link #next()}, read-only,
 * rolled back and closed at the end or at {@link #close()}). For state stores kept in a database:
 * the subclass says how to connect and what to run. A database that returns keys out of code-point
 * order (a collation that is not binary) fails the read, since the diff relies on the order.
 */
public abstract class JdbcStateCursor implements StateCursor, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JdbcStateCursor.class);

  private final String syncName;
  private final String database;
  private Connection connection;
  private PreparedStatement statement;
  private ResultSet rows;
  private String key;
  private long hash;
  private boolean done;

  /**
   * @param syncName the sync whose state is read, for messages
   * @param database what holds the state, for messages (such as {@code "the state database"})
   */
  protected JdbcStateCursor(String syncName, String database) {
    this.syncName = syncName;
    this.database = database;
  }

  /**
   * {@return a new connection for this cursor alone}
   *
   * @throws SQLException when none can be had
   */
  protected abstract Connection connect() throws SQLException;

  /**
   * {@return the query of the keys (column 1) and hashes (column 2), in key order, ready to run}
   *
   * @param connection the cursor's connection
   * @throws SQLException when it cannot be prepared
   */
  protected abstract PreparedStatement prepare(Connection connection) throws SQLException;

  @Override
  public final boolean next() {
    if (done) {
      return false;
    }
    try {
      if (rows == null) {
        connection = connect();
        connection.setAutoCommit(false);
        statement = prepare(connection);
        rows = statement.executeQuery();
      }
      if (!rows.next()) {
        close();
        return false;
      }
      String previous = key;
      key = rows.getString(1);
      hash = rows.getLong(2);
      if (previous != null && KeyOrder.compare(previous, key) >= 0) {
        throw new StateStoreException(database + " returned key '" + key + "' after '" + previous
            + "': it does not sort keys by code point; use a binary collation for record_key");
      }
      return true;
    } catch (SQLException e) {
      close();
      throw new StateStoreException("reading the state of sync '" + syncName + "' from " + database + " failed: "
          + e.getMessage(), e);
    }
  }

  @Override
  public final String key() {
    return key;
  }

  @Override
  public final long hash() {
    return hash;
  }

  /** Ends the read: releases the result, the statement and the connection. Idempotent. */
  @Override
  public final void close() {
    done = true;
    try {
      if (rows != null) {
        rows.close();
      }
      if (statement != null) {
        statement.close();
      }
      if (connection != null) {
        connection.rollback();
        connection.close();
      }
    } catch (SQLException e) {
      log.debug("closing a state cursor of sync '{}' failed: {}", syncName, e.getMessage());
    }
    rows = null;
    statement = null;
    connection = null;
  }
}
