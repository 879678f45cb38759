/**
 * The Salesforce destination: standard and custom sObjects keyed by an external-ID field, written
 * through sObject Collections for small batches and Bulk API 2.0 jobs for large ones, signed in
 * with OAuth (JWT bearer, client credentials or refresh token), checked against the object's
 * describe, within the org's daily API allocation. Start with
 * {@link dev.sluice.salesforce.Salesforce#builder(String)}.
 */
package dev.sluice.salesforce;
