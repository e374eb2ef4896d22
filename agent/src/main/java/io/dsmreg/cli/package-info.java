/**
 * Internal: the {@code dsmreg} command line ({@code java -jar dsmreg.jar}), documented in
 * docs/observability.md. Not API.
 */
package io.dsmreg.cli;
