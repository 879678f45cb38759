/**
 * The Zendesk destination: Support users and organizations written through the bulk endpoints,
 * whose background jobs are polled from one scheduler thread, checked against the account's custom
 * fields and paced to the plan's per-minute limit. Start with
 * {@link dev.sluice.zendesk.Zendesk#users()} or {@link dev.sluice.zendesk.Zendesk#organizations()}.
 */
package dev.sluice.zendesk;
