// SPDX-License-Identifier: GPL-2.0-only
/**
 * Claims of "dax/cxl, hmem: Initialize hmem early and defer dax_cxl
 * binding" ([PATCH v8 5/9], mainline 39aa1d4be12b, and the same change as
 * [PATCH v7 3/7]), run on (tree before the patch, tree after it):
 * drivers/dax/Makefile links hmem/ first, so built in, hmem's initcalls run
 * before the rest of drivers/dax at the same level; dax/cxl.c's
 * module_init only queues cxl_dax_region_driver_work on system_long_wq,
 * which registers the cxl_dax_region driver later, and that driver
 * prefers asynchronous probing.
 *
 * The patch touches neither hmem.c nor bus.c, where v7 and v8 differ
 * before it, so both run the claims: v8/4 -> v8/5 and v7/2 -> v7/3 (the
 * v7 tree takes v8 5/9's port of dax/cxl.c and Makefile order as is).
 */
import { expect } from 'chai';
import type { Run } from '../../harness/run.js';
import { SR, boot } from './fixture.js';

/** Everything built in, the cover letter's range with a committed region. */
const BUILTIN = { CXL_BUS: 'y', CXL_ACPI: 'y', CXL_PCI: 'y', CXL_MEM: 'y', CXL_REGION: 'y', DAX: 'y', DEV_DAX: 'y', DEV_DAX_HMEM: 'y', DEV_DAX_CXL: 'y', DEV_DAX_KMEM: 'y' } as const;

function machine(tree: string): Promise<Run> {
  return boot({ tree, config: { ...BUILTIN }, softReserved: [{ ...SR, nid: 1 }], cfmws: [{ ...SR }], regions: [{ ...SR, assembly: 'commit' }] }, { trace: true });
}

/** Built-in initcalls in the order PID 1 ran them. */
function initcalls(r: Run): string[] {
  return r.machine!.kernel.sched.trace.spans.filter((s) => s.kind === 'initcall').map((s) => s.name);
}

/** The pid that printed the first dmesg line containing `text`. */
function printedBy(r: Run, text: string): number {
  const rec = r.machine!.kernel.log.records.find((x) => x.text.includes(text));
  expect(rec, text).to.not.equal(undefined);
  return rec!.pid;
}

const ADD_DRIVER = "bus: 'cxl': add driver cxl_dax_region";

/** The `it`s of the patch, `before` being the tree without it and `after` the tree with it. */
export function hmemEarlyDeferDaxCxlClaims(before: string, after: string): void {
  it(`built in: hmem_init and dax_hmem_init now run before dax_cxl's initcall (hmem/ linked first); on ${before} cxl_dax_region_driver_init ran before them`, async () => {
    // drivers/dax's device_initcalls, in the order PID 1 ran them.
    const dax = (r: Run) => initcalls(r).filter((n) => ['dax_init', 'dax_kmem_init', 'cxl_dax_region_driver_init', 'cxl_dax_region_init', 'hmem_init', 'dax_hmem_init'].includes(n));
    expect(dax(await machine(before))).to.deep.equal(['dax_init', 'dax_kmem_init', 'cxl_dax_region_driver_init', 'hmem_init', 'dax_hmem_init']);
    expect(dax(await machine(after))).to.deep.equal(['hmem_init', 'dax_hmem_init', 'dax_init', 'dax_kmem_init', 'cxl_dax_region_init']);
  });

  it(`dax_cxl's init returns after queueing the work: a kworker running cxl_dax_region_driver_register on events_long adds the cxl_dax_region driver; on ${before} PID 1 adds it inside the initcall`, async () => {
    const without = await machine(before);
    expect(printedBy(without, ADD_DRIVER)).to.equal(1);

    const withIt = await machine(after);
    const spans = withIt.machine!.kernel.sched.trace.spans;
    const init = spans.find((s) => s.kind === 'initcall' && s.name === 'cxl_dax_region_init')!;
    const work = spans.find((s) => s.kind === 'work' && s.name === 'events_long cxl_dax_region_driver_register');
    expect(work, 'the registration work ran').to.not.equal(undefined);
    expect(work!.pid).to.not.equal(1);
    expect(work!.start).to.be.at.least(init.end);
    expect(printedBy(withIt, ADD_DRIVER)).to.equal(work!.pid);
    // PID 1, which ran the initcall, printed nothing about the driver.
    expect(withIt.machine!.kernel.log.records.filter((x) => x.text.includes(ADD_DRIVER) && x.pid === init.pid)).to.deep.equal([]);
  });

  it(`dax_cxl probes asynchronously (PROBE_PREFER_ASYNCHRONOUS): "scheduling asynchronous probe" for dax_region0, where ${before} probed it in the caller`, async () => {
    const without = await machine(before);
    expect(without.result.dmesg.some((l) => l.includes('cxl dax_region0: scheduling asynchronous probe'))).to.equal(false);
    const withIt = await machine(after);
    expect(withIt.result.dmesg.some((l) => l.includes('cxl dax_region0: scheduling asynchronous probe'))).to.equal(true);
    expect(withIt.result.dmesg.some((l) => l.includes('cxl_dax_region dax_region0: async probe completed'))).to.equal(true);
    for (const r of [without, withIt]) expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_cxl']);
  });
}
