/**
 * Internal: the shared-memory allocator behind {@link io.dsmreg.SharedArea}. Not API.
 */
package io.dsmreg.internal.area;
