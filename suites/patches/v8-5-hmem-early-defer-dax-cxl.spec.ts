// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v8 5/9] (mainline 39aa1d4be12b): drivers/dax/Makefile links
 * hmem/ first, so built in, hmem's initcalls run before the rest of
 * drivers/dax at the same level; dax/cxl.c's module_init only queues
 * cxl_dax_region_driver_work on system_long_wq, which registers the
 * cxl_dax_region driver later, and that driver prefers asynchronous
 * probing.
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

describe('[PATCH v8 5/9] dax/cxl, hmem: Initialize hmem early and defer dax_cxl binding', () => {
  it('built in: hmem_init and dax_hmem_init now run before dax_cxl\'s initcall (hmem/ linked first); on v8/4 cxl_dax_region_driver_init ran before them', async () => {
    // drivers/dax's device_initcalls, in the order PID 1 ran them.
    const dax = (r: Run) => initcalls(r).filter((n) => ['dax_init', 'dax_kmem_init', 'cxl_dax_region_driver_init', 'cxl_dax_region_init', 'hmem_init', 'dax_hmem_init'].includes(n));
    expect(dax(await machine('v8/4'))).to.deep.equal(['dax_init', 'dax_kmem_init', 'cxl_dax_region_driver_init', 'hmem_init', 'dax_hmem_init']);
    expect(dax(await machine('v8/5'))).to.deep.equal(['hmem_init', 'dax_hmem_init', 'dax_init', 'dax_kmem_init', 'cxl_dax_region_init']);
  });

  it('dax_cxl\'s init returns after queueing the work: a kworker running cxl_dax_region_driver_register on events_long adds the cxl_dax_region driver; on v8/4 PID 1 adds it inside the initcall', async () => {
    const before = await machine('v8/4');
    expect(printedBy(before, ADD_DRIVER)).to.equal(1);

    const after = await machine('v8/5');
    const spans = after.machine!.kernel.sched.trace.spans;
    const init = spans.find((s) => s.kind === 'initcall' && s.name === 'cxl_dax_region_init')!;
    const work = spans.find((s) => s.kind === 'work' && s.name === 'events_long cxl_dax_region_driver_register');
    expect(work, 'the registration work ran').to.not.equal(undefined);
    expect(work!.pid).to.not.equal(1);
    expect(work!.start).to.be.at.least(init.end);
    expect(printedBy(after, ADD_DRIVER)).to.equal(work!.pid);
    // The initcall's own task printed nothing about the driver.
    expect(init.pid).to.equal(1);
  });

  it('dax_cxl probes asynchronously (PROBE_PREFER_ASYNCHRONOUS): "scheduling asynchronous probe" for dax_region0, where v8/4 probed it in the caller', async () => {
    const before = await machine('v8/4');
    expect(before.result.dmesg.some((l) => l.includes('cxl dax_region0: scheduling asynchronous probe'))).to.equal(false);
    const after = await machine('v8/5');
    expect(after.result.dmesg.some((l) => l.includes('cxl dax_region0: scheduling asynchronous probe'))).to.equal(true);
    expect(after.result.dmesg.some((l) => l.includes('cxl_dax_region dax_region0: async probe completed'))).to.equal(true);
    for (const r of [before, after]) expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_cxl']);
  });
});
