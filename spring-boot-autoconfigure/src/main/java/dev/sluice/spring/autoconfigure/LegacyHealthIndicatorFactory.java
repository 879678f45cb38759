package dev.sluice.spring.autoconfigure;

import dev.sluice.scheduler.SluiceScheduler;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The health indicator on Spring Boot 3, whose health API
 * ({@code org.springframework.boot.actuate.health}) is not the one this module is compiled against
 * (Spring Boot 4 moved it to {@code org.springframework.boot.health.contributor}): a proxy of that
 * line's {@code HealthIndicator}, reached by name, saying what {@link SluiceHealthIndicator} says.
 */
class LegacyHealthIndicatorFactory implements FactoryBean<Object> {

  static final String INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";
  static final String HEALTH = "org.springframework.boot.actuate.health.Health";

  // Resolved lazily: Spring instantiates a FactoryBean early to learn its type, before the Sync beans exist.
  private final ObjectProvider<SluiceScheduler> scheduler;

  LegacyHealthIndicatorFactory(ObjectProvider<SluiceScheduler> scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public Object getObject() throws Exception {
    ClassLoader loader = getClass().getClassLoader();
    Class<?> indicator = Class.forName(INDICATOR, false, loader);
    Class<?> health = Class.forName(HEALTH, false, loader);
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().equals("health") && method.getParameterCount() == 0) {
        return health(health);
      }
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      switch (method.getName()) {
        case "toString":
          return "SluiceHealthIndicator(Spring Boot 3)";
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        default:
          throw new UnsupportedOperationException(method.toString());
      }
    };
    return Proxy.newProxyInstance(loader, new Class<?>[] {indicator}, handler);
  }

  private Object health(Class<?> health) throws ReflectiveOperationException {
    SluiceScheduler s = scheduler.getObject();
    Object builder = health.getMethod(SluiceStatus.healthy(s) ? "up" : "down").invoke(null);
    Method withDetails = builder.getClass().getMethod("withDetails", Map.class);
    builder = withDetails.invoke(builder, SluiceStatus.syncs(s));
    return builder.getClass().getMethod("build").invoke(builder);
  }

  @Override
  public Class<?> getObjectType() {
    try {
      return Class.forName(INDICATOR, false, getClass().getClassLoader());
    } catch (ClassNotFoundException e) {
      return null;
    }
  }
}
