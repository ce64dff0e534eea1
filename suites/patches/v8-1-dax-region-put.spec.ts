// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v8 1/9] (mainline 14f2e2ebf311): when sysfs_create_groups() fails
 * in alloc_dax_region(), the half-built dax_region is dropped with
 * dax_region_put() instead of kfree(), so its kref release,
 * dax_region_free(), is what frees it. Nothing else changes: the probe
 * fails with -ENOMEM either way.
 *
 * The machine is base expectation E3's (CONFIG_CXL_REGION=n, HMEM
 * registers the cover letter's range as hmem.1 at once), with
 * sysfs_create_groups() failing for hmem.1.
 */
import { expect } from 'chai';
import { kref_read } from '../../framework/include/linux/kref.js';
import { runScenario, type Run } from '../../harness/run.js';
import { baseScenario } from '../../harness/expectations.js';
import type { FaultRule } from '../../framework/kernel/fail_function.js';
import { lines, trackDaxRegions } from './fixture.js';

const SYSFS_FAILS: FaultRule[] = [{ function: 'sysfs_create_groups', match: 'hmem.1' }];

async function sysfsFails(tree: string): Promise<Run> {
  return await runScenario(baseScenario('E3', tree), { faults: SYSFS_FAILS });
}

describe('[PATCH v8 1/9] dax/bus: Use dax_region_put() in alloc_dax_region() error path', () => {
  it('sysfs_create_groups() failing for hmem.1: v8/1 drops the dax_region with dax_region_put(), so dax_region_free() runs and the kref is 0; base kfree()s it with the kref still at 1', async () => {
    const seen = trackDaxRegions();
    const before = await sysfsFails('base');
    expect(seen, 'base: dax_regions allocated').to.have.length(1);
    const [leftAlive] = seen.splice(0);
    expect(kref_read(leftAlive!.kref), 'base: kref after the error path').to.equal(1);
    expect(leftAlive!.dev, 'base: dax_region_free() never ran').to.not.equal(null);

    const after = await sysfsFails('v8/1');
    expect(seen, 'v8/1: dax_regions allocated').to.have.length(1);
    expect(kref_read(seen[0]!.kref), 'v8/1: kref after the error path').to.equal(0);
    expect(seen[0]!.dev, 'v8/1: dax_region_free() cleared ->dev').to.equal(null);

    for (const r of [before, after]) {
      expect(lines(r, 'FAULT_INJECTION: forcing a failure of sysfs_create_groups')).to.deep.equal(['FAULT_INJECTION: forcing a failure of sysfs_create_groups(hmem.1): -12']);
    }
  });

  it('no functional change: on both trees hmem.1 fails its probe with -12, the range has no owner, and dmesg is the same', async () => {
    const before = await sysfsFails('base');
    const after = await sysfsFails('v8/1');
    for (const r of [before, after]) {
      expect(lines(r, 'probe with driver hmem failed')).to.deep.equal(['hmem hmem.1: probe with driver hmem failed with error -12']);
      expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal([null]);
      expect(r.result.daxRegions).to.deep.equal([]);
      expect(r.result.warnings).to.deep.equal([]);
      expect(r.result.leaks).to.deep.equal([]);
    }
    expect(after.result.dmesg).to.deep.equal(before.result.dmesg);
  });
});
