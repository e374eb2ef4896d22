/**
 * Internal: how {@link io.dsmreg.SharedNamed} fields are resolved, shared by {@link io.dsmreg.SharedFields}
 * and the code the agent puts into classes. Not API.
 */
package io.dsmreg.inject;
