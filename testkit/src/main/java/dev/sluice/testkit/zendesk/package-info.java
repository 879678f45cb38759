/**
 * A stateful fake of Zendesk's Support API (users, organizations, custom fields, bulk jobs, rate
 * limits) for testing Zendesk syncs without an account: start with
 * {@link dev.sluice.testkit.zendesk.ZendeskFake#start()}.
 */
package dev.sluice.testkit.zendesk;
