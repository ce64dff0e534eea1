// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v7 6/7], the precursor of v8 8/9, and the review findings it
 * drew, each shown on v7/6 and gone on v8/8 (series.md §2):
 *
 * - F1 (Alison Schofield, traced by Jonathan Cameron): the work item is
 *   zero-filled and set up by INIT_WORK() in the first hmem_platform probe,
 *   so with no Soft Reserved range dax_cxl's registration work (and
 *   dax_hmem's exit) flush a work item whose func is NULL and WARN in
 *   __flush_work. v8 initialises it with __WORK_INITIALIZER.
 * - F2 (Smita): dax_hmem_initial_probe lives in built-in device.c and
 *   stays true across a reload of dax_hmem; v7's hmem_register_device()
 *   then falls through and registers CXL ranges itself. v8 returns
 *   "deferring range to CXL".
 * - F3 (v8 changelog): the work walks the ranges every time it runs, so a
 *   second queueing while it runs walks twice and hmem's probe fails with
 *   -12 on the dax_region conflict. v8 walks only once.
 *
 * v8 8/9's own behaviour (the decision, the exports, F6's link error) is
 * in suites/ports/hmem-deferred.spec.ts and v8-8-defer-and-resolve.spec.ts.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { runScenario, type Run } from '../../harness/run.js';
import { validateScenario } from '../../harness/scenario.js';
import { Explorer } from '../../harness/explore/explorer.js';
import { runBaseScenario } from '../../harness/expectations.js';
import { CXL_ACPI_EARLY, MODULAR, PR_SR, SR, boot, decisions, lines } from './fixture.js';

const HOST = 'hmem_platform hmem_platform.0';
const DEFER = `${HOST}: deferring range to CXL: ${PR_SR}`;
const AWAIT = `${HOST}: await CXL initial probe: ${PR_SR}`;
const CLAIMS = `${HOST}: CXL claims resource, dropping: ${PR_SR}`;
const NOT_CLAIMED = `${HOST}: CXL did not claim resource, registering: ${PR_SR}`;

const CONFIG = { ...MODULAR, CXL_REGION: 'y' } as const;

/** The cover letter's machine, modular, cxl_acpi in the initramfs, one auto region. */
function withRegion(tree: string, assembly: 'commit' | 'fail', steps?: string[]) {
  return boot({ tree, config: { ...CONFIG }, softReserved: [{ ...SR, nid: 1 }], cfmws: [{ ...SR }], initramfs: CXL_ACPI_EARLY, regions: [{ ...SR, assembly }], ...(steps ? { steps } : {}) });
}

/** F1's machine: a CXL window but no Soft Reserved range, so hmem_platform.0 never exists and never probes. */
function noSoftReserved(tree: string, steps: string[]) {
  return boot({ tree, config: { ...CONFIG }, cfmws: [{ ...SR }], initramfs: CXL_ACPI_EARLY, steps });
}

function flushWarnings(r: Run) {
  return r.machine!.kernel.panic.warnings.filter((w) => w.function === '__flush_work');
}

const RELOAD = ['boot', 'modprobe -r dax_cxl', 'modprobe -r dax_hmem', 'modprobe dax_hmem', 'modprobe dax_cxl'];

describe('[PATCH v7 6/7] dax/hmem, cxl: Defer and resolve Soft Reserved ownership', () => {
  it('against v7/5: a range CXL does not claim is registered by HMEM after the CXL probes ("CXL did not claim resource, registering"); it queues with the old message "deferring range to CXL"', async () => {
    const before = await runBaseScenario('E2', 'v7/5');
    expect(decisions(before)).to.deep.equal([DEFER]);
    expect(before.result.softReserved.map((s) => s.owner)).to.deep.equal([null]);
    const after = await runBaseScenario('E2', 'v7/6');
    expect(decisions(after)).to.deep.equal([DEFER, NOT_CLAIMED]);
    expect(lines(after, 'await CXL initial probe')).to.deep.equal([]);
    expect(after.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_hmem']);
    const kept = await runBaseScenario('E1', 'v7/6');
    expect(decisions(kept)).to.deep.equal([DEFER, CLAIMS]);
    expect(kept.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_cxl']);
  });

  it('F1: with no Soft Reserved range, modprobe dax_hmem then dax_cxl: v7/6 WARNs at kernel/workqueue.c:4289 __flush_work, from dax_hmem_flush_work [dax_hmem] <- cxl_dax_region_driver_register [dax_cxl] on events_long; v8/8 does not', async () => {
    const steps = ['boot', 'modprobe dax_hmem', 'modprobe dax_cxl'];
    const v7 = await noSoftReserved('v7/6', steps);
    const ws = flushWarnings(v7);
    expect(ws).to.have.length(1);
    expect(ws[0]!.message).to.match(/^WARNING: kernel\/workqueue\.c:4289 at __flush_work, CPU#0: \S+\/\d+$/);
    expect(ws[0]!.callTrace.slice(0, 4)).to.deep.equal(['flush_work', 'dax_hmem_flush_work [dax_hmem]', 'cxl_dax_region_driver_register [dax_cxl]', 'process_one_work']);
    expect(v7.result.warnings.map((x) => x.function)).to.deep.equal(['__flush_work']);
    expect(lines(v7, 'Workqueue: events_long cxl_dax_region_driver_register [dax_cxl]')).to.have.length(1);
    // As Alison saw, the WARN does not stop the registration.
    expect(lines(v7, "bus: 'cxl': add driver cxl_dax_region")).to.have.length(1);

    const v8 = await noSoftReserved('v8/8', steps);
    expect(v8.machine!.loader.find('dax_cxl')?.state).to.equal('LIVE');
    expect(v8.machine!.kernel.panic.warnings).to.deep.equal([]);
    expect(lines(v8, "bus: 'cxl': add driver cxl_dax_region")).to.have.length(1);
  });

  it('F1 on exit (Jonathan): unloading dax_hmem when no probe ran: v7/6 flushes the zero-filled item and WARNs from dax_hmem_exit; v8/8 neither flushes nor puts', async () => {
    const steps = ['boot', 'modprobe dax_hmem', 'modprobe -r dax_hmem'];
    const v7 = await noSoftReserved('v7/6', steps);
    const ws = flushWarnings(v7);
    expect(ws).to.have.length(1);
    expect(ws[0]!.callTrace.slice(0, 2)).to.deep.equal(['flush_work', 'dax_hmem_exit [dax_hmem]']);

    // v8/8: load, then watch the exit itself.
    const v8 = await noSoftReserved('v8/8', ['boot', 'modprobe dax_hmem']);
    const m = v8.machine!;
    const flushes = sinon.spy(m.kernel.wq, 'flush_work');
    const puts = sinon.spy(m.kernel.base.core, 'put_device');
    const rmmod = await m.userModprobe('dax_hmem', true);
    expect(rmmod.exit).to.equal(0);
    expect(m.loader.find('dax_hmem')).to.equal(undefined);
    expect(flushes.callCount, 'flush_work calls during modprobe -r dax_hmem').to.equal(0);
    expect(puts.getCalls().filter((c) => !c.args[0] || /hmem_platform/.test(c.args[0].name ?? '')), 'put_device of an hmem_platform device (or of nothing)').to.deep.equal([]);
    expect(m.kernel.panic.warnings).to.deep.equal([]);
    expect(m.loader.leaks).to.deep.equal([]);
  });

  it('no WARN on v7/6 either once a Soft Reserved range made the platform probe run INIT_WORK', async () => {
    const r = await withRegion('v7/6', 'commit', ['boot', 'modprobe -r dax_cxl', 'modprobe -r dax_hmem']);
    expect(r.result.warnings).to.deep.equal([]);
    expect(r.result.leaks).to.deep.equal([]);
  });

  it('F2: after reloading dax_hmem the flag is still set; v7/6 falls through and HMEM registers the CXL range itself (dax_cxl then hits "dax_region resource conflict"); v8/8 says "deferring range to CXL" and dax_cxl gets it back', async () => {
    const v7 = await withRegion('v7/6', 'commit', RELOAD);
    expect(decisions(v7)).to.deep.equal([DEFER, CLAIMS]);
    expect(v7.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_hmem']);
    expect(lines(v7, 'cxl_dax_region dax_region0: dax_region resource conflict')).to.have.length(1);

    const v8 = await withRegion('v8/8', 'commit', RELOAD);
    expect(decisions(v8)).to.deep.equal([AWAIT, CLAIMS, DEFER]);
    expect(v8.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_cxl']);
    expect(lines(v8, 'dax_region resource conflict')).to.deep.equal([]);
    expect(v8.result.warnings).to.deep.equal([]);
    expect(v8.result.leaks).to.deep.equal([]);
  });

  it('F3: the work queued again while it runs walks twice and hmem fails with -12 on the conflict, in Smita\'s order already in the default schedule; in no schedule on v8/8', async () => {
    // Ranges A and C meet CXL windows, B does not: registering B lets the
    // first run of the work start, so queueing C can queue a second run.
    // No region is assembled, so CXL claims neither A nor C.
    const A = { start: '0x850000000', end: '0x8ffffffff' };
    const B = { start: '0x1000000000', end: '0x10ffffffff' };
    const C = { start: '0x2000000000', end: '0x20ffffffff' };
    const scenario = (tree: string) =>
      validateScenario(
        {
          tree,
          config: { ...CONFIG },
          firmware: { softReserved: [A, B, C].map((x) => ({ ...x, nid: 1 })), cfmws: [A, C] },
          initramfs: CXL_ACPI_EARLY,
        },
        `F3 on ${tree}`,
      );
    const prA = '[mem 0x850000000-0x8ffffffff flags 0x80000200]';
    const doubleWalks = async (tree: string) => {
      const hits: Run[] = [];
      const report = await new Explorer(scenario(tree), {
        strategy: 'exhaustive',
        shrink: false,
        observe: (r) => {
          if (lines(r, `CXL did not claim resource, registering: ${prA}`).length === 2) hits.push(r);
        },
      }).explore();
      return { hits, report };
    };
    const v7 = await doubleWalks('v7/6');
    expect(v7.hits.length, 'schedules with a double walk on v7/6').to.be.greaterThan(0);
    const hit = v7.hits[0]!;
    expect(lines(hit, 'dax_region resource conflict for [mem 0x850000000-0x8ffffffff]')).to.have.length(1);
    expect(hit.result.dmesg.some((l) => /hmem hmem\.\d+: probe with driver hmem failed with error -12/.test(l))).to.equal(true);
    // The default schedule already shows Smita's log, in her order.
    const plain = await runScenario(scenario('v7/6'));
    const seq = [
      `deferring range to CXL: ${prA}`,
      `CXL did not claim resource, registering: ${prA}`,
      'dax3.0: alloc range[0]: 0x0000000850000000:0x00000008ffffffff',
      `CXL did not claim resource, registering: ${prA}`,
      'hmem.5: dax_region resource conflict for [mem 0x850000000-0x8ffffffff]',
      'hmem hmem.5: probe with driver hmem failed with error -12',
    ];
    let from = 0;
    for (const text of seq) {
      const i = plain.result.dmesg.findIndex((l, j) => j >= from && l.includes(text));
      expect(i, text).to.be.at.least(from);
      from = i + 1;
    }

    const v8 = await doubleWalks('v8/8');
    expect(v8.report.complete).to.equal(true);
    expect(v8.hits).to.deep.equal([]);
  });
});
