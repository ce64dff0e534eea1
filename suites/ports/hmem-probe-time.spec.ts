// SPDX-License-Identifier: GPL-2.0-only
/**
 * hmem.c before the deferred decision: base (v7.0-rc4), v8 2/9 (Factor),
 * v8 3/9 (request_module), v8 4/9 (DEV_DAX_CXL gate) and their v7 twins,
 * v7 1/7 and v7 2/7. Ownership is decided in the hmem_platform probe, once.
 */
import { expect } from 'chai';
import type { Run } from '../../harness/run.js';
import { CXL_ACPI_EARLY, MODULAR, PR_SR, SR, coverLetter, lines, owner, run } from './fixture.js';

const DEFER = `hmem_platform hmem_platform.0: deferring range to CXL: ${PR_SR}`;

/** Loaded modules, oldest first. */
function loadOrder(r: Run): string[] {
  return r.machine!.loader.modules.map((m) => m.name).reverse();
}

function loaded(r: Run, name: string): boolean {
  return r.machine!.loader.find(name)?.state === 'LIVE';
}

describe('ports: hmem.c at base (v7.0-rc4)', () => {
  it('with CXL_REGION=y leaves a range inside a CXL window to CXL: "deferring range to CXL", no hmem device', async () => {
    const r = await run(coverLetter('base', { config: { CXL_REGION: 'y' } }));
    expect(r.result.config.values['DEV_DAX_CXL']).to.equal('y');
    expect(lines(r, 'deferring range to CXL')).to.deep.equal([DEFER]);
    expect(lines(r, "Registering platform device 'hmem.")).to.deep.equal([]);
    // No region was programmed, so nobody owns the range.
    expect(owner(r)).to.equal(null);
  });

  it('with CXL_REGION=n registers the same range as hmem.N: HMEM owns it', async () => {
    const r = await run(coverLetter('base', { config: { CXL_REGION: 'n' } }));
    expect(lines(r, 'deferring range to CXL')).to.deep.equal([]);
    expect(owner(r)).to.equal('dax_hmem');
    expect(r.result.daxRegions.map((d) => [d.start, d.end, d.owner])).to.deep.equal([[SR.start, SR.end, 'dax_hmem']]);
  });

  it('defers even with DEV_DAX_CXL=n: the gate is CXL_REGION, so the range is left without an owner', async () => {
    const r = await run(coverLetter('base', { config: { CXL_REGION: 'y', DEV_DAX_CXL: 'n' } }));
    expect(lines(r, 'deferring range to CXL')).to.deep.equal([DEFER]);
    expect(owner(r)).to.equal(null);
  });

  it('MODULE_SOFTDEP("pre: cxl_acpi") with CXL_REGION=y: modprobe loads cxl_acpi before dax_hmem, and never cxl_pci', async () => {
    const r = await run({ tree: 'base', config: { ...MODULAR, CXL_REGION: 'y' }, softReserved: [{ ...SR }] });
    const order = loadOrder(r);
    expect(order).to.include('cxl_acpi');
    expect(order.indexOf('cxl_acpi')).to.be.below(order.indexOf('dax_hmem'));
    expect(order).to.not.include('cxl_pci');
  });

  it('no soft dependency with CXL_REGION=n: cxl_acpi is not loaded for dax_hmem', async () => {
    const r = await run({ tree: 'base', config: { ...MODULAR, CXL_REGION: 'n' }, softReserved: [{ ...SR }] });
    expect(loaded(r, 'dax_hmem')).to.equal(true);
    expect(loadOrder(r)).to.not.include('cxl_acpi');
  });
});

describe('ports: hmem.c with v8 2/9 (Factor __hmem_register_device)', () => {
  const cases: Array<[string, Record<string, 'y' | 'm' | 'n'>]> = [
    ['CXL_REGION=y', { CXL_REGION: 'y' }],
    ['CXL_REGION=n', { CXL_REGION: 'n' }],
    ['modular, CXL_REGION=y', { ...MODULAR, CXL_REGION: 'y' }],
  ];
  for (const [name, config] of cases) {
    it(`changes nothing against v8/1 (${name}): same dmesg, /proc/iomem and owners`, async () => {
      const before = await run(coverLetter('v8/1', { config, initramfs: CXL_ACPI_EARLY }));
      const after = await run(coverLetter('v8/2', { config, initramfs: CXL_ACPI_EARLY }));
      expect(after.result.dmesg).to.deep.equal(before.result.dmesg);
      expect(after.result.iomem).to.equal(before.result.iomem);
      expect(after.result.softReserved).to.deep.equal(before.result.softReserved);
    });
  }

  it('keeps the soft dependency on cxl_acpi', async () => {
    const r = await run({ tree: 'v8/2', config: { ...MODULAR, CXL_REGION: 'y' }, softReserved: [{ ...SR }] });
    const order = loadOrder(r);
    expect(order.indexOf('cxl_acpi')).to.be.within(0, order.indexOf('dax_hmem'));
    expect(order).to.not.include('cxl_pci');
  });
});

describe('ports: hmem.c with v8 3/9 / v7 1/7 (request cxl_acpi and cxl_pci)', () => {
  for (const tree of ['v8/3', 'v7/1']) {
    it(`${tree}: dax_hmem's init loads cxl_acpi and then cxl_pci (no CXL device asked udev for them)`, async () => {
      // No CXL window and no memdev: udev has no reason to load any CXL module.
      const r = await run({ tree, config: { ...MODULAR, CXL_REGION: 'y' }, softReserved: [{ ...SR }] });
      const order = loadOrder(r);
      expect(loaded(r, 'cxl_acpi')).to.equal(true);
      expect(loaded(r, 'cxl_pci')).to.equal(true);
      // dax_hmem was already loading (its init asked for them), and cxl_acpi came first.
      expect(order.indexOf('dax_hmem')).to.be.below(order.indexOf('cxl_acpi'));
      expect(order.indexOf('cxl_acpi')).to.be.below(order.indexOf('cxl_pci'));
      expect(owner(r)).to.equal('dax_hmem');
    });

    it(`${tree}: with DEV_DAX_CXL=n nothing is requested and the soft dependency is gone`, async () => {
      const r = await run({ tree, config: { ...MODULAR, CXL_REGION: 'y', DEV_DAX_CXL: 'n' }, softReserved: [{ ...SR }] });
      expect(loaded(r, 'dax_hmem')).to.equal(true);
      expect(loadOrder(r)).to.not.include('cxl_acpi');
      expect(loadOrder(r)).to.not.include('cxl_pci');
    });
  }

  it('v8/3 still gates deferral on CXL_REGION: with DEV_DAX_CXL=n the range is left without an owner', async () => {
    const r = await run(coverLetter('v8/3', { config: { CXL_REGION: 'y', DEV_DAX_CXL: 'n' } }));
    expect(lines(r, 'deferring range to CXL')).to.deep.equal([DEFER]);
    expect(owner(r)).to.equal(null);
  });
});

describe('ports: hmem.c with v8 4/9 / v7 2/7 (gate on DEV_DAX_CXL)', () => {
  for (const tree of ['v8/4', 'v7/2']) {
    it(`${tree}: with CXL_REGION=y but DEV_DAX_CXL=n, HMEM owns a range inside a CXL window right away`, async () => {
      const r = await run(coverLetter(tree, { config: { CXL_REGION: 'y', DEV_DAX_CXL: 'n' } }));
      expect(r.result.config.values['CXL_REGION']).to.equal('y');
      expect(lines(r, 'deferring range to CXL')).to.deep.equal([]);
      expect(owner(r)).to.equal('dax_hmem');
    });

    it(`${tree}: with DEV_DAX_CXL=y the range is still left to CXL`, async () => {
      const r = await run(coverLetter(tree, { config: { CXL_REGION: 'y', DEV_DAX_CXL: 'y' } }));
      expect(lines(r, 'deferring range to CXL')).to.deep.equal([DEFER]);
      expect(owner(r)).to.equal(null);
    });
  }

  it('v8/4 and v8/5 with a committed region: dax_cxl owns the range, HMEM stays out', async () => {
    for (const tree of ['v8/4', 'v8/5']) {
      const r = await run(coverLetter(tree, { config: { CXL_REGION: 'y' }, regions: [{ ...SR, assembly: 'commit' }] }));
      expect(owner(r), tree).to.equal('dax_cxl');
      expect(lines(r, 'deferring range to CXL'), tree).to.deep.equal([DEFER]);
    }
  });
});
