// SPDX-License-Identifier: GPL-2.0-only
/**
 * Fault injection in the manner of the kernel's fail_function and
 * failslab: a test or scenario names a kernel function (optionally with
 * the object it acts on, e.g. the driver "hmem") and the error it must
 * return; the n-th matching call, or each of the first `times` calls,
 * fails. "kmalloc" stands for every allocation site of the shim.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { ENOMEM } from '../include/errno.js';
import { KERN_INFO, Printk } from './printk.js';

export interface FaultRule {
  /** Kernel function to fail: platform_driver_register, memregion_alloc, alloc_workqueue, kmalloc, ... */
  readonly function: string;
  /** Only calls acting on this object (driver name, workqueue name, device name). */
  readonly match?: string;
  /** The value to return, negative errno (default -ENOMEM). */
  readonly retval?: number;
  /** Fail only the n-th matching call (1-based). */
  readonly nth?: number;
  /** Fail this many matching calls (default: all, or one if nth is given). */
  readonly times?: number;
}

export interface InjectedFault {
  readonly function: string;
  readonly match: string | null;
  readonly retval: number;
}

@injectable()
export class FaultInjection {
  private readonly rules: Array<{ rule: FaultRule; seen: number; failed: number }> = [];
  readonly injected: InjectedFault[] = [];

  constructor(@inject(Printk) private readonly log: Printk) {}

  add(rule: FaultRule): void {
    this.rules.push({ rule, seen: 0, failed: 0 });
  }

  /** 0 if the call goes through, else the (negative) error it must return. */
  should_fail(fn: string, key?: string): number {
    if (this.rules.length === 0) return 0;
    for (const r of this.rules) {
      if (r.rule.function !== fn) continue;
      if (r.rule.match !== undefined && r.rule.match !== key) continue;
      r.seen++;
      const limit = r.rule.times ?? (r.rule.nth !== undefined ? 1 : Infinity);
      if (r.failed >= limit) continue;
      if (r.rule.nth !== undefined && r.seen < r.rule.nth) continue;
      r.failed++;
      const retval = r.rule.retval ?? -ENOMEM;
      this.injected.push({ function: fn, match: key ?? null, retval });
      this.log.emit(KERN_INFO, `FAULT_INJECTION: forcing a failure of ${fn}${key ? `(${key})` : ''}: ${retval}`);
      return retval;
    }
    return 0;
  }
}

/** The DI module of fault injection. */
export const faultInjectionModule = new ContainerModule(({ bind }) => {
  bind(FaultInjection).toSelf();
});
