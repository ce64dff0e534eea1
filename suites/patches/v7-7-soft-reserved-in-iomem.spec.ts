// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v7 7/7] (not merged), v8 9/9's precursor: the range HMEM
 * registers goes back into iomem as "Soft Reserved" (v7 allocates it with
 * kmalloc(sizeof(*res)), which Jonathan asked to turn into kmalloc_obj();
 * the same size, nothing to see). On v7 the insertion sits in
 * hmem_register_device() itself, behind v7 6/7's fall-through (F2), so
 * after a reload of dax_hmem it publishes Soft Reserved over a range a
 * committed CXL region holds.
 */
import { expect } from 'chai';
import { runBaseScenario } from '../../harness/expectations.js';
import { CXL_ACPI_EARLY, MODULAR, SR, boot, iomem } from './fixture.js';

const RANGE = '850000000-284fffffff';
const RELOAD = ['boot', 'modprobe -r dax_cxl', 'modprobe -r dax_hmem', 'modprobe dax_hmem', 'modprobe dax_cxl'];

describe('[PATCH v7 7/7] dax/hmem: Reintroduce Soft Reserved ranges back into the iomem tree', () => {
  it('against v7/6: the range HMEM registers after a failed assembly shows as "Soft Reserved" above CXL Window 0', async () => {
    const before = await runBaseScenario('E2', 'v7/6');
    expect(before.result.iomem).to.not.include('Soft Reserved');
    const after = await runBaseScenario('E2', 'v7/7');
    expect(iomem(after).slice(0, 2)).to.deep.equal([`${RANGE} : Soft Reserved`, `  ${RANGE} : CXL Window 0`]);
  });

  it('after a reload of dax_hmem (F2), v7/7 publishes Soft Reserved over committed region0 and HMEM holds it; v8/9 leaves region0 to dax_cxl and publishes nothing', async () => {
    const machine = (tree: string) =>
      boot({ tree, config: { ...MODULAR, CXL_REGION: 'y' }, softReserved: [{ ...SR, nid: 1 }], cfmws: [{ ...SR }], regions: [{ ...SR, assembly: 'commit' }], initramfs: CXL_ACPI_EARLY, steps: RELOAD });
    const v7 = await machine('v7/7');
    expect(v7.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_hmem']);
    expect(iomem(v7).slice(0, 3)).to.deep.equal([`${RANGE} : Soft Reserved`, `  ${RANGE} : CXL Window 0`, `    ${RANGE} : region0`]);

    const v8 = await machine('v8/9');
    expect(v8.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_cxl']);
    expect(iomem(v8)).to.deep.equal([`${RANGE} : CXL Window 0`, `  ${RANGE} : region0`, `    ${RANGE} : dax0.0`, `      ${RANGE} : System RAM (kmem)`]);
  });
});
