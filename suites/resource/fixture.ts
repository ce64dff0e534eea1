// SPDX-License-Identifier: GPL-2.0-only
/**
 * A kernel-less fixture for the resource and memregion suites: a fresh
 * container per test with only the subsystems these services need.
 */
import 'reflect-metadata';
import { Container } from 'inversify';
import { FaultInjection, faultInjectionModule } from '../../framework/kernel/fail_function.js';
import { Panic, panicModule } from '../../framework/kernel/panic.js';
import { debugLocksModule } from '../../framework/lib/debug_locks.js';
import { Printk, printkModule } from '../../framework/kernel/printk.js';
import { cmdlineModule } from '../../framework/init/cmdline.js';
import { Resources, resourceModule } from '../../framework/kernel/resource.js';
import { Memregion, memregionModule } from '../../framework/lib/memregion.js';
import { Scheduler, schedulerModule, type SchedulerOptions } from '../../framework/sim/scheduler.js';

export interface ResourceFixture {
  readonly container: Container;
  readonly sched: Scheduler;
  readonly log: Printk;
  readonly panic: Panic;
  readonly faults: FaultInjection;
  readonly res: Resources;
  readonly mr: Memregion;
}

export function makeFixture(opts: { scheduler?: SchedulerOptions } = {}): ResourceFixture {
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(schedulerModule(opts.scheduler), cmdlineModule(undefined), printkModule, debugLocksModule, panicModule, faultInjectionModule, resourceModule, memregionModule);
  return {
    container,
    sched: container.get(Scheduler),
    log: container.get(Printk),
    panic: container.get(Panic),
    faults: container.get(FaultInjection),
    res: container.get(Resources),
    mr: container.get(Memregion),
  };
}

/** The log text only (no timestamps). */
export function logText(f: ResourceFixture): string[] {
  return f.log.records.map((r) => r.text);
}

export const SZ_4K = 0x1000;
export const SZ_128K = 0x20000;
export const SZ_1M = 0x100000;
export const SZ_1G = 0x40000000;

/** The cover letter's Soft Reserved range and CXL Window 0: 0x850000000-0x284fffffff (128 GiB). */
export const CXL_START = 0x850000000;
export const CXL_SIZE = 0x284fffffff - 0x850000000 + 1;
