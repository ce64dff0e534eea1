// SPDX-License-Identifier: GPL-2.0-only
/**
 * F7 (Jonathan Cameron on v7 4/7): the new error paths of
 * alloc_dax_region() free a kref'd object with kfree() (use
 * dax_region_put(), which became v8 1/9), and dax_region_unregister()
 * tears down in the wrong order: release_resource() of the "DAX Regions"
 * claim comes before sysfs_remove_groups(). v8 6/9 fixes both.
 *
 * The dax_region objects are caught at kzalloc() (trackDaxRegions); their
 * kref, whether their release ran and whether kfree() freed them are read
 * afterwards.
 * The teardown order is read with sinon spies on the resource tree and
 * sysfs.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { kref_read } from '../../framework/include/linux/kref.js';
import { Resources } from '../../framework/kernel/resource.js';
import { Sysfs } from '../../framework/fs/sysfs.js';
import type { resource } from '../../framework/include/linux/ioport.js';
import type { device } from '../../framework/include/linux/device.js';
import { runScenario, type Run } from '../../harness/run.js';
import { baseScenario } from '../../harness/expectations.js';
import { hmemFirst } from '../patches/claims.js';
import { SR, lines, trackDaxRegions } from '../patches/fixture.js';

/** The kref of the nth dax_region allocated (0-based), whether dax_region_free() ran, whether the object was kfree()d, and whether it still holds a "DAX Regions" claim. */
function fate(run: Run, regions: ReturnType<typeof trackDaxRegions>, nth: number) {
  const r = regions[nth]!;
  return { kref: kref_read(r.kref), released: r.dev === null, freed: run.machine!.kernel.slab.isFreed(r), claimed: r.res.parent !== null };
}

/** What becomes of a dax_region whose probe failed: v7/4 kfree()s it with its kref at 1, v8/6 puts it to 0, and its release frees it. */
const FAILED_REGION_FATE = [
  ['v7/4', { kref: 1, released: false, freed: true, claimed: false }],
  ['v8/6', { kref: 0, released: true, freed: true, claimed: false }],
] as const;

describe('F7: dax_region lifetime and teardown order in v7 4/7 (fixed in v8 6/9)', () => {
  it('sysfs_create_groups() fails for hmem.1: v7/4 drops the "DAX Regions" claim and kfree()s the region with its kref at 1, no release; v8/6 releases it through dax_region_put()', async () => {
    const seen = trackDaxRegions();
    for (const [tree, want] of FAILED_REGION_FATE) {
      seen.length = 0;
      const r = await runScenario(baseScenario('E3', tree), { faults: [{ function: 'sysfs_create_groups', match: 'hmem.1' }] });
      expect(lines(r, 'hmem hmem.1: probe with driver hmem failed'), tree).to.deep.equal(['hmem hmem.1: probe with driver hmem failed with error -12']);
      expect(seen, tree).to.have.length(1);
      expect(fate(r, seen, 0), tree).to.deep.equal(want);
    }
  });

  it('the "dax_region resource conflict" path: dax_cxl\'s region over the range HMEM holds is kfree()d with its kref at 1 on v7/4, put to 0 and released on v8/6', async () => {
    const seen = trackDaxRegions();
    for (const [tree, want] of FAILED_REGION_FATE) {
      seen.length = 0;
      const r = await hmemFirst(tree);
      expect(lines(r, 'dax_region resource conflict'), tree).to.deep.equal([`cxl_dax_region dax_region1: dax_region resource conflict for [mem ${SR.start}-${SR.end}]`]);
      // hmem.0's region lives on; the second allocation is dax_cxl's.
      expect(seen, tree).to.have.length(2);
      expect(fate(r, seen, 0), tree).to.deep.equal({ kref: 2, released: false, freed: false, claimed: true });
      expect(fate(r, seen, 1), tree).to.deep.equal(want);
    }
  });

  it('teardown on modprobe -r dax_hmem: v7/4 releases the "DAX Regions" claim before removing the sysfs groups of hmem.1; v8/6 removes the groups first', async () => {
    const order: string[] = [];
    const realRelease = Resources.prototype.release_resource;
    sinon.stub(Resources.prototype, 'release_resource').callsFake(function (this: Resources, old: resource) {
      if (old.parent?.name === 'DAX Regions') order.push('release_resource(DAX Regions)');
      return realRelease.call(this, old);
    });
    const realRemove = Sysfs.prototype.sysfs_remove_groups;
    sinon.stub(Sysfs.prototype, 'sysfs_remove_groups').callsFake(function (this: Sysfs, kobj: device, groups) {
      // device_del() of hmem.1 calls it too, with the platform device's groups: none.
      if (kobj.name === 'hmem.1' && groups) order.push('sysfs_remove_groups(hmem.1)');
      return realRemove.call(this, kobj, groups);
    });
    for (const [tree, want] of [
      ['v7/4', ['release_resource(DAX Regions)', 'sysfs_remove_groups(hmem.1)']],
      ['v8/6', ['sysfs_remove_groups(hmem.1)', 'release_resource(DAX Regions)']],
    ] as const) {
      order.length = 0;
      const r = await runScenario({ ...baseScenario('E3', tree), steps: [{ kind: 'boot' }, { kind: 'modprobe', module: 'dax_hmem', remove: true }] });
      expect(r.machine!.loader.find('dax_hmem'), tree).to.equal(undefined);
      expect(r.result.warnings, tree).to.deep.equal([]);
      expect(order, tree).to.deep.equal(want);
    }
  });
});
