/**
 * Internal: the {@code -javaagent} that fills {@link io.dsmreg.SharedNamed} fields. Not API.
 */
package io.dsmreg.agent;
