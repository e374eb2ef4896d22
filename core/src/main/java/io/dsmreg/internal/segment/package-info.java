/**
 * Internal: named segments, one file each, behind {@link io.dsmreg.NamedSegment}. Not API.
 */
package io.dsmreg.internal.segment;
