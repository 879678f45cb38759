package dev.sluice.benchmarks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Times the statements an engine sends through a {@link DataSource}, to say where a run's time
 * goes: every {@code execute*} call of a statement is timed and added to the category that
 * {@code categorize} gives its SQL (null: not timed). The connections, statements and result sets
 * are the driver's own underneath — only the connection and its statements are wrapped, result sets
 * are handed over as the driver made them, so reading rows costs nothing extra, and
 * {@code unwrap} reaches the driver's connection (DuckDB's appender keeps working).
 */
final class StatementTimer {

  private final DataSource dataSource;
  private final Function<String, String> categorize;
  private final ConcurrentHashMap<String, LongAdder> nanos = new ConcurrentHashMap<>();

  StatementTimer(DataSource dataSource, Function<String, String> categorize) {
    this.dataSource = dataSource;
    this.categorize = categorize;
  }

  /** {@return connections whose statements are timed} */
  DataSource dataSource() {
    return proxy(DataSource.class, dataSource, (target, method, args) -> {
      Object result = invoke(target, method, args);
      return result instanceof Connection ? connection((Connection) result) : result;
    });
  }

  /** {@return the seconds spent so far in the statements of {@code category}, and starts it again from zero} */
  double takeSeconds(String category) {
    LongAdder total = nanos.remove(category);
    return total == null ? 0 : total.sum() / 1e9;
  }

  private Connection connection(Connection connection) {
    return proxy(Connection.class, connection, (target, method, args) -> {
      Object result = invoke(target, method, args);
      if (method.getName().equals("prepareStatement") && result instanceof PreparedStatement) {
        return statement(PreparedStatement.class, (PreparedStatement) result, (String) args[0]);
      }
      if (method.getName().equals("createStatement") && result instanceof Statement) {
        return statement(Statement.class, (Statement) result, null);
      }
      return result;
    });
  }

  private <S extends Statement> S statement(Class<S> type, S statement, String preparedSql) {
    return proxy(type, statement, (target, method, args) -> {
      if (!method.getName().startsWith("execute")) {
        return invoke(target, method, args);
      }
      String sql = preparedSql != null ? preparedSql : args != null && args.length > 0 && args[0] instanceof String
          ? (String) args[0] : "";
      String category = categorize.apply(sql);
      long start = System.nanoTime();
      try {
        return invoke(target, method, args);
      } finally {
        if (category != null) {
          nanos.computeIfAbsent(category, c -> new LongAdder()).add(System.nanoTime() - start);
        }
      }
    });
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static <T> T proxy(Class<T> type, T target, Handler handler) {
    InvocationHandler invocation = (proxy, method, args) -> handler.handle(target, method, args);
    return type.cast(Proxy.newProxyInstance(StatementTimer.class.getClassLoader(), new Class<?>[] {type}, invocation));
  }

  /** A call on a wrapped object, with the object it wraps. */
  private interface Handler {
    Object handle(Object target, Method method, Object[] args) throws Throwable;
  }
}
