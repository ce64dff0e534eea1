// SPDX-License-Identifier: GPL-2.0-only
/**
 * Claims of "cxl/region: Add helper to check Soft Reserved containment by
 * CXL regions" ([PATCH v8 7/9], mainline 8e65f99b525b, and the same change
 * as [PATCH v7 5/7]), run on (tree before the patch, tree after it):
 * cxl_core exports cxl_region_contains_resource(res), true iff a region on
 * the cxl bus is in CXL_CONFIG_COMMIT and its p->res fully contains res.
 * The claims call the exported function on a booted machine, from a
 * kernel task, with ranges placed around one committed and one
 * uncommitted region.
 *
 * Nobody calls the helper before the next patch, and v7/4 differs from
 * v8/6 only where these machines never go: bus.c's error and teardown
 * paths (v8 1/9, and v7 4/7 against v8 6/9: review finding F7) and
 * v8 2/9, which changes nothing visible. So v8/6 -> v8/7 and v7/4 ->
 * v7/5 both run them. What the helper answers only exists on the tree
 * after the patch, so the last two claims boot that tree alone.
 */
import { expect } from 'chai';
import { IORESOURCE_MEM, resource } from '../../framework/include/linux/ioport.js';
import type { Run } from '../../harness/run.js';
import { CXL_ACPI_EARLY, MODULAR, boot } from './fixture.js';

const W0 = { start: '0x850000000', end: '0x284fffffff' };
const REGION0 = { start: '0x850000000', end: '0x104fffffff' };
const W1 = { start: '0x3000000000', end: '0x30ffffffff' };

/** Window 0 with region0 committed over its first 8 GiB; window 1 with region1, whose assembly fails. */
function machine(tree: string): Promise<Run> {
  return boot({
    tree,
    config: { ...MODULAR, CXL_REGION: 'y', DEV_DAX_CXL: 'm' },
    cfmws: [W0, W1],
    regions: [
      { ...REGION0, assembly: 'commit' },
      { ...W1, assembly: 'fail' },
    ],
    initramfs: CXL_ACPI_EARLY,
  });
}

/** Call cxl_region_contains_resource() as a kernel task would, for [start, end]. */
async function contains(r: Run, start: number, end: number): Promise<boolean> {
  const m = r.machine!;
  const sym = m.loader.symbols.find('cxl_region_contains_resource');
  expect(sym, 'cxl_region_contains_resource is exported').to.not.equal(undefined);
  const fn = sym!.value as (res: resource) => Promise<boolean>;
  let answer: boolean | null = null;
  await m.kernel.run(async () => {
    answer = await fn(new resource({ start, end, name: 'Soft Reserved', flags: IORESOURCE_MEM }));
  }, 'contains-test');
  return answer!;
}

const n = (hex: string) => Number.parseInt(hex.slice(2), 16);
const GiB = 0x40000000;

/** The `it`s of the patch, `before` being the tree without it and `after` the tree with it. */
export function cxlRegionContainsResourceClaims(before: string, after: string): void {
  it(`${after}: cxl_core exports cxl_region_contains_resource (GPL); ${before} has no such symbol`, async () => {
    const without = await machine(before);
    expect(without.machine!.loader.symbols.find('cxl_region_contains_resource')).to.equal(undefined);
    const withIt = await machine(after);
    const sym = withIt.machine!.loader.symbols.find('cxl_region_contains_resource');
    expect(sym?.owner).to.equal('cxl_core');
    expect(sym?.decl.gpl).to.equal(true);
    expect(withIt.result.dmesg.some((l) => l.includes("cxl_region region0: driver: 'cxl_region': driver_bound: bound to device"))).to.equal(true);
    expect(withIt.result.dmesg.some((l) => l.includes("cxl_region region1: driver: 'cxl_region': driver_bound: bound to device"))).to.equal(false);
  });

  it('true only for a range that a committed region fully contains: the region itself or a part of it', async () => {
    const r = await machine(after);
    expect(await contains(r, n(REGION0.start), n(REGION0.end)), 'region0 exactly').to.equal(true);
    expect(await contains(r, n(REGION0.start) + GiB, n(REGION0.start) + 2 * GiB - 1), '1 GiB inside region0').to.equal(true);
  });

  it('false for partial overlap, for the part of the window no region covers, for a range larger than the region, and for an uncommitted region', async () => {
    const r = await machine(after);
    expect(await contains(r, n(REGION0.end) - GiB + 1, n(REGION0.end) + GiB), 'straddles the end of region0').to.equal(false);
    expect(await contains(r, n(REGION0.end) + 1, n(W0.end)), 'the rest of window 0').to.equal(false);
    expect(await contains(r, n(W0.start), n(W0.end)), 'all of window 0').to.equal(false);
    expect(await contains(r, n(W1.start), n(W1.end)), 'region1, never committed').to.equal(false);
    expect(await contains(r, n(W1.start), n(W1.start) + GiB - 1), 'inside region1').to.equal(false);
  });
}
