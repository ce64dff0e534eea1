// SPDX-License-Identifier: GPL-2.0-only
/**
 * Claims shared by a v8 patch and its v7 twin, run on (tree before the
 * patch, tree after it): v8 6/9 and v7 4/7 both put every dax_region in
 * the "DAX Regions" resource tree.
 */
import { expect } from 'chai';
import type { Run } from '../../harness/run.js';
import { runBaseScenario } from '../../harness/expectations.js';
import { MODULAR, SR, boot, lines } from './fixture.js';

/**
 * HMEM takes the range first: dax_hmem is in the initramfs and cxl_acpi
 * is not, so its request_module("cxl_acpi") finds nothing, no window
 * exists at the walk, and hmem.0 gets the range. After the real root is
 * mounted the region commits and dax_cxl asks for the same range.
 */
export function hmemFirst(tree: string): Promise<Run> {
  return boot({
    tree,
    config: { ...MODULAR, CXL_REGION: 'y', DEV_DAX_CXL: 'm' },
    softReserved: [{ ...SR, nid: 1 }],
    cfmws: [{ ...SR }],
    regions: [{ ...SR, assembly: 'commit' }],
    initramfs: ['dax', 'dax_hmem', 'device_dax', 'kmem'],
  });
}

export function daxRegionsTreeClaims(before: string, after: string): void {
  it(`a second alloc_dax_region() over a range HMEM holds: ${before} builds a second dax region (the range is claimed twice, kmem fails -EBUSY); ${after} refuses it, "dax_region resource conflict", and dax_cxl's probe fails with -12`, async () => {
    const twice = await hmemFirst(before);
    expect(twice.result.daxRegions.map((d) => [d.owner, d.start, d.end])).to.deep.equal([
      ['dax_hmem', SR.start, SR.end],
      ['dax_cxl', SR.start, SR.end],
    ]);
    expect(lines(twice, 'kmem dax1.0: probe with driver kmem failed')).to.deep.equal(['kmem dax1.0: probe with driver kmem failed with error -16']);
    expect(lines(twice, 'dax_region resource conflict')).to.deep.equal([]);

    const once = await hmemFirst(after);
    expect(once.result.daxRegions.map((d) => [d.owner, d.path])).to.deep.equal([['dax_hmem', 'platform/hmem.0']]);
    expect(lines(once, 'cxl_dax_region dax_region1: ')).to.include.members([
      `cxl_dax_region dax_region1: dax_region resource conflict for [mem ${SR.start}-${SR.end}]`,
      'cxl_dax_region dax_region1: probe with driver cxl_dax_region failed with error -12',
    ]);
    expect(once.result.warnings).to.deep.equal([]);
  });

  it(`dax regions over disjoint ranges do not conflict: HMEM's range outside the window and CXL's committed region (base expectation E5) on ${after}`, async () => {
    const r = await runBaseScenario('E5', after);
    expect(r.result.daxRegions.map((d) => [d.owner, d.start])).to.deep.equal([
      ['dax_cxl', SR.start],
      ['dax_hmem', '0x3000000000'],
    ]);
    expect(lines(r, 'dax_region resource conflict')).to.deep.equal([]);
  });
}
