package dev.sluice.internal;

import java.sql.Connection;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

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
    return DSL.using(connection, dialect);
  }

  private static void defaultTo(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}
