/**
 * Internal: the kinds of entry a registry holds (segment, area, hash), each one class behind
 * {@link io.dsmreg.internal.kind.EntryKind}, and the stored codes of their types. Not API.
 */
package io.dsmreg.internal.kind;
