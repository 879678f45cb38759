package dev.sluice.hubspot;

/**
 * HubSpot account tiers and the burst limit of private apps on each: requests per rolling 10
 * seconds. The connector starts at this pace and then follows the limit HubSpot reports in its
 * {@code X-HubSpot-RateLimit-Max} header.
 */
public enum HubSpotTier {
  /** Free tools: 100 requests per 10 s. */
  FREE(100),
  /** Starter: 100 requests per 10 s. */
  STARTER(100),
  /** Professional: 190 requests per 10 s. */
  PROFESSIONAL(190),
  /** Enterprise: 190 requests per 10 s. */
  ENTERPRISE(190),
  /** Professional or Enterprise with the API limit increase: 250 requests per 10 s. */
  API_LIMIT_INCREASE(250);

  private final int requestsPerTenSeconds;

  HubSpotTier(int requestsPerTenSeconds) {
    this.requestsPerTenSeconds = requestsPerTenSeconds;
  }

  /** {@return requests allowed per rolling 10 seconds} */
  public int requestsPerTenSeconds() {
    return requestsPerTenSeconds;
  }
}
