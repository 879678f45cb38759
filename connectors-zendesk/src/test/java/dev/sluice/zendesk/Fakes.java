package dev.sluice.zendesk;

import dev.sluice.testkit.zendesk.ZendeskFake;
import dev.sluice.testkit.zendesk.ZendeskFake.Field;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shared set-up of the Zendesk fake and destinations for these tests: quick jobs, quick polls. */
final class Fakes {

  private Fakes() {}

  /** A fake whose jobs finish within 30 ms, with the custom fields a warehouse sync writes. */
  static ZendeskFake start() {
    return ZendeskFake.start()
        .jobDuration(Duration.ofMillis(10), Duration.ofMillis(20))
        .userFields(Field.integer("score"), Field.decimal("ltv"), Field.dropdown("plan", "free", "pro", "enterprise"),
            Field.checkbox("churn_risk"), Field.date("renewal_date"), Field.regexp("account_code", "[A-Z]{3}-\\d+"),
            Field.text("health").inactive())
        .organizationFields(Field.integer("score"), Field.decimal("ltv"), Field.text("region"));
  }

  static Zendesk.Builder users(ZendeskFake fake) {
    return quick(Zendesk.users(), fake);
  }

  static Zendesk.Builder organizations(ZendeskFake fake) {
    return quick(Zendesk.organizations(), fake);
  }

  private static Zendesk.Builder quick(Zendesk.Builder builder, ZendeskFake fake) {
    return builder.baseUrl(fake.baseUrl())
        .apiToken(ZendeskFake.DEFAULT_EMAIL, ZendeskFake.DEFAULT_API_TOKEN)
        .plan(ZendeskPlan.ENTERPRISE)
        .pollInterval(Duration.ofMillis(20))
        .maxPollDelay(Duration.ofMillis(100))
        .backoff(Duration.ofMillis(5), Duration.ofMillis(50));
  }

  /** What Zendesk holds, flattened: attributes and custom fields side by side, without what Zendesk sets itself. */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> flat(Map<String, Map<String, Object>> records) {
    Map<String, Map<String, Object>> flat = new LinkedHashMap<>();
    records.forEach((key, record) -> {
      Map<String, Object> fields = new LinkedHashMap<>(record);
      for (String custom : new String[] {"user_fields", "organization_fields"}) {
        Object values = fields.remove(custom);
        if (values instanceof Map) {
          fields.putAll((Map<String, Object>) values);
        }
      }
      fields.keySet().removeAll(java.util.List.of("id", "url", "created_at", "updated_at"));
      flat.put(key, fields);
    });
    return flat;
  }
}
