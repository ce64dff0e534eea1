// SPDX-License-Identifier: GPL-2.0-only
/**
 * hmem.c with the deferred ownership decision: v8 8/9 (static work item,
 * decided once) and its precursor v7 6/7 (zero-filled work item set up in
 * the first probe, walks on every run, falls through to registration once
 * the flag is set), with the review findings F1, F2 and F3 of series.md.
 */
import { expect } from 'chai';
import { runScenario, type Run } from '../../harness/run.js';
import { validateScenario } from '../../harness/scenario.js';
import { Explorer } from '../../harness/explore/explorer.js';
import { CXL_ACPI_EARLY, MODULAR, PR_SR, SR, at, coverLetter, lines, owner, run } from './fixture.js';

const AWAIT = `hmem_platform hmem_platform.0: await CXL initial probe: ${PR_SR}`;
const DEFER = `hmem_platform hmem_platform.0: deferring range to CXL: ${PR_SR}`;
const CLAIMS = `hmem_platform hmem_platform.0: CXL claims resource, dropping: ${PR_SR}`;
const NOT_CLAIMED = `hmem_platform hmem_platform.0: CXL did not claim resource, registering: ${PR_SR}`;

const CONFIG = { ...MODULAR, CXL_REGION: 'y' } as const;

/** The cover letter's machine, modular, with cxl_acpi in the initramfs and one auto region. */
function withRegion(tree: string, assembly: 'commit' | 'fail', steps?: string[]) {
  return coverLetter(tree, { config: { ...CONFIG }, initramfs: CXL_ACPI_EARLY, regions: [{ ...SR, assembly }], ...(steps ? { steps } : {}) });
}

/**
 * F1's machine: a CXL window but no Soft Reserved range, so device.c never
 * registers hmem_platform.0 and dax_hmem's platform probe never runs.
 */
function noSoftReserved(tree: string, steps: string[]) {
  return { tree, config: { ...CONFIG }, cfmws: [{ ...SR }], initramfs: CXL_ACPI_EARLY, steps };
}

/** What hmem.c said about the range, in order (its four dev_dbg messages). */
function decisions(r: Run): string[] {
  return lines(r, 'hmem_platform hmem_platform.0: ').filter((l) => /: (await CXL initial probe|deferring range to CXL|CXL claims resource|CXL did not claim resource)/.test(l));
}

function flushWarnings(r: Run) {
  return r.machine!.kernel.panic.warnings.filter((w) => w.function === '__flush_work');
}

describe('ports: hmem.c with v8 8/9 (defer and resolve Soft Reserved ownership)', () => {
  it('a committed region that contains the range: "await CXL initial probe", then "CXL claims resource, dropping"; dax_cxl owns it', async () => {
    const r = await run(withRegion('v8/8', 'commit'));
    expect(decisions(r)).to.deep.equal([AWAIT, CLAIMS]);
    expect(at(r, 'cxl region0: committed')).to.be.within(at(r, AWAIT), at(r, CLAIMS));
    expect(owner(r)).to.equal('dax_cxl');
    expect(r.result.daxRegions.map((d) => d.path)).to.deep.equal(['platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0']);
    expect(r.result.warnings).to.deep.equal([]);
    expect(r.result.leaks).to.deep.equal([]);
  });

  it('a failed auto-assembly: "await CXL initial probe", then "CXL did not claim resource, registering"; HMEM owns it', async () => {
    const r = await run(withRegion('v8/8', 'fail'));
    expect(decisions(r)).to.deep.equal([AWAIT, NOT_CLAIMED]);
    expect(owner(r)).to.equal('dax_hmem');
    expect(r.result.warnings).to.deep.equal([]);
  });

  it('waits for the CXL probes: the decision comes after the last cxl_pci attach', async () => {
    const r = await run(withRegion('v8/8', 'commit'));
    const lastAttach = r.result.dmesg.reduce((n, l, i) => (l.includes('driver cxl_pci async attach completed') ? i : n), -1);
    expect(lastAttach).to.be.above(at(r, AWAIT));
    expect(at(r, CLAIMS)).to.be.above(lastAttach);
  });

  it('F1 fixed: with no Soft Reserved range, loading dax_cxl after dax_hmem flushes a valid work item (no WARN)', async () => {
    const r = await run(noSoftReserved('v8/8', ['boot', 'modprobe dax_hmem', 'modprobe dax_cxl']));
    expect(r.machine!.loader.find('dax_cxl')?.state).to.equal('LIVE');
    expect(r.machine!.kernel.panic.warnings).to.deep.equal([]);
    expect(r.result.warnings).to.deep.equal([]);
    expect(lines(r, "bus: 'cxl': add driver cxl_dax_region")).to.have.length(1);
  });

  it('exit with no Soft Reserved range neither flushes nor puts (pdev never set)', async () => {
    const r = await run(noSoftReserved('v8/8', ['boot', 'modprobe dax_hmem', 'modprobe -r dax_hmem']));
    expect(r.machine!.loader.find('dax_hmem')).to.equal(undefined);
    expect(r.result.warnings).to.deep.equal([]);
    expect(r.result.leaks).to.deep.equal([]);
  });

  it('F2 fixed: after reloading dax_hmem the flag is still set, so the range is "deferring range to CXL" and dax_cxl gets it back', async () => {
    const r = await run(withRegion('v8/8', 'commit', ['boot', 'modprobe -r dax_cxl', 'modprobe -r dax_hmem', 'modprobe dax_hmem', 'modprobe dax_cxl']));
    expect(decisions(r)).to.deep.equal([AWAIT, CLAIMS, DEFER]);
    expect(owner(r)).to.equal('dax_cxl');
    expect(r.result.dmesg.some((l) => l.includes('dax_region resource conflict'))).to.equal(false);
    expect(r.result.warnings).to.deep.equal([]);
    expect(r.result.leaks).to.deep.equal([]);
  });

  it('exports dax_hmem_flush_work (GPL) and references dax_hmem_initial_probe of built-in device.c', async () => {
    const r = await run(withRegion('v8/8', 'commit'));
    const m = r.machine!;
    const flush = m.loader.symbols.find('dax_hmem_flush_work');
    expect(flush?.owner).to.equal('dax_hmem');
    expect(flush?.decl.gpl).to.equal(true);
    expect(m.loader.symbols.find('dax_hmem_initial_probe')?.owner).to.equal(null);
    expect(m.loader.references(m.loader.def('dax_hmem')!, false)).to.include.members(['dax_hmem_initial_probe', 'cxl_region_contains_resource']);
  });

  it('F6: DEV_DAX_HMEM=y with cxl_core modular and CXL_REGION=y does not link (undefined cxl_region_contains_resource)', async () => {
    for (const tree of ['v8/8', 'v7/6']) {
      const s = validateScenario(
        { tree, config: { CXL_BUS: 'm', CXL_ACPI: 'm', CXL_PCI: 'm', CXL_MEM: 'm', CXL_REGION: 'y', DEV_DAX_HMEM: 'y' } },
        'link test',
      );
      const r = await runScenario(s);
      expect(r.result.build.ok, tree).to.equal(false);
      expect(r.result.build.errors, tree).to.deep.equal(["ld: drivers/dax/hmem/hmem.o: undefined reference to `cxl_region_contains_resource'"]);
    }
  });
});

describe('ports: hmem.c with v7 6/7 (the precursor)', () => {
  it('queues with the old message "deferring range to CXL", then resolves a committed region to CXL', async () => {
    const r = await run(withRegion('v7/6', 'commit'));
    expect(decisions(r)).to.deep.equal([DEFER, CLAIMS]);
    expect(lines(r, 'await CXL initial probe')).to.deep.equal([]);
    expect(owner(r)).to.equal('dax_cxl');
  });

  it('registers what CXL did not claim, through hmem_register_device() with the flag set', async () => {
    const r = await run(withRegion('v7/6', 'fail'));
    expect(decisions(r)).to.deep.equal([DEFER, NOT_CLAIMED]);
    expect(owner(r)).to.equal('dax_hmem');
  });

  it('F1: with no Soft Reserved range, loading dax_cxl after dax_hmem WARNs in __flush_work from dax_hmem_flush_work', async () => {
    const r = await run(noSoftReserved('v7/6', ['boot', 'modprobe dax_hmem', 'modprobe dax_cxl']));
    const ws = flushWarnings(r);
    expect(ws).to.have.length(1);
    const w = ws[0]!;
    expect(w.message).to.match(/^WARNING: CPU: 0 PID: \d+ at kernel\/workqueue\.c:4289 __flush_work$/);
    expect(w.callTrace.slice(0, 4)).to.deep.equal(['flush_work', 'dax_hmem_flush_work [dax_hmem]', 'cxl_dax_region_driver_register [dax_cxl]', 'process_one_work']);
    expect(r.result.warnings.map((x) => x.function)).to.deep.equal(['__flush_work']);
    expect(lines(r, 'Workqueue: events_long cxl_dax_region_driver_register [dax_cxl]')).to.have.length(1);
    // The WARN does not stop the registration: the cxl unit tests still pass.
    expect(lines(r, "bus: 'cxl': add driver cxl_dax_region")).to.have.length(1);
  });

  it('F1 on exit: unloading dax_hmem when no probe ran flushes the zero-filled item and WARNs from dax_hmem_exit', async () => {
    const r = await run(noSoftReserved('v7/6', ['boot', 'modprobe dax_hmem', 'modprobe -r dax_hmem']));
    const ws = flushWarnings(r);
    expect(ws).to.have.length(1);
    expect(ws[0]!.callTrace.slice(0, 2)).to.deep.equal(['flush_work', 'dax_hmem_exit [dax_hmem]']);
  });

  it('no WARN once a Soft Reserved range made the platform probe run INIT_WORK', async () => {
    const r = await run(withRegion('v7/6', 'commit', ['boot', 'modprobe -r dax_cxl', 'modprobe -r dax_hmem']));
    expect(r.result.warnings).to.deep.equal([]);
    expect(r.result.leaks).to.deep.equal([]);
  });

  it('F2: after reloading dax_hmem the flag is still set and HMEM registers the CXL range itself; dax_cxl then conflicts', async () => {
    const r = await run(withRegion('v7/6', 'commit', ['boot', 'modprobe -r dax_cxl', 'modprobe -r dax_hmem', 'modprobe dax_hmem', 'modprobe dax_cxl']));
    expect(decisions(r)).to.deep.equal([DEFER, CLAIMS]);
    expect(owner(r)).to.equal('dax_hmem');
    expect(lines(r, 'cxl_dax_region dax_region0: dax_region resource conflict')).to.have.length(1);
  });

  it('F3: in some schedule the work queued again while it runs walks twice, and hmem fails with -12; v8 8/9 never does', async () => {
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

    const v8 = await doubleWalks('v8/8');
    expect(v8.report.complete).to.equal(true);
    expect(v8.hits).to.deep.equal([]);
  });
});
