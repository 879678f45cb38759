/** The runnable quickstart: {@link dev.sluice.examples.Quickstart}. */
package dev.sluice.examples;
