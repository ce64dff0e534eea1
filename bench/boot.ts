// SPDX-License-Identifier: GPL-2.0-only
/** Boot-to-idle timings of whole scenarios, in process, after warm-up. */
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { machineFor, resolveConfig, runScenario, type RunOptions } from '../harness/run.js';
import { parseScenario, type Scenario } from '../harness/scenario.js';
import { letWeakRefsGo } from '../harness/yield.js';

const SHIPPED = fileURLToPath(new URL('../../scenarios/mainline-builtin.json', import.meta.url));

/** scenarios/mainline-builtin.json: mainline, everything built in, one Soft Reserved range covered by a committed region. */
export function mainlineBuiltinScenario(): Scenario {
  return parseScenario(readFileSync(SHIPPED, 'utf8'), SHIPPED);
}

export interface BootTiming {
  readonly medianMs: number;
  /** Over the timed runs, once the JIT has settled. */
  readonly bootsPerSecond: number;
  /** Over the first boots of the process (COLD_BOOTS of them), before the JIT has settled. */
  readonly coldBootsPerSecond: number;
  /** How many boots coldBootsPerSecond was measured over. */
  readonly coldBoots: number;
  /** Boots run before the timed ones (cold boots included). */
  readonly warmupBoots: number;
  /** Whether the last warm-up window was within 5% of the one before (false: the warm-up stopped at its cap). */
  readonly warmupSettled: boolean;
  readonly runs: number;
  /** Mean µs to build a machine alone (its subsystems, from the image or in a fresh container, and the catalogue), no boot. */
  readonly machineUs: number;
  /** Share of the timed boots' wall time spent in V8 garbage collection. */
  readonly gcShare: number;
}

/**
 * How the benchmark's machines are built: resolved from the process's
 * kernel image, as the explorer builds them, or each in a container of its
 * own, as tests and single runs (`kshim run`, `replay`) build them.
 */
export type MachineSource = 'image' | 'container';

/** The run options of a benchmark boot: the machine dropped at the end, built as `source` says. */
function bootOptions(source: MachineSource): RunOptions {
  return { powerOff: true, fromImage: source === 'image' };
}

/** Mean µs of building a fresh machine for `scenario` (what every boot pays before PID 1 runs). */
async function machineTiming(scenario: Scenario, runs: number, source: MachineSource): Promise<number> {
  const cfg = resolveConfig(scenario.tree, scenario.config);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    machineFor(scenario, cfg.values, bootOptions(source)).powerOff();
    await letWeakRefsGo();
  }
  return Number(process.hrtime.bigint() - t0) / 1e3 / runs;
}

/** Boot `scenario` to idle `boots` times in a row, each machine powered off and let go. */
async function bootMany(scenario: Scenario, boots: number, source: MachineSource): Promise<void> {
  const opts = bootOptions(source);
  for (let i = 0; i < boots; i++) {
    await runScenario(scenario, opts);
    await letWeakRefsGo();
  }
}

/** Boots per second of `boots` consecutive boots. */
async function bootRate(scenario: Scenario, boots: number, source: MachineSource): Promise<number> {
  const t0 = process.hrtime.bigint();
  await bootMany(scenario, boots, source);
  return boots / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** The first boots of a process, reported on their own: what a short CLI run sees. */
const COLD_BOOTS = 500;

/**
 * Median wall time of one boot-to-idle with the result collected, and boots
 * per second over the runs, once V8 has settled. A process needs some 3,000
 * to 4,000 boots before its rate stops climbing (the first 500 run at about
 * 40% of the final rate), so the warm-up boots in windows of `window` until one
 * is within 5% of the one before, between `minWarmup` and `maxWarmup` boots.
 * The first COLD_BOOTS are timed on their own.
 */
export async function bootTiming(scenario: Scenario, source: MachineSource, runs = 2000, minWarmup = 4000, maxWarmup = 4 * minWarmup, window = Math.min(500, minWarmup)): Promise<BootTiming> {
  if (!(window > 0) || !(maxWarmup >= minWarmup)) throw new RangeError(`bootTiming: window ${window} must be positive and maxWarmup ${maxWarmup} at least minWarmup ${minWarmup}`);
  const cold = Math.min(COLD_BOOTS, minWarmup);
  const coldBootsPerSecond = await bootRate(scenario, cold, source);
  let warmupBoots = cold;
  let last = coldBootsPerSecond;
  let settled = false;
  for (;;) {
    const rate = await bootRate(scenario, window, source);
    warmupBoots += window;
    settled = Math.abs(rate - last) <= 0.05 * last;
    last = rate;
    if (warmupBoots >= maxWarmup || (settled && warmupBoots >= minWarmup)) break;
  }
  const machineUs = await machineTiming(scenario, Math.min(runs, 1000), source);
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const times: number[] = [];
  const opts = bootOptions(source);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    await runScenario(scenario, opts);
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
    await letWeakRefsGo();
  }
  const total = Number(process.hrtime.bigint() - t0) / 1e9;
  // GC entries arrive on a later turn of the event loop.
  await new Promise<void>((resolve) => setImmediate(resolve));
  gc.disconnect();
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)]!, bootsPerSecond: runs / total, coldBootsPerSecond, coldBoots: cold, warmupBoots, warmupSettled: settled, runs, machineUs, gcShare: gcMs / 1000 / total };
}

/**
 * KB per boot still alive after two young-generation GCs, once the boot's
 * result is dropped: what a finished machine costs the scavenger. A few KB
 * is the log kept for the lazy dmesg; hundreds mean something allocated in
 * V8's old generation points into the machine (docs/performance.md).
 */
export async function youngSurvivorsKB(scenario: Scenario, source: MachineSource, boots = 200): Promise<number> {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (opts?: { type: 'minor' | 'major' }) => void;
  const oldSpace = (): number => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;
  await bootMany(scenario, 50, source);
  gc({ type: 'major' });
  // Per batch of boots; the median ignores a batch during which V8 ran a full GC.
  const grown: number[] = [];
  const batch = 10;
  for (let done = 0; done < boots; done += batch) {
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    const before = oldSpace();
    await bootMany(scenario, batch, source);
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    grown.push((oldSpace() - before) / batch / 1024);
  }
  grown.sort((a, b) => a - b);
  return grown[Math.floor(grown.length / 2)]!;
}
