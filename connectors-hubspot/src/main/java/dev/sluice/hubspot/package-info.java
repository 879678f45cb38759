/**
 * The HubSpot destination: CRM v3 objects (contacts, companies, deals, tickets, custom objects)
 * written by batch upsert, update, create and archive, checked against the object's properties,
 * paced to the account's rate limits. Start with {@link dev.sluice.hubspot.HubSpot#builder(String)}.
 */
package dev.sluice.hubspot;
