package dev.sluice.salesforce;

import dev.sluice.Record;
import dev.sluice.destination.PermanentDestinationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The sObject a destination writes and how a record's fields become Salesforce values, from the
 * schema read when the run opened (or as text when the schema check is off). Thread-safe.
 */
final class Target {

  final String sobject;
  final String externalIdField;
  private final Function<Object, String> json;
  private volatile SalesforceSchema schema;

  Target(String sobject, String externalIdField, Function<Object, String> json) {
    this.sobject = sobject;
    this.externalIdField = externalIdField;
    this.json = json;
  }

  void schema(SalesforceSchema schema) {
    this.schema = schema;
  }

  /**
   * The record's fields as Salesforce values (String, BigDecimal, Boolean or null), in record order.
   *
   * @throws IllegalArgumentException naming the field and what is wrong with its value: the record
   *     fails alone
   * @throws PermanentDestinationException stopping the run for a field the object does not have
   */
  Map<String, Object> values(Record record) {
    Map<String, Object> values = new LinkedHashMap<>();
    SalesforceSchema known = schema;
    for (int i = 0; i < record.size(); i++) {
      String name = record.shape().name(i);
      Object value = record.get(i);
      if (known == null) {
        values.put(name, value instanceof java.math.BigDecimal || value instanceof Boolean || value == null ? value
            : value instanceof Number ? new java.math.BigDecimal(value.toString()) : String.valueOf(value));
        continue;
      }
      SalesforceSchema.Field f = known.field(name).orElseThrow(() -> PermanentDestinationException.stopsRun(
          "field '" + name + "' is not a field of Salesforce " + sobject + "; the mapping declares no fields, so it was"
              + " found only now: map fields to existing ones"));
      try {
        values.put(name, SalesforceSchema.write(f, value, json));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("field '" + name + "' (Salesforce " + f.type + "): " + e.getMessage());
      }
    }
    return values;
  }
}
