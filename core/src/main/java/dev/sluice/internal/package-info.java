/**
 * The engine and other implementation details. Not API: anything here may change in any release.
 * Only the entry points in {@code dev.sluice} and its named sub-packages are supported.
 */
package dev.sluice.internal;
