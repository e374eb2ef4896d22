/**
 * Internal: locks that work across processes and survive the death of their holder, and the
 * process identities (pid + start time) they record. Not API.
 */
package io.dsmreg.internal.lock;
