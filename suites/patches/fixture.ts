// SPDX-License-Identifier: GPL-2.0-only
/**
 * Helpers for the per-patch and per-finding suites: boot a machine
 * described like a scenario file on a tree (by name, or a Tree a test
 * derived), with run options (faults, trace, extra modules); read dmesg
 * the way the threads quote it; and watch dax_region objects, whose
 * lifetime (kref, release) the error-path patches are about.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { runScenario, type Run, type RunOptions } from '../../harness/run.js';
import { validateScenario, type Scenario, type Tristate } from '../../harness/scenario.js';
import { Kernel, type SlabApi } from '../../framework/kernel.js';
import { dax_region } from '../../drivers/dax/dax-private.h.js';
import type { Tree } from '../../trees/tree.js';

export { CXL_ACPI_EARLY, MODULAR, PR_SR, SR, at, iomem, lines } from '../ports/fixture.js';

type Range = { start: string; end: string };

/** A machine as a scenario file describes it, on a tree given by name or built by the test. */
export interface MachineSpec {
  tree: string | Tree;
  config?: Record<string, Tristate>;
  softReserved?: Array<Range & { nid?: number }>;
  cfmws?: Range[];
  regions?: Array<Range & { assembly?: 'commit' | 'fail'; targets?: number }>;
  initramfs?: readonly string[];
  steps?: string[];
  hmemTest?: boolean;
}

/** Validate like a scenario file (a derived Tree is validated as "base", then put in). */
export function scenarioOf(m: MachineSpec): Scenario {
  const raw = {
    tree: typeof m.tree === 'string' ? m.tree : 'base',
    config: m.config ?? {},
    firmware: { softReserved: m.softReserved ?? [], cfmws: m.cfmws ?? [] },
    cxl: { regions: m.regions ?? [] },
    initramfs: m.initramfs ?? [],
    steps: m.steps ?? ['boot'],
    hmemTest: m.hmemTest ?? false,
  };
  const name = typeof m.tree === 'string' ? m.tree : m.tree.name;
  const s = validateScenario(raw, `test machine on ${name}`);
  return typeof m.tree === 'string' ? s : { ...s, tree: m.tree };
}

/** Boot a fresh machine and run its steps; by default the build must link and every step must run to idle. */
export async function boot(m: MachineSpec, opts: RunOptions = {}, { strict = true } = {}): Promise<Run> {
  const r = await runScenario(scenarioOf(m), opts);
  if (strict) {
    expect(r.result.build.errors, 'build errors').to.deep.equal([]);
    for (const o of r.outcomes) expect(o.status, 'every step runs to idle').to.equal('idle');
  }
  return r;
}

/** How hmem's dev_dbg prints a Soft Reserved range it walks (%pr of a busy "HMEM devices" child). */
export function prSR(r: Range): string {
  return `[mem ${r.start}-${r.end} flags 0x80000200]`;
}

/** The owner of the Soft Reserved range that starts at `start`. */
export function ownerAt(r: Run, start: string): string | null {
  const s = r.result.softReserved.find((x) => x.start === start);
  expect(s, `Soft Reserved range at ${start}`).to.not.equal(undefined);
  return s!.owner;
}

/** Virtual time (seconds) of the first dmesg line containing `text`, or NaN. */
export function timeOf(r: Run, text: string): number {
  const l = r.result.dmesg.find((x) => x.includes(text));
  return l === undefined ? Number.NaN : Number(/^\[\s*([0-9.]+)\]/.exec(l)![1]);
}

/** hmem.c's decisions about ranges, in order, as "host: message: range" lines without timestamps. */
export function decisions(r: Run): string[] {
  return r.result.dmesg
    .map((l) => l.replace(/^\[[ 0-9.]+\] /, ''))
    .filter((l) => /^hmem_platform hmem_platform\.\d+: (await CXL initial probe|deferring range to CXL|CXL claims resource, dropping|CXL did not claim resource, registering): /.test(l));
}

/** Modules in the order they were loaded. */
export function loadOrder(r: Run): string[] {
  return r.machine!.loader.modules.map((m) => m.name).reverse();
}

/**
 * Every dax_region alloc_dax_region() allocates during the next boot, in
 * order. The objects are caught where bus.c gets them, from kzalloc() (the
 * slab API each boot's kernel builds);
 * a test then reads their kref and whether dax_region_free() ran (it
 * clears ->dev). The stub is restored after the test by suites/setup.ts.
 */
export function trackDaxRegions(): dax_region[] {
  const seen: dax_region[] = [];
  const proto = Kernel.prototype as unknown as { slabApi(this: Kernel): SlabApi };
  const real = proto.slabApi;
  sinon.stub(proto, 'slabApi').callsFake(function (this: Kernel): SlabApi {
    const slab = real.call(this);
    return {
      ...slab,
      kzalloc<T extends object>(ctor: () => T, size?: number): T | null {
        const obj = slab.kzalloc(ctor, size);
        if (obj instanceof dax_region) seen.push(obj);
        return obj;
      },
    };
  });
  return seen;
}
