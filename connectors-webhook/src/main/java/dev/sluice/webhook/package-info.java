/**
 * Webhooks signed as the Standard Webhooks specification says: {@link dev.sluice.webhook.WebhookSigner}
 * for the sending side, {@link dev.sluice.webhook.WebhookVerifier} for the receiving side.
 */
package dev.sluice.webhook;
