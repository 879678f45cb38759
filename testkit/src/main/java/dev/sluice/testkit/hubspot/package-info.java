/** A stateful fake of HubSpot's CRM v3 API on loopback, for tests of syncs that write to HubSpot. */
package dev.sluice.testkit.hubspot;
