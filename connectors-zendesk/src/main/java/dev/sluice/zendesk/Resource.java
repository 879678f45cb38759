package dev.sluice.zendesk;

/** The Zendesk resources a {@link Zendesk} destination writes, with their names in the API. */
enum Resource {
  USERS("users", "user", "user_fields"),
  ORGANIZATIONS("organizations", "organization", "organization_fields");

  /** The collection's name in paths and bodies: {@code users}. */
  final String plural;
  /** One record's name: {@code user}. */
  final String singular;
  /** The custom fields' endpoint and attribute: {@code user_fields}. */
  final String fieldsName;

  Resource(String plural, String singular, String fieldsName) {
    this.plural = plural;
    this.singular = singular;
    this.fieldsName = fieldsName;
  }
}
