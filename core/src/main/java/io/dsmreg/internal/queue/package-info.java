/**
 * Internal: named queues, Agrona's ring buffers in one file each, behind {@link io.dsmreg.SharedQueue}. Not API.
 */
package io.dsmreg.internal.queue;
