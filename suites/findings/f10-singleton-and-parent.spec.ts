// SPDX-License-Identifier: GPL-2.0-only
/**
 * F10 (found while writing Dan's cxl_test takeover test, DAN-T): v8 has
 * one static dax_hmem_work, bound to the first hmem_platform device that
 * probes, and one global dax_hmem_initial_probe. With cxl_test's second
 * device hmem_platform.1 (hmem_test=1), the work walks hmem_platform.0's
 * ranges only, so hmem_platform.1's range is announced ("await CXL initial
 * probe") and never decided. f8dc1bde1873 gives each hmem_platform device
 * its own work and did_probe; 059edcc405e4 makes hmem.N a child of its
 * host, so an HMEM dax region's path names hmem_platform.N, which is what
 * the test's `daxctl list -R` filter looks for.
 *
 * The machine: hmem_test=1 (its range is the first half of CXL Window 0),
 * one Soft Reserved range outside every window so that hmem_platform.0
 * exists and probes first, and CXL Window 0 with an auto region over the
 * whole window.
 */
import { expect } from 'chai';
import type { Run } from '../../harness/run.js';
import { CXL_ACPI_EARLY, MODULAR, SR, boot, decisions } from '../patches/fixture.js';

const OUTSIDE = { start: '0x3000000000', end: '0x30ffffffff' };
/** What hmem_test reports for hmem_platform.1: the first half of window 0 (not busy, so %pr shows flags 0x200). */
const TEST_RANGE = '[mem 0x850000000-0x184fffffff flags 0x200]';

function hmemTest(tree: string, assembly: 'commit' | 'fail'): Promise<Run> {
  return boot({
    tree,
    hmemTest: true,
    config: { ...MODULAR, CXL_REGION: 'y', DEV_DAX_CXL: 'm' },
    softReserved: [{ ...OUTSIDE, nid: 0 }],
    cfmws: [{ ...SR }],
    regions: [{ ...SR, assembly }],
    initramfs: CXL_ACPI_EARLY,
  });
}

const pathsWith = (r: Run, part: string) => r.result.daxRegions.map((d) => d.path).filter((p) => p.split('/').includes(part));

describe('F10: singleton confusion between dax_hmem_work and hmem devices, and unparented hmem devices (v8, fixed in mainline)', () => {
  it('v8/8: hmem_platform.1\'s range is announced with "await CXL initial probe" and never decided: no "CXL claims resource" for hmem_platform.1', async () => {
    const r = await hmemTest('v8/8', 'commit');
    expect(decisions(r)).to.deep.equal([`hmem_platform hmem_platform.1: await CXL initial probe: ${TEST_RANGE}`]);
    expect(r.result.dmesg.some((l) => l.includes('hmem_platform hmem_platform.1: CXL claims resource'))).to.equal(false);
  });

  it('mainline: hmem_platform.1\'s own work decides its range: "hmem_platform hmem_platform.1: CXL claims resource, dropping"', async () => {
    const r = await hmemTest('mainline', 'commit');
    expect(decisions(r)).to.deep.equal([`hmem_platform hmem_platform.1: await CXL initial probe: ${TEST_RANGE}`, `hmem_platform hmem_platform.1: CXL claims resource, dropping: ${TEST_RANGE}`]);
    // cxl_test's mock walk (tools/testing/cxl/test/cxl.c) says what it reports, once per walk: at probe and in the work.
    expect(r.result.dmesg.filter((l) => l.endsWith(`hmem_platform hmem_platform.1: walk cxl_test resource: ${TEST_RANGE}`))).to.have.length(2);
    expect(r.result.warnings).to.deep.equal([]);
    expect(r.result.leaks).to.deep.equal([]);
  });

  it('DAN-T (b), fail_autoassemble: mainline registers hmem_platform.1\'s range under hmem_platform.1 (exactly one dax region there); v8/8 never registers it', async () => {
    const main = await hmemTest('mainline', 'fail');
    expect(decisions(main)).to.include(`hmem_platform hmem_platform.1: CXL did not claim resource, registering: ${TEST_RANGE}`);
    expect(pathsWith(main, 'hmem_platform.1')).to.have.length(1);
    expect(pathsWith(main, 'hmem_platform.1')[0]).to.match(/^platform\/hmem_platform\.1\/hmem\.\d+$/);

    const v8 = await hmemTest('v8/8', 'fail');
    expect(decisions(v8).filter((l) => l.startsWith('hmem_platform hmem_platform.1: CXL'))).to.deep.equal([]);
    expect(pathsWith(v8, 'hmem_platform.1')).to.deep.equal([]);
  });

  it('the outcome names hmem_test\'s range as a Soft Reserved range of its own, so the explorer and kshim compare tell v8/8 (never decided: none) from mainline (HMEM, with the failed assembly)', async () => {
    const owners = async (tree: string) => (await hmemTest(tree, 'fail')).result.softReserved.map((r) => [r.start, r.end, r.owner]);
    // The firmware's range outside the windows first, then the first half of window 0 that hmem_test reports for hmem_platform.1.
    expect(await owners('mainline')).to.deep.equal([[OUTSIDE.start, OUTSIDE.end, 'dax_hmem'], ['0x850000000', '0x184fffffff', 'dax_hmem']]);
    expect(await owners('v8/8')).to.deep.equal([[OUTSIDE.start, OUTSIDE.end, 'dax_hmem'], ['0x850000000', '0x184fffffff', null]]);
  });

  it('059edcc405e4: mainline\'s HMEM dax regions sit under their host ("hmem_platform.N/hmem.M"); v8/8\'s sit directly on the platform bus', async () => {
    const main = await hmemTest('mainline', 'commit');
    const v8 = await hmemTest('v8/8', 'commit');
    const hmemPaths = (r: Run) => r.result.daxRegions.filter((d) => d.owner === 'dax_hmem').map((d) => d.path);
    expect(hmemPaths(main)).to.have.length(1);
    expect(hmemPaths(main)[0]).to.match(/^platform\/hmem_platform\.0\/hmem\.\d+$/);
    expect(hmemPaths(v8)).to.have.length(1);
    expect(hmemPaths(v8)[0]).to.match(/^platform\/hmem\.\d+$/);
    // DAN-T (a): a region under the CXL root, none under hmem_platform.1.
    for (const r of [main, v8]) {
      expect(r.result.daxRegions.filter((d) => d.owner === 'dax_cxl').map((d) => d.path)).to.deep.equal(['platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0']);
      expect(pathsWith(r, 'hmem_platform.1')).to.deep.equal([]);
    }
  });
});
