package dev.sluice.internal;

import dev.sluice.delivery.RequestCounter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConfiguration;
import org.jooq.impl.DefaultExecuteListenerProvider;

/**
 * The one place Sluice creates jOOQ contexts. jOOQ logs a banner and a "tip of the day" at INFO the
 * first time it renders SQL in a JVM; a library embedded in someone's service should not, so this
 * turns both off unless the application has set {@code org.jooq.no-logo} or {@code org.jooq.no-tips}
 * itself (set them to {@code false} to see jOOQ's messages again).
 */
public final class Jooq {

  static final String NO_LOGO = "org.jooq.no-logo";
  static final String NO_TIPS = "org.jooq.no-tips";

  static {
    // Before any jOOQ rendering class loads: jOOQ reads both properties once, in a static initializer.
    defaultTo(NO_LOGO, "true");
    defaultTo(NO_TIPS, "true");
  }

  private Jooq() {}

  /**
   * A context over {@code connection} in {@code dialect}, with jOOQ's banner and tips off.
   *
   * @param connection the connection; the caller owns and closes it
   * @param dialect the SQL dialect
   * @return the context
   */
  public static DSLContext using(Connection connection, SQLDialect dialect) {
    return DSL.using(new DefaultConfiguration().set(connection).set(dialect)
        .set(new DefaultExecuteListenerProvider(STOP_CANCELS)));
  }

  /**
   * Cancels a statement still executing when the run it works for stops (cancelled, past its
   * deadline): a state store's query waiting on a lock another session holds ends, and the run
   * with it. Only while the statement executes, so a stopped run still commits what it confirmed.
   */
  private static final ExecuteListener STOP_CANCELS = new ExecuteListener() {
    private static final long serialVersionUID = 1L;
    private static final String KEY = "sluice.stopHook";

    @Override
    public void executeStart(ExecuteContext ctx) {
      PreparedStatement statement = ctx.statement();
      if (statement != null) {
        ctx.data(KEY, RequestCounter.whenStopping(() -> cancel(statement)));
      }
    }

    @Override
    public void executeEnd(ExecuteContext ctx) {
      Object hook = ctx.data(KEY);
      if (hook instanceof RequestCounter.Registration) {
        ((RequestCounter.Registration) hook).close();
      }
    }

    @Override
    public void exception(ExecuteContext ctx) {
      executeEnd(ctx);
    }
  };

  /** Asks the database to stop {@code statement}; quietly, from the thread that stops the run. */
  public static void cancel(java.sql.Statement statement) {
    try {
      statement.cancel();
    } catch (SQLException | RuntimeException e) {
      // Finished or closed meanwhile: nothing left to stop.
    }
  }

  private static void defaultTo(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}
