// SPDX-License-Identifier: GPL-2.0-only
/**
 * Claims of "dax/hmem: Request cxl_acpi and cxl_pci before walking Soft
 * Reserved ranges" ([PATCH v8 3/9], mainline 7b4bcaadfe00, and the same
 * change as [PATCH v7 1/7]), run on (tree before the patch, tree after it):
 * dax_hmem_init() calls request_module("cxl_acpi") and
 * request_module("cxl_pci") when DEV_DAX_CXL is enabled, instead of
 * MODULE_SOFTDEP("pre: cxl_acpi"); and DEV_DAX_CXL gains
 * `depends on CXL_ACPI >= DEV_DAX_HMEM` and `depends on CXL_PCI >= DEV_DAX_HMEM`.
 *
 * None of them needs v8 2/9 (the "Factor" patch): v8 runs them on
 * v8/2 -> v8/3, v7 on base -> v7/1.
 *
 * To see what dax_hmem's own init loads, udev is made slow (2 s) to act
 * on the ACPI and PCI uevents (sinon on Timing.udevDelay), so that only
 * dax_hmem (hmem_platform.0's "platform:hmem_platform" alias) is loaded
 * at once when the real root is mounted.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { Timing } from '../../framework/sim/timing.js';
import { resolveConfig, type Run } from '../../harness/run.js';
import { findTree } from '../../trees/index.js';
import { MODULAR, SR, at, boot, loadOrder, prSR } from './fixture.js';

const CONFIG = { ...MODULAR, CXL_REGION: 'y' } as const;

/** udev handles ACPI and PCI uevents 2 s late; everything else as usual. */
function slowUdevForAcpiAndPci(): void {
  const real = Timing.prototype.udevDelay;
  sinon.stub(Timing.prototype, 'udevDelay').callsFake(function (this: Timing, modalias: string) {
    return /^(acpi|pci):/.test(modalias) ? 2000 : real.call(this, modalias);
  });
}

/** The cover letter machine with its committed region (two CXL memdevs on PCI), every module loaded from the real root. */
function coverLetter(tree: string) {
  return boot({ tree, config: { ...CONFIG }, softReserved: [{ ...SR, nid: 1 }], cfmws: [{ ...SR }], regions: [{ ...SR, assembly: 'commit' }] }, { trace: true });
}

/** The load of `name` (by the modprobe request_module() runs) happened inside dax_hmem's load: dax_hmem's init asked for it. */
function loadedFromDaxHmemInit(r: Run, name: string): boolean {
  const spans = r.machine!.kernel.sched.trace.spans.filter((s) => s.kind === 'module');
  const outer = spans.find((s) => s.name === 'dax_hmem');
  const inner = spans.find((s) => s.name === name);
  if (outer === undefined || inner === undefined) return false;
  return inner.start >= outer.start && inner.end <= outer.end;
}

/** The `it`s of the patch, `before` being the tree without it and `after` the tree with it. */
export function requestCxlAcpiPciClaims(before: string, after: string): void {
  it(`${after}: dax_hmem's init loads cxl_acpi (its CXL Window is in iomem) and cxl_pci before hmem_platform probes; ${before} loads cxl_acpi through the soft dependency and leaves cxl_pci to udev, after the walk`, async () => {
    slowUdevForAcpiAndPci();
    const probe = 'really_probe: probing driver hmem_platform with device';

    const without = await coverLetter(before);
    const orderWithout = loadOrder(without);
    expect(orderWithout.indexOf('cxl_acpi'), `${before}: pre: cxl_acpi`).to.be.within(0, orderWithout.indexOf('dax_hmem'));
    expect(loadedFromDaxHmemInit(without, 'cxl_acpi'), `${before}: cxl_acpi from dax_hmem_init`).to.equal(false);
    expect(at(without, 'cxl_acpi ACPI0017:00: root0 added (root port)'), `${before}: windows before the walk`).to.be.within(0, at(without, probe));
    expect(at(without, "bus: 'pci': add driver cxl_pci"), `${before}: cxl_pci after the walk`).to.be.above(at(without, probe));

    const withIt = await coverLetter(after);
    const orderWith = loadOrder(withIt);
    expect(orderWith.indexOf('dax_hmem'), `${after}: dax_hmem first`).to.be.below(orderWith.indexOf('cxl_acpi'));
    expect(orderWith.indexOf('cxl_acpi')).to.be.below(orderWith.indexOf('cxl_pci'));
    expect(loadedFromDaxHmemInit(withIt, 'cxl_acpi'), `${after}: cxl_acpi from dax_hmem_init`).to.equal(true);
    expect(loadedFromDaxHmemInit(withIt, 'cxl_pci'), `${after}: cxl_pci from dax_hmem_init`).to.equal(true);
    expect(at(withIt, 'cxl_acpi ACPI0017:00: root0 added (root port)'), `${after}: windows before the walk`).to.be.within(0, at(withIt, probe));
    expect(at(withIt, "bus: 'pci': add driver cxl_pci"), `${after}: cxl_pci before the walk`).to.be.within(0, at(withIt, probe));
    // Both trees then leave the range to CXL at probe time.
    for (const r of [without, withIt]) expect(r.result.dmesg.some((l) => l.endsWith(`hmem_platform hmem_platform.0: deferring range to CXL: ${prSR(SR)}`))).to.equal(true);
  });

  it(`the soft dependency is gone: with DEV_DAX_CXL=n (CXL_REGION=y) ${before} still loads cxl_acpi for dax_hmem, ${after} loads no CXL module`, async () => {
    const machine = (tree: string) => boot({ tree, config: { ...CONFIG, DEV_DAX_CXL: 'n' }, softReserved: [{ ...SR, nid: 1 }] });
    const orderWithout = loadOrder(await machine(before));
    expect(orderWithout.indexOf('cxl_acpi')).to.be.within(0, orderWithout.indexOf('dax_hmem'));
    const orderWith = loadOrder(await machine(after));
    expect(orderWith).to.include('dax_hmem');
    expect(orderWith.filter((m) => m.startsWith('cxl_'))).to.deep.equal([]);
  });

  it(`Kconfig: with DEV_DAX_HMEM=y, CXL_ACPI=m (or CXL_PCI=m) forces DEV_DAX_CXL=n on ${after}, naming the \`>=\` line; ${before} keeps DEV_DAX_CXL=m`, () => {
    const acpiModular = { DEV_DAX_HMEM: 'y', CXL_ACPI: 'm', CXL_PCI: 'y', DEV_DAX_CXL: 'm' } as const;
    const pciModular = { DEV_DAX_HMEM: 'y', CXL_ACPI: 'y', CXL_PCI: 'm', DEV_DAX_CXL: 'm' } as const;
    for (const req of [acpiModular, pciModular]) {
      const without = resolveConfig(findTree(before)!, req);
      expect(without.values['DEV_DAX_CXL']).to.equal('m');
      expect(without.adjusted).to.deep.equal([]);
    }
    expect(resolveConfig(findTree(after)!, acpiModular).adjusted).to.deep.equal([{ symbol: 'DEV_DAX_CXL', requested: 'm', actual: 'n', reason: 'CXL_ACPI >= DEV_DAX_HMEM' }]);
    expect(resolveConfig(findTree(after)!, pciModular).adjusted).to.deep.equal([{ symbol: 'DEV_DAX_CXL', requested: 'm', actual: 'n', reason: 'CXL_PCI >= DEV_DAX_HMEM' }]);
  });
}
