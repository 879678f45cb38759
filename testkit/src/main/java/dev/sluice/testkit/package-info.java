/**
 * Fixtures for testing syncs and connectors: in-memory and synthetic sources, a recording
 * destination that holds what it was sent, and architecture rules for connector modules.
 */
package dev.sluice.testkit;
