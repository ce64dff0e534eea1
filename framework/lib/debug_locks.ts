// SPDX-License-Identifier: GPL-2.0-only
/**
 * debug_locks (lib/debug_locks.c): one switch for all lock debugging of a
 * boot. It starts on; the first lock-debugging report, an oops
 * (oops_enter()) or a taint that makes lock state unreliable turns it off
 * for good, after which the lock checks stay silent.
 *
 * Deviation: debug_locks_silent is not modelled (always 0).
 */
import { ContainerModule, injectable } from 'inversify';

@injectable()
export class DebugLocks {
  /** debug_locks: 1 while lock debugging runs. */
  debug_locks = true;

  /** __debug_locks_off(): turn it off; true if it was on (the xchg's old value). */
  __debug_locks_off(): boolean {
    const was = this.debug_locks;
    this.debug_locks = false;
    return was;
  }

  /** debug_locks_off(): true for the caller that turned lock debugging off, which may then report. */
  debug_locks_off(): boolean {
    return this.debug_locks && this.__debug_locks_off();
  }
}

/** The DI module of debug_locks. */
export const debugLocksModule = new ContainerModule(({ bind }) => {
  bind(DebugLocks).toSelf();
});
