// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v8 9/9] (not merged): __hmem_register_device() inserts each range
 * HMEM registers into iomem_resource as "Soft Reserved" again (a devm
 * action removes it). Since 7.0 only the soft_reserve_resource tree holds
 * them, so without the patch /proc/iomem never shows Soft Reserved.
 * The nesting against "CXL Window 0" per cover-letter scenario is in
 * suites/ports/hmem-soft-reserved-iomem.spec.ts.
 */
import { expect } from 'chai';
import { runBaseScenario } from '../../harness/expectations.js';

const SOFT_RESERVED = /^\s*850000000-284fffffff : Soft Reserved$/m;

describe('[PATCH v8 9/9] dax/hmem: Reintroduce Soft Reserved ranges back into the iomem tree', () => {
  it('a range HMEM owns (failed assembly; CXL_REGION=n) shows as "Soft Reserved" in /proc/iomem on v8/9, and not on v8/8', async () => {
    for (const id of ['E2', 'E3'] as const) {
      const before = await runBaseScenario(id, 'v8/8');
      const after = await runBaseScenario(id, 'v8/9');
      for (const r of [before, after]) expect(r.result.softReserved.map((s) => s.owner), id).to.deep.equal(['dax_hmem']);
      expect(before.result.iomem, `${id} on v8/8`).to.not.match(SOFT_RESERVED);
      expect(after.result.iomem, `${id} on v8/9`).to.match(SOFT_RESERVED);
      expect(after.result.iomem.match(/Soft Reserved/g), id).to.have.length(1);
    }
  });

  it('a range CXL keeps is not published: with a committed region /proc/iomem is the same on v8/8 and v8/9', async () => {
    const before = await runBaseScenario('E1', 'v8/8');
    const after = await runBaseScenario('E1', 'v8/9');
    expect(after.result.iomem).to.equal(before.result.iomem);
    expect(after.result.iomem).to.not.include('Soft Reserved');
  });
});
