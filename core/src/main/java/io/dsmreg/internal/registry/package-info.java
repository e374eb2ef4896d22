/**
 * Internal: the registry's shared table of named entries and attached processes. Not API.
 */
package io.dsmreg.internal.registry;
