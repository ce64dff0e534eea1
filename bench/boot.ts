// SPDX-License-Identifier: GPL-2.0-only
/** Boot-to-idle timings of whole scenarios, in process, after warm-up. */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { machineFor, resolveConfig, runScenario } from '../harness/run.js';
import { validateScenario, type Scenario } from '../harness/scenario.js';
import { letWeakRefsGo } from '../harness/yield.js';

/** Mainline, everything built in, one Soft Reserved range covered by a committed region. */
export function mainlineBuiltinScenario(): Scenario {
  return validateScenario(
    {
      tree: 'mainline',
      config: { CXL_BUS: 'y', CXL_ACPI: 'y', CXL_PCI: 'y', CXL_MEM: 'y', CXL_REGION: 'y', DAX: 'y', DEV_DAX: 'y', DEV_DAX_HMEM: 'y', DEV_DAX_CXL: 'y', DEV_DAX_KMEM: 'y' },
      firmware: {
        softReserved: [{ start: '0x850000000', end: '0x284fffffff', nid: 1 }],
        cfmws: [{ start: '0x850000000', end: '0x284fffffff' }],
      },
      cxl: { regions: [{ start: '0x850000000', end: '0x284fffffff', assembly: 'commit' }] },
    },
    'bench:mainline-builtin',
  );
}

export interface BootTiming {
  readonly medianMs: number;
  readonly bootsPerSecond: number;
  readonly runs: number;
  /** Mean µs to build a machine alone (fresh inversify container, subsystems, catalogue), no boot. */
  readonly machineUs: number;
  /** Share of the timed boots' wall time spent in V8 garbage collection. */
  readonly gcShare: number;
}

/** Mean µs of building a fresh machine for `scenario` (what every boot pays before PID 1 runs). */
async function machineTiming(scenario: Scenario, runs: number): Promise<number> {
  const cfg = resolveConfig(scenario.tree, scenario.config);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    machineFor(scenario, cfg.values).powerOff();
    await letWeakRefsGo();
  }
  return Number(process.hrtime.bigint() - t0) / 1e3 / runs;
}

/**
 * Median wall time of one boot-to-idle with the result collected, and boots
 * per second over the runs, after a warm-up long enough for the JIT to
 * settle (with 50 warm-up boots the median was still a third higher).
 */
export async function bootTiming(scenario: Scenario, runs = 2000, warmup = 500): Promise<BootTiming> {
  for (let i = 0; i < warmup; i++) {
    await runScenario(scenario, { powerOff: true });
    await letWeakRefsGo();
  }
  const machineUs = await machineTiming(scenario, Math.min(runs, 1000));
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const times: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    await runScenario(scenario, { powerOff: true });
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
    await letWeakRefsGo();
  }
  const total = Number(process.hrtime.bigint() - t0) / 1e9;
  // GC entries arrive on a later turn of the event loop.
  await new Promise<void>((resolve) => setImmediate(resolve));
  gc.disconnect();
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)]!, bootsPerSecond: runs / total, runs, machineUs, gcShare: gcMs / 1000 / total };
}

/**
 * KB per boot still alive after two young-generation GCs, once the boot's
 * result is dropped: what a finished machine costs the scavenger. A few KB
 * is the log kept for the lazy dmesg; hundreds mean something allocated in
 * V8's old generation points into the machine (docs/performance.md).
 */
export async function youngSurvivorsKB(scenario: Scenario, boots = 200): Promise<number> {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (opts?: { type: 'minor' | 'major' }) => void;
  const oldSpace = (): number => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;
  for (let i = 0; i < 50; i++) {
    await runScenario(scenario, { powerOff: true });
    await letWeakRefsGo();
  }
  gc({ type: 'major' });
  // Per batch of boots; the median ignores a batch during which V8 ran a full GC.
  const grown: number[] = [];
  const batch = 10;
  for (let done = 0; done < boots; done += batch) {
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    const before = oldSpace();
    for (let i = 0; i < batch; i++) {
      await runScenario(scenario, { powerOff: true });
      await letWeakRefsGo();
    }
    gc({ type: 'minor' });
    gc({ type: 'minor' });
    grown.push((oldSpace() - before) / batch / 1024);
  }
  grown.sort((a, b) => a - b);
  return grown[Math.floor(grown.length / 2)]!;
}
