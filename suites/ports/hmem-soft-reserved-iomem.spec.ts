// SPDX-License-Identifier: GPL-2.0-only
/**
 * hmem.c with v8 9/9 / v7 7/7 (not merged): ranges HMEM registers are put
 * back into /proc/iomem as "Soft Reserved", in the nesting the cover
 * letter shows for its scenarios [2] and [3] (series.md §3).
 */
import { expect } from 'chai';
import { CXL_ACPI_EARLY, MODULAR, SR, coverLetter, iomem, lines, owner, run } from './fixture.js';

const RANGE = '850000000-284fffffff';

/**
 * [2]: CXL_REGION=n, so DEV_DAX_CXL=n and dax_hmem requests nothing.
 * dax_hmem (with the dax core and kmem) is in the initramfs and cxl_acpi
 * is not, so HMEM inserts Soft Reserved before cxl_acpi publishes the
 * window, as in the cover letter.
 */
function scenario2(tree: string) {
  return coverLetter(tree, { config: { ...MODULAR, CXL_REGION: 'n' }, initramfs: ['dax', 'dax_hmem', 'device_dax', 'kmem'] });
}

/** [3]: the auto region misses a member; the deferred decision gives the range to HMEM after the window exists. */
function scenario3(tree: string, steps?: string[]) {
  return coverLetter(tree, {
    config: { ...MODULAR, CXL_REGION: 'y' },
    initramfs: CXL_ACPI_EARLY,
    regions: [{ ...SR, assembly: 'fail' }],
    ...(steps ? { steps } : {}),
  });
}

describe('ports: hmem.c with v8 9/9 / v7 7/7 (Soft Reserved back in iomem)', () => {
  for (const tree of ['v8/9', 'v7/7']) {
    it(`${tree}, cover letter [2] (CXL_REGION=n): CXL Window 0 > Soft Reserved > dax0.0 > System RAM (kmem)`, async () => {
      const r = await run(scenario2(tree));
      expect(r.result.config.values['DEV_DAX_CXL']).to.equal('n');
      expect(owner(r)).to.equal('dax_hmem');
      expect(iomem(r)).to.deep.equal([
        `${RANGE} : CXL Window 0`,
        `  ${RANGE} : Soft Reserved`,
        `    ${RANGE} : dax0.0`,
        `      ${RANGE} : System RAM (kmem)`,
      ]);
    });

    it(`${tree}, cover letter [3] (assembly failure): Soft Reserved > CXL Window 0 > region0 > daxN.0 > System RAM (kmem)`, async () => {
      const r = await run(scenario3(tree));
      expect(owner(r)).to.equal('dax_hmem');
      const id = r.result.daxRegions[0]!.id;
      expect(iomem(r)).to.deep.equal([
        `${RANGE} : Soft Reserved`,
        `  ${RANGE} : CXL Window 0`,
        `    ${RANGE} : region0`,
        `      ${RANGE} : dax${id}.0`,
        `        ${RANGE} : System RAM (kmem)`,
      ]);
    });
  }

  it('v8/8 and mainline never publish Soft Reserved in iomem, in either scenario', async () => {
    for (const tree of ['v8/8', 'mainline']) {
      for (const r of [await run(scenario2(tree)), await run(scenario3(tree))]) {
        expect(owner(r), tree).to.equal('dax_hmem');
        expect(r.result.iomem, tree).to.not.include('Soft Reserved');
      }
    }
  });

  it('v8/9: a range CXL keeps is not published (cover letter [1])', async () => {
    const r = await run(coverLetter('v8/9', { config: { ...MODULAR, CXL_REGION: 'y' }, initramfs: CXL_ACPI_EARLY, regions: [{ ...SR, assembly: 'commit' }] }));
    expect(owner(r)).to.equal('dax_cxl');
    expect(iomem(r)).to.deep.equal([
      `${RANGE} : CXL Window 0`,
      `  ${RANGE} : region0`,
      `    ${RANGE} : dax0.0`,
      `      ${RANGE} : System RAM (kmem)`,
    ]);
  });

  it('v8/9: unloading dax_hmem releases the host devres, which takes Soft Reserved out of iomem again', async () => {
    const r = await run(scenario3('v8/9', ['boot', 'modprobe -r dax_cxl', 'modprobe -r dax_hmem']));
    expect(r.machine!.loader.find('dax_hmem')).to.equal(undefined);
    expect(iomem(r)).to.deep.equal([`${RANGE} : CXL Window 0`, `  ${RANGE} : region0`]);
    expect(r.result.warnings).to.deep.equal([]);
  });

  it('v8/9: a range that straddles a window cannot be inserted, so HMEM silently leaves it unowned (v8/8 registers it)', async () => {
    // The window starts below the Soft Reserved range and ends inside it.
    const straddle = (tree: string) =>
      coverLetter(tree, { config: { ...MODULAR, CXL_REGION: 'y' }, initramfs: CXL_ACPI_EARLY, cfmws: [{ start: '0x800000000', end: '0x104fffffff' }] });
    const v9 = await run(straddle('v8/9'));
    expect(lines(v9, 'CXL did not claim resource, registering')).to.have.length(1);
    expect(owner(v9)).to.equal(null);
    expect(v9.result.iomem).to.not.include('Soft Reserved');
    expect(v9.result.dmesg.filter((l) => / hmem(_platform)? hmem/.test(l) && /fail|error/i.test(l))).to.deep.equal([]);
    const v8 = await run(straddle('v8/8'));
    expect(owner(v8)).to.equal('dax_hmem');
  });
});
