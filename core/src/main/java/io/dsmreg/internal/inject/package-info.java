/**
 * Internal: what a {@link io.dsmreg.SharedNamed} field gets, decided from its declared type and the
 * annotation's values, for {@link io.dsmreg.SharedFields} and the agent's woven code alike. Not API.
 */
package io.dsmreg.internal.inject;
