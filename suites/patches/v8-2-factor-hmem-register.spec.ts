// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v8 2/9] (mainline 116be1e112cb) splits hmem_register_device()
 * into the policy (the CXL overlap check, still gated on CXL_REGION) and
 * __hmem_register_device() (the Soft Reserved check and the "hmem"
 * platform device). No functional change: every machine of the base
 * expectations boots byte for byte the same on v8/1 and v8/2.
 */
import { expect } from 'chai';
import { BASE_SCENARIOS, runBaseScenario, type BaseScenarioId } from '../../harness/expectations.js';
import type { RunResult } from '../../harness/run.js';

/** What must not change: owners, dax regions, /proc/iomem, WARNs, leaks and dmesg. */
function visible(r: RunResult) {
  return { softReserved: r.softReserved, daxRegions: r.daxRegions, iomem: r.iomem, warnings: r.warnings, leaks: r.leaks, dmesg: r.dmesg };
}

describe('[PATCH v8 2/9] dax/hmem: Factor HMEM registration into __hmem_register_device()', () => {
  for (const id of Object.keys(BASE_SCENARIOS) as BaseScenarioId[]) {
    it(`${id} (${String(BASE_SCENARIOS[id].description)}): owners, /proc/iomem, WARNs and dmesg are identical on v8/1 and v8/2`, async () => {
      const before = visible((await runBaseScenario(id, 'v8/1')).result);
      const after = visible((await runBaseScenario(id, 'v8/2')).result);
      expect(after).to.deep.equal(before);
      expect(after.dmesg.length).to.be.above(50);
    });
  }
});
