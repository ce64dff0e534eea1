// SPDX-License-Identifier: GPL-2.0-only
/**
 * Small helpers shared by the framework suites: a fresh kernel, platform
 * devices and drivers built from a probe function, and a recorder for the
 * order of events.
 */
import { createKernel, type Kernel, type KernelOptions } from '../../framework/kernel.js';
import { platform_device, platform_driver, type platform_driver_init } from '../../framework/drivers/base/platform.js';
import type { device, probe_type } from '../../framework/include/linux/device.js';
import type { RunOutcome } from '../../framework/sim/scheduler.js';
import type { Warning } from '../../framework/kernel/panic.js';
import type { ChoicePoint, SchedulingStrategy } from '../../framework/sim/strategy.js';

export { createKernel };
export type { Kernel };

/** A fresh kernel (one DI container) for one test. */
export function boot(opts: KernelOptions = {}): Kernel {
  return createKernel(opts);
}

/** Run `body` as PID 1 ("swapper/0", an init task), then everything until idle. */
export function runInit(k: Kernel, body: () => Promise<void>): Promise<RunOutcome> {
  return k.run(body, 'swapper/0', 'init');
}

/** The order in which things happened, as short strings. */
export class Recorder {
  readonly events: string[] = [];
  push(e: string): void {
    this.events.push(e);
  }
  /** A release callback that records "release <name>". */
  release(name: string): (dev: device) => void {
    return () => this.push(`release ${name}`);
  }
}

/** A static platform device with a release callback (recorded if a recorder is given). */
export function pdev(name: string, id: number, rec?: Recorder): platform_device {
  const label = id === -1 ? name : `${name}.${id}`;
  return new platform_device({ name, id, dev: { release: rec ? rec.release(label) : () => {} } });
}

export interface DriverOpts {
  probe_type?: probe_type;
  remove?: platform_driver_init['remove'];
  id_table?: platform_driver_init['id_table'];
  prevent_deferred_probe?: boolean;
}

/** A platform driver named `name` whose probe is `probe`. */
export function pdrv(name: string, probe: platform_driver_init['probe'], opts: DriverOpts = {}): platform_driver {
  return new platform_driver({
    probe,
    remove: opts.remove,
    id_table: opts.id_table,
    prevent_deferred_probe: opts.prevent_deferred_probe,
    driver: { name, probe_type: opts.probe_type },
  });
}

/** The text of every log record (no timestamps). */
export function texts(k: Kernel): string[] {
  return k.log.records.map((r) => r.text);
}

/** Log records containing `needle`. */
export function grep(k: Kernel, needle: string): string[] {
  return texts(k).filter((t) => t.includes(needle));
}

/** Warnings of one kind. */
export function warningsOf(k: Kernel, kind: Warning['kind'] = 'warn'): Warning[] {
  return k.panic.warnings.filter((w) => w.kind === kind);
}

/** Replays a prefix of answers, then takes the default; notes how many candidates each choice point offered. */
class PrefixStrategy implements SchedulingStrategy {
  readonly widths: number[] = [];
  constructor(private readonly prefix: readonly number[]) {}
  choose(point: ChoicePoint): number {
    this.widths.push(point.candidates.length);
    return point.index < this.prefix.length ? this.prefix[point.index]! : 0;
  }
}

/**
 * Run a test under every schedule, depth first and without reduction: each
 * run replays a prefix of answers and takes the default after it, and every
 * later choice point with n candidates adds n - 1 prefixes to try. `run`
 * boots a kernel with the strategy it is given, runs it (asserting what it
 * must) and returns it. Returns the choices of every run, one per schedule.
 * Throws past `limit` runs rather than claim "every schedule" for a part.
 */
export async function everySchedule(run: (strategy: SchedulingStrategy) => Promise<Kernel>, limit = 2000): Promise<number[][]> {
  const todo: number[][] = [[]];
  const done: number[][] = [];
  while (todo.length > 0) {
    if (done.length === limit) throw new Error(`more than ${limit} schedules`);
    const prefix = todo.pop()!;
    const strategy = new PrefixStrategy(prefix);
    const k = await run(strategy);
    const choices = k.sched.choices.slice();
    done.push(choices);
    for (let i = prefix.length; i < strategy.widths.length; i++) {
      for (let alt = 1; alt < strategy.widths[i]!; alt++) todo.push([...choices.slice(0, i), alt]);
    }
  }
  return done;
}
