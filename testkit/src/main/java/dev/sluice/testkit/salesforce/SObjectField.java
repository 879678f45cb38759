package dev.sluice.testkit.salesforce;

import java.util.List;
import java.util.Objects;

/**
 * A field of an sObject in the {@link SalesforceFake}, as {@code describe} lists it: its name, its
 * type (Salesforce's names: {@code string}, {@code textarea}, {@code email}, {@code phone},
 * {@code url}, {@code picklist}, {@code double}, {@code int}, {@code currency}, {@code percent},
 * {@code boolean}, {@code date}, {@code datetime}, {@code id}), length or precision and scale,
 * and what may be done with it. Immutable: each modifier returns a new field.
 */
public final class SObjectField {

  final String name;
  final String type;
  final int length;
  final int precision;
  final int scale;
  final boolean nillable;
  final boolean createable;
  final boolean updateable;
  final boolean externalId;
  final boolean idLookup;
  final boolean unique;
  final boolean calculated;
  final boolean defaultedOnCreate;
  final List<String> picklistValues;
  final boolean restrictedPicklist;

  private SObjectField(String name, String type, int length, int precision, int scale, boolean nillable,
      boolean createable, boolean updateable, boolean externalId, boolean idLookup, boolean unique,
      boolean calculated, boolean defaultedOnCreate, List<String> picklistValues, boolean restrictedPicklist) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = type;
    this.length = length;
    this.precision = precision;
    this.scale = scale;
    this.nillable = nillable;
    this.createable = createable;
    this.updateable = updateable;
    this.externalId = externalId;
    this.idLookup = idLookup;
    this.unique = unique;
    this.calculated = calculated;
    this.defaultedOnCreate = defaultedOnCreate;
    this.picklistValues = List.copyOf(picklistValues);
    this.restrictedPicklist = restrictedPicklist;
  }

  private static SObjectField of(String name, String type, int length, int precision, int scale) {
    return new SObjectField(name, type, length, precision, scale, true, true, true, false, false, false, false, false,
        List.of(), false);
  }

  /**
   * {@return a text field of at most {@code length} characters}
   *
   * @param name the field's API name
   * @param length the most characters
   */
  public static SObjectField text(String name, int length) {
    return of(name, "string", length, 0, 0);
  }

  /**
   * {@return a long text area of at most {@code length} characters}
   *
   * @param name the field's API name
   * @param length the most characters
   */
  public static SObjectField textArea(String name, int length) {
    return of(name, "textarea", length, 0, 0);
  }

  /**
   * {@return an email field (80 characters, checked for an {@code @})}
   *
   * @param name the field's API name
   */
  public static SObjectField email(String name) {
    return of(name, "email", 80, 0, 0);
  }

  /**
   * {@return a phone field (40 characters)}
   *
   * @param name the field's API name
   */
  public static SObjectField phone(String name) {
    return of(name, "phone", 40, 0, 0);
  }

  /**
   * {@return a number with {@code precision} digits, {@code scale} of them after the point}
   *
   * @param name the field's API name
   * @param precision digits in all, from 1 to 38
   * @param scale decimal places
   */
  public static SObjectField number(String name, int precision, int scale) {
    return of(name, "double", 0, precision, scale);
  }

  /**
   * {@return a whole number (9 digits)}
   *
   * @param name the field's API name
   */
  public static SObjectField integer(String name) {
    return of(name, "int", 0, 9, 0);
  }

  /**
   * {@return a currency amount with {@code precision} digits, {@code scale} after the point}
   *
   * @param name the field's API name
   * @param precision digits in all, from 1 to 38
   * @param scale decimal places
   */
  public static SObjectField currency(String name, int precision, int scale) {
    return of(name, "currency", 0, precision, scale);
  }

  /**
   * {@return a percentage with {@code precision} digits, {@code scale} after the point}
   *
   * @param name the field's API name
   * @param precision digits in all, from 1 to 38
   * @param scale decimal places
   */
  public static SObjectField percent(String name, int precision, int scale) {
    return of(name, "percent", 0, precision, scale);
  }

  /**
   * {@return a checkbox; never null (false by default)}
   *
   * @param name the field's API name
   */
  public static SObjectField bool(String name) {
    return new SObjectField(name, "boolean", 0, 0, 0, false, true, true, false, false, false, false, true, List.of(),
        false);
  }

  /**
   * {@return a date ({@code YYYY-MM-DD})}
   *
   * @param name the field's API name
   */
  public static SObjectField date(String name) {
    return of(name, "date", 0, 0, 0);
  }

  /**
   * {@return a date and time (ISO-8601)}
   *
   * @param name the field's API name
   */
  public static SObjectField dateTime(String name) {
    return of(name, "datetime", 0, 0, 0);
  }

  /**
   * {@return a picklist with these values; other values are accepted unless {@link #restricted()}}
   *
   * @param name the field's API name
   * @param values the picklist values
   */
  public static SObjectField picklist(String name, String... values) {
    return new SObjectField(name, "picklist", 255, 0, 0, true, true, true, false, false, false, false, false,
        List.of(values), false);
  }

  /**
   * {@return this field, required: not nillable, so an insert without it fails with REQUIRED_FIELD_MISSING}
   */
  public SObjectField required() {
    return new SObjectField(name, type, length, precision, scale, false, createable, updateable, externalId, idLookup,
        unique, calculated, defaultedOnCreate, picklistValues, restrictedPicklist);
  }

  /** {@return this field as an external ID (and so an id lookup), able to key upserts} */
  public SObjectField externalId() {
    return new SObjectField(name, type, length, precision, scale, nillable, createable, updateable, true, true, unique,
        calculated, defaultedOnCreate, picklistValues, restrictedPicklist);
  }

  /**
   * {@return this field with unique values: a second record with the same value is refused (DUPLICATE_VALUE)}
   */
  public SObjectField unique() {
    return new SObjectField(name, type, length, precision, scale, nillable, createable, updateable, externalId,
        idLookup, true, calculated, defaultedOnCreate, picklistValues, restrictedPicklist);
  }

  /** {@return this picklist, restricted to its values} */
  public SObjectField restricted() {
    return new SObjectField(name, type, length, precision, scale, nillable, createable, updateable, externalId,
        idLookup, unique, calculated, defaultedOnCreate, picklistValues, true);
  }

  /**
   * {@return this field, read-only: neither createable nor updateable (a formula or a system field)}
   */
  public SObjectField readOnly() {
    return new SObjectField(name, type, length, precision, scale, nillable, false, false, externalId, idLookup, unique,
        calculated, true, picklistValues, restrictedPicklist);
  }

  /** {@return this field, calculated by a formula (read-only)} */
  public SObjectField calculated() {
    return new SObjectField(name, type, length, precision, scale, true, false, false, externalId, idLookup, unique,
        true, false, picklistValues, restrictedPicklist);
  }

  /** {@return this field, settable when a record is created but not changed afterwards} */
  public SObjectField createOnly() {
    return new SObjectField(name, type, length, precision, scale, nillable, createable, false, externalId, idLookup,
        unique, calculated, defaultedOnCreate, picklistValues, restrictedPicklist);
  }

  /** {@return the field's API name} */
  public String name() {
    return name;
  }

  /** {@return the field's type, as describe names it} */
  public String type() {
    return type;
  }

  @Override
  public String toString() {
    return name + " (" + type + ")";
  }
}
