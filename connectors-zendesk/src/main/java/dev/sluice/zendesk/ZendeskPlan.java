package dev.sluice.zendesk;

/**
 * Zendesk Suite plans and the Support API requests each allows per rolling minute. The connector
 * starts at this pace and then follows the limit Zendesk reports in its {@code X-Rate-Limit} and
 * {@code X-Rate-Limit-Remaining} headers (other integrations of the account use the same budget).
 */
public enum ZendeskPlan {
  /** Team: 200 requests per minute. */
  TEAM(200),
  /** Growth: 400 requests per minute. */
  GROWTH(400),
  /** Professional: 400 requests per minute. */
  PROFESSIONAL(400),
  /** Enterprise: 700 requests per minute. */
  ENTERPRISE(700),
  /** Enterprise Plus: 2,500 requests per minute. */
  ENTERPRISE_PLUS(2_500),
  /** Any plan from Growth up with the High Volume API add-on: 2,500 requests per minute. */
  HIGH_VOLUME(2_500);

  private final int requestsPerMinute;

  ZendeskPlan(int requestsPerMinute) {
    this.requestsPerMinute = requestsPerMinute;
  }

  /** {@return requests allowed per rolling minute} */
  public int requestsPerMinute() {
    return requestsPerMinute;
  }
}
