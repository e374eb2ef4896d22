/**
 * Internal: where registries live on disk, who may use them, and how their files are reserved
 * and mapped without ever risking a SIGBUS. Not API.
 */
package io.dsmreg.internal.file;
