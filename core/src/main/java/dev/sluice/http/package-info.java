/**
 * What every HTTP connector shares: {@link dev.sluice.http.JsonClient} (JSON over Apache HttpClient
 * 5), authentication providers, response classification, {@code Retry-After} parsing, a hook for
 * rate-limit headers, and the redaction of secrets from logs.
 */
package dev.sluice.http;
