// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v8 4/9] (mainline edfcf1e21e79): hmem_register_device() leaves a
 * range to CXL only if IS_ENABLED(CONFIG_DEV_DAX_CXL), no longer merely
 * if CONFIG_CXL_REGION: without dax_cxl nobody would ever take it.
 */
import { expect } from 'chai';
import { CXL_ACPI_EARLY, MODULAR, SR, boot, decisions, prSR } from './fixture.js';

/** The cover letter's machine, modular, cxl_acpi early, with a committed region, CXL_REGION=y and DEV_DAX_CXL as given. */
function machine(tree: string, daxCxl: 'm' | 'n') {
  return boot({
    tree,
    config: { ...MODULAR, CXL_REGION: 'y', DEV_DAX_CXL: daxCxl },
    softReserved: [{ ...SR, nid: 1 }],
    cfmws: [{ ...SR }],
    regions: [{ ...SR, assembly: 'commit' }],
    initramfs: CXL_ACPI_EARLY,
  });
}

describe('[PATCH v8 4/9] dax/hmem: Gate Soft Reserved deferral on DEV_DAX_CXL', () => {
  it('CXL_REGION=y, DEV_DAX_CXL=n: v8/3 says "deferring range to CXL" and the range stays without an owner; v8/4 registers it with HMEM at once', async () => {
    const before = await machine('v8/3', 'n');
    expect(before.result.config.values['CXL_REGION']).to.equal('y');
    expect(before.result.config.values['DEV_DAX_CXL']).to.equal('n');
    expect(decisions(before)).to.deep.equal([`hmem_platform hmem_platform.0: deferring range to CXL: ${prSR(SR)}`]);
    expect(before.result.softReserved.map((s) => s.owner)).to.deep.equal([null]);
    // The region committed, but without dax_cxl nothing turns it into a dax device.
    expect(before.result.dmesg.some((l) => l.includes('cxl region0: committed'))).to.equal(true);
    expect(before.result.daxRegions).to.deep.equal([]);

    const after = await machine('v8/4', 'n');
    expect(decisions(after)).to.deep.equal([]);
    expect(after.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_hmem']);
    expect(after.result.daxRegions.map((d) => d.path)).to.deep.equal(['platform/hmem.1']);
  });

  it('with DEV_DAX_CXL=m nothing changes: both trees leave the range to CXL and dax_cxl owns it', async () => {
    for (const tree of ['v8/3', 'v8/4']) {
      const r = await machine(tree, 'm');
      expect(decisions(r), tree).to.deep.equal([`hmem_platform hmem_platform.0: deferring range to CXL: ${prSR(SR)}`]);
      expect(r.result.softReserved.map((s) => s.owner), tree).to.deep.equal(['dax_cxl']);
    }
  });
});
