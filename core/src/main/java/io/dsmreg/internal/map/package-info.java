/**
 * Internal: {@link io.dsmreg.SharedMap} over a shared hash table, and the built-in codecs. Not API.
 */
package io.dsmreg.internal.map;
