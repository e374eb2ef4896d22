/**
 * Internal: a registry open in this JVM (its create-or-attach protocol, locks and cache of handles),
 * its shared table of named entries and attached processes, and the lock-free reader behind
 * listings and {@code verify}. Not API.
 */
package io.dsmreg.internal.registry;
