/**
 * Fixtures for testing syncs and connectors: in-memory and synthetic sources, a recording
 * destination that holds what it was sent, architecture rules for connector modules, and an
 * embedded PostgreSQL ({@link dev.sluice.testkit.TestPostgres}).
 */
package dev.sluice.testkit;
