// SPDX-License-Identifier: GPL-2.0-only
/**
 * F4 (seed mail 000, the v8 3/9 thread): v8 3/9 puts
 * `depends on CXL_ACPI >= DEV_DAX_HMEM` and `depends on CXL_PCI >=
 * DEV_DAX_HMEM` on DEV_DAX_CXL. Tristates compare n < m < y, so
 * DEV_DAX_HMEM=y with CXL_ACPI=m or CXL_PCI=m forces DEV_DAX_CXL=n. Smita:
 * "HMEM unconditionally owned all ranges - the CXL deferral path is never
 * entered". Fixed by 1eaef15b2349 "dax/cxl: Fix HMEM dependencies": the
 * optional CXL dependencies move to DEV_DAX_HMEM as `X || !X`, which
 * refuses DEV_DAX_HMEM=y in that configuration.
 */
import { expect } from 'chai';
import { resolveConfig } from '../../harness/run.js';
import { findTree } from '../../trees/index.js';
import { SR, boot, decisions, lines } from '../patches/fixture.js';

/** Smita's configuration (CXL_BUS=y by kshim's baseline), the cover letter's range with a committed region, cxl_acpi in the initramfs. */
function smita(tree: string) {
  return boot({
    tree,
    config: { DEV_DAX_HMEM: 'y', CXL_ACPI: 'm', CXL_PCI: 'm', DEV_DAX_CXL: 'm' },
    softReserved: [{ ...SR, nid: 1 }],
    cfmws: [{ ...SR }],
    regions: [{ ...SR, assembly: 'commit' }],
    initramfs: ['cxl_acpi'],
  });
}

describe('F4: Kconfig `>=` on DEV_DAX_CXL versus `X || !X` on DEV_DAX_HMEM (v8 3/9 thread)', () => {
  it('v8: DEV_DAX_HMEM=y with CXL_ACPI=m forces DEV_DAX_CXL=n ("CXL_ACPI >= DEV_DAX_HMEM"); HMEM owns the range a committed region covers, the deferral path is never entered, and region1 gets no dax device', async () => {
    const r = await smita('v8');
    expect(r.result.config.adjusted).to.deep.equal([{ symbol: 'DEV_DAX_CXL', requested: 'm', actual: 'n', reason: 'CXL_ACPI >= DEV_DAX_HMEM' }]);
    expect(r.result.config.values['DEV_DAX_HMEM']).to.equal('y');
    expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_hmem']);
    expect(decisions(r)).to.deep.equal([]);
    // The region commits and cxl_region adds dax_region1, but there is no dax_cxl to bind it.
    expect(lines(r, "cxl_region region1: driver: 'cxl_region': driver_bound: bound to device")).to.have.length(1);
    expect(lines(r, 'cxl_region region1: region1: register dax_region1')).to.have.length(1);
    expect(r.machine!.loader.isModular('dax_cxl') || r.machine!.loader.isBuiltin('dax_cxl')).to.equal(false);
    expect(r.result.daxRegions.map((d) => [d.owner, d.path])).to.deep.equal([['dax_hmem', 'platform/hmem.0']]);
  });

  it('the same lines force DEV_DAX_CXL=n for DEV_DAX_HMEM=m with CXL_ACPI=n, which mainline allows', () => {
    const req = { DEV_DAX_HMEM: 'm', CXL_ACPI: 'n', DEV_DAX_CXL: 'm' } as const;
    expect(resolveConfig(findTree('v8')!, req).adjusted).to.deep.equal([{ symbol: 'DEV_DAX_CXL', requested: 'm', actual: 'n', reason: 'CXL_ACPI >= DEV_DAX_HMEM' }]);
    const main = resolveConfig(findTree('mainline')!, req);
    expect(main.adjusted).to.deep.equal([]);
    expect(main.values['DEV_DAX_CXL']).to.equal('m');
  });

  it('mainline refuses DEV_DAX_HMEM=y there: olddefconfig makes it m ("CXL_ACPI || !CXL_ACPI"), DEV_DAX_CXL stays m, and CXL keeps its committed region after "await CXL initial probe"', async () => {
    const r = await smita('mainline');
    expect(r.result.config.adjusted).to.deep.equal([{ symbol: 'DEV_DAX_HMEM', requested: 'y', actual: 'm', reason: 'CXL_ACPI || !CXL_ACPI' }]);
    expect(r.result.config.values['DEV_DAX_CXL']).to.equal('m');
    expect(decisions(r).map((l) => l.split(': ')[1])).to.deep.equal(['await CXL initial probe', 'CXL claims resource, dropping']);
    expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_cxl']);
  });
});
