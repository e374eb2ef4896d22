/**
 * Internal: named locks and locks inside segments, behind {@link io.dsmreg.SharedLock}; the lock
 * itself is {@link io.dsmreg.internal.lock.RobustLock}. Not API.
 */
package io.dsmreg.internal.sharedlock;
