// SPDX-License-Identifier: GPL-2.0-only
/**
 * hmem.c with the deferred ownership decision of v8 8/9 (static work item,
 * decided once), and F6. Its precursor v7 6/7 and the review findings F1,
 * F2 and F3 of series.md, each shown on v7/6 and gone on v8/8, are in
 * suites/patches/v7-6-defer-and-resolve.spec.ts.
 */
import { expect } from 'chai';
import { runScenario, type Run } from '../../harness/run.js';
import { validateScenario } from '../../harness/scenario.js';
import { CXL_ACPI_EARLY, MODULAR, PR_SR, SR, at, coverLetter, lines, owner, run } from './fixture.js';

const AWAIT = `hmem_platform hmem_platform.0: await CXL initial probe: ${PR_SR}`;
const CLAIMS = `hmem_platform hmem_platform.0: CXL claims resource, dropping: ${PR_SR}`;
const NOT_CLAIMED = `hmem_platform hmem_platform.0: CXL did not claim resource, registering: ${PR_SR}`;

const CONFIG = { ...MODULAR, CXL_REGION: 'y' } as const;

/** The cover letter's machine, modular, with cxl_acpi in the initramfs and one auto region. */
function withRegion(tree: string, assembly: 'commit' | 'fail', steps?: string[]) {
  return coverLetter(tree, { config: { ...CONFIG }, initramfs: CXL_ACPI_EARLY, regions: [{ ...SR, assembly }], ...(steps ? { steps } : {}) });
}

/** What hmem.c said about the range, in order (its four dev_dbg messages). */
function decisions(r: Run): string[] {
  return lines(r, 'hmem_platform hmem_platform.0: ').filter((l) => /: (await CXL initial probe|deferring range to CXL|CXL claims resource|CXL did not claim resource)/.test(l));
}

describe('ports: hmem.c with v8 8/9 (defer and resolve Soft Reserved ownership)', () => {
  it('a committed region that contains the range: "await CXL initial probe", then "CXL claims resource, dropping"; dax_cxl owns it', async () => {
    const r = await run(withRegion('v8/8', 'commit'));
    expect(decisions(r)).to.deep.equal([AWAIT, CLAIMS]);
    expect(at(r, "cxl_region region0: driver: 'cxl_region': driver_bound: bound to device")).to.be.within(at(r, AWAIT), at(r, CLAIMS));
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
