// SPDX-License-Identifier: GPL-2.0-only
/**
 * Claims of "dax/hmem: Gate Soft Reserved deferral on DEV_DAX_CXL"
 * ([PATCH v8 4/9], mainline edfcf1e21e79, and the same change as
 * [PATCH v7 2/7]), run on (tree before the patch, tree after it):
 * hmem_register_device() leaves a range to CXL only if
 * IS_ENABLED(CONFIG_DEV_DAX_CXL), no longer merely if CONFIG_CXL_REGION:
 * without dax_cxl nobody would ever take it.
 *
 * On v8 the test sits in hmem_register_device() above the factored-out
 * __hmem_register_device() (v8 2/9); on v7 in the one unsplit function.
 * The claims only look at what the boot shows, so both run them:
 * v8/3 -> v8/4 and v7/1 -> v7/2.
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

/** The `it`s of the patch, `before` being the tree without it and `after` the tree with it. */
export function gateOnDevDaxCxlClaims(before: string, after: string): void {
  it(`CXL_REGION=y, DEV_DAX_CXL=n: ${before} says "deferring range to CXL" and the range stays without an owner; ${after} registers it with HMEM at once`, async () => {
    const without = await machine(before, 'n');
    expect(without.result.config.values['CXL_REGION']).to.equal('y');
    expect(without.result.config.values['DEV_DAX_CXL']).to.equal('n');
    expect(decisions(without)).to.deep.equal([`hmem_platform hmem_platform.0: deferring range to CXL: ${prSR(SR)}`]);
    expect(without.result.softReserved.map((s) => s.owner)).to.deep.equal([null]);
    // The region committed, but without dax_cxl nothing turns it into a dax device.
    expect(without.result.dmesg.some((l) => l.includes("cxl_region region0: driver: 'cxl_region': driver_bound: bound to device"))).to.equal(true);
    expect(without.result.daxRegions).to.deep.equal([]);

    const withIt = await machine(after, 'n');
    expect(decisions(withIt)).to.deep.equal([]);
    expect(withIt.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_hmem']);
    expect(withIt.result.daxRegions.map((d) => d.path)).to.deep.equal(['platform/hmem.1']);
  });

  it('with DEV_DAX_CXL=m nothing changes: both trees leave the range to CXL and dax_cxl owns it', async () => {
    for (const tree of [before, after]) {
      const r = await machine(tree, 'm');
      expect(decisions(r), tree).to.deep.equal([`hmem_platform hmem_platform.0: deferring range to CXL: ${prSR(SR)}`]);
      expect(r.result.softReserved.map((s) => s.owner), tree).to.deep.equal(['dax_cxl']);
    }
  });
}
