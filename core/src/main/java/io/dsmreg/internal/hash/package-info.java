/**
 * Internal: the partitioned shared hash table behind {@link io.dsmreg.SharedHash} and
 * {@link io.dsmreg.SharedMap}. Not API.
 */
package io.dsmreg.internal.hash;
