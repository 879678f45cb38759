/**
 * A stateful fake of a Salesforce org for tests: OAuth token endpoint, describe, sObject
 * Collections, SOQL queries, Bulk API 2.0 ingest jobs and the org's API limits. Start with
 * {@link dev.sluice.testkit.salesforce.SalesforceFake#start()}.
 */
package dev.sluice.testkit.salesforce;
