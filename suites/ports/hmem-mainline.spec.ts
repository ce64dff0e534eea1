// SPDX-License-Identifier: GPL-2.0-only
/**
 * What mainline changed in hmem.c after v8 8/9 that shows from outside:
 * hmem.N devices are children of their hmem_platform host (059edcc405e4),
 * so an HMEM dax region's sysfs path names hmem_platform.N, which is what
 * the cxl-dax-hmem.sh test filters on.
 */
import { expect } from 'chai';
import { runScenario } from '../../harness/run.js';
import { validateScenario } from '../../harness/scenario.js';
import { CXL_ACPI_EARLY, MODULAR, SR, coverLetter, lines, owner, run } from './fixture.js';

describe('ports: hmem.c in mainline against v8 8/9', () => {
  it('mainline: hmem.N is a child of hmem_platform.0 (path hmem_platform.0/hmem.N); v8/8: a child of the platform bus', async () => {
    const config = { ...MODULAR, CXL_REGION: 'y' } as const;
    const machine = (tree: string) => coverLetter(tree, { config, initramfs: CXL_ACPI_EARLY, regions: [{ ...SR, assembly: 'fail' }] });

    const main = await run(machine('mainline'));
    expect(owner(main)).to.equal('dax_hmem');
    const [mainPath] = main.result.daxRegions.map((d) => d.path);
    expect(mainPath).to.match(/^platform\/hmem_platform\.0\/hmem\.\d+$/);
    expect(lines(main, "Registering platform device 'hmem.")).to.deep.equal([`Registering platform device '${mainPath!.split('/')[2]}'. Parent at hmem_platform.0`]);

    const v8 = await run(machine('v8/8'));
    expect(owner(v8)).to.equal('dax_hmem');
    const [v8Path] = v8.result.daxRegions.map((d) => d.path);
    expect(v8Path).to.match(/^platform\/hmem\.\d+$/);
    expect(v8Path).to.not.include('hmem_platform');
  });

  it('the same decisions as v8/8 on the cover letter machines: CXL keeps a committed region, HMEM takes a failed one', async () => {
    for (const assembly of ['commit', 'fail'] as const) {
      const owners = [];
      for (const tree of ['v8/8', 'mainline']) {
        const r = await run(coverLetter(tree, { config: { ...MODULAR, CXL_REGION: 'y' }, initramfs: CXL_ACPI_EARLY, regions: [{ ...SR, assembly }] }));
        expect(r.result.warnings, tree).to.deep.equal([]);
        expect(r.result.leaks, tree).to.deep.equal([]);
        owners.push(owner(r));
      }
      expect(owners, assembly).to.deep.equal(assembly === 'commit' ? ['dax_cxl', 'dax_cxl'] : ['dax_hmem', 'dax_hmem']);
    }
  });

  it('device.c: when registering the static hmem_platform.0 fails, mainline logs once and keeps its reference (no put of a device without release()); the next range registers it again, which kobject_init reports', async () => {
    const twoRanges = (tree: string) =>
      validateScenario({ tree, firmware: { softReserved: [{ start: '0x100000000', end: '0x13fffffff' }, { start: '0x200000000', end: '0x23fffffff' }] } }, `${tree}.json`);
    const failFirstAdd = [{ function: 'platform_device_add', match: 'hmem_platform.0', times: 1 }];

    const main = await runScenario(twoRanges('mainline'), { faults: failFirstAdd });
    expect(main.result.dmesg.filter((l) => l.includes('failed to register device-dax hmem_platform device'))).to.have.length(1);
    expect(main.result.dmesg.join('\n')).to.not.contain('does not have a release() function');
    expect(main.result.warnings.map((w) => w.message)).to.deep.equal(['kobject (hmem_platform.0): tried to init an initialized object, something is seriously wrong.']);
    expect(main.result.softReserved.map((r) => r.owner)).to.deep.equal(['dax_hmem', 'dax_hmem']);

    // Before the series the device came from platform_device_alloc(): the failed one is put (and released), the next range allocates a new one.
    const base = await runScenario(twoRanges('base'), { faults: failFirstAdd });
    expect(base.result.warnings).to.deep.equal([]);
    expect(base.result.softReserved.map((r) => r.owner)).to.deep.equal(['dax_hmem', 'dax_hmem']);
  });
});

