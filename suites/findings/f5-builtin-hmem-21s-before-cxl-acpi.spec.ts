// SPDX-License-Identifier: GPL-2.0-only
/**
 * F5 (seed mail 000): Smita tried Dan's first suggestion, `X || !X` on
 * DEV_DAX_CXL, with DEV_DAX_HMEM=y, CXL_ACPI=m, CXL_PCI=m. DEV_DAX_CXL is
 * then enabled, but built-in hmem probes long before the real root (and
 * with it cxl_acpi.ko) is there:
 *
 *   [  7.379] dax_hmem_platform_probe began
 *   [  7.384] alloc_dev_dax_range: dax0.0
 *   [ 28.560] cxl acpi probe started     <- 21 seconds later
 *
 * No CXL window exists at the walk, region_intersects() says DISJOINT and
 * HMEM owns every range. The tree of that experiment is built here with
 * deriveTree(): v8 with the two `>=` lines replaced by Dan's three lines;
 * the real root is mounted at 28.56 s (sinon on Timing.rootfs). The 21 s
 * gap is the stub's; what the test checks is the order, which no stub
 * fixes: the built-in hmem runs at device_initcall, before userspace
 * mounts the root that holds cxl_acpi.ko, so at hmem_register_device()'s
 * region_intersects(..., IORES_DESC_CXL) /proc/iomem has no "CXL Window"
 * yet. Mainline makes the configuration invalid (F4's fix).
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { Timing } from '../../framework/sim/timing.js';
import { IORES_DESC_CXL, REGION_DISJOINT } from '../../framework/include/linux/ioport.js';
import { Resources } from '../../framework/kernel/resource.js';
import { DRIVERS_DAX_KCONFIG_V8_3 } from '../../framework/kconfig/texts/dax.js';
import { deriveTree } from '../../trees/tree.js';
import { findTree } from '../../trees/index.js';
import { SR, at, boot, decisions, lines, timeOf } from '../patches/fixture.js';
import { resolveConfig } from '../../harness/run.js';

const GE_LINES = '\tdepends on CXL_ACPI >= DEV_DAX_HMEM\n\tdepends on CXL_PCI >= DEV_DAX_HMEM\n';
const DANS_LINES = '\tdepends on DEV_DAX_HMEM || !DEV_DAX_HMEM\n\tdepends on CXL_ACPI || !CXL_ACPI\n\tdepends on CXL_PCI || !CXL_PCI\n';

/** v8 with `X || !X` on DEV_DAX_CXL, as Smita tested it. */
const v8OrNot = deriveTree(findTree('v8')!, 'v8+or-not', "v8 with Dan's first `X || !X` suggestion on DEV_DAX_CXL", {
  kconfig: { 'drivers/dax/Kconfig': DRIVERS_DAX_KCONFIG_V8_3.replace(GE_LINES, DANS_LINES) },
});

const CONFIG = { DEV_DAX_HMEM: 'y', CXL_ACPI: 'm', CXL_PCI: 'm' } as const;

function smita(tree: typeof v8OrNot | string) {
  return boot({ tree, config: { ...CONFIG }, softReserved: [{ ...SR, nid: 1 }], cfmws: [{ ...SR }], regions: [{ ...SR, assembly: 'commit' }] });
}

describe('F5: built-in hmem probes 21 s before a modular cxl_acpi (`X || !X` on DEV_DAX_CXL)', () => {
  it('Dan\'s `X || !X` lines let DEV_DAX_CXL stay m with DEV_DAX_HMEM=y and CXL_ACPI=m, where v8\'s two `>=` lines force it to n', () => {
    expect(v8OrNot.kconfig['drivers/dax/Kconfig']).to.include(DANS_LINES);
    const cfg = { ...CONFIG, CXL_REGION: 'y', DEV_DAX_CXL: 'm' } as const;
    expect(resolveConfig(v8OrNot, cfg).values['DEV_DAX_CXL']).to.equal('m');
    expect(resolveConfig(findTree('v8')!, cfg).values['DEV_DAX_CXL']).to.equal('n');
  });

  it('DEV_DAX_HMEM=y, CXL_ACPI=m, CXL_PCI=m keeps DEV_DAX_CXL enabled; built-in hmem walks the Soft Reserved ranges before cxl_acpi.ko is loaded, finds no CXL window, and HMEM owns the range', async () => {
    sinon.stub(Timing.prototype, 'rootfs').returns(28_560);
    // What hmem_register_device() asks about the range, and /proc/iomem at that moment.
    const cxlChecks: { ret: number; iomem: string }[] = [];
    const real = Resources.prototype.region_intersects;
    sinon.stub(Resources.prototype, 'region_intersects').callsFake(function (this: Resources, start: number, size: number, flags: number, desc: number) {
      const ret = real.call(this, start, size, flags, desc);
      if (desc === IORES_DESC_CXL) cxlChecks.push({ ret, iomem: this.proc_iomem() });
      return ret;
    });
    const r = await smita(v8OrNot);
    expect(r.result.config.adjusted).to.deep.equal([]);
    expect(r.result.config.values['DEV_DAX_HMEM']).to.equal('y');
    expect(r.result.config.values['DEV_DAX_CXL']).to.equal('m');

    // The walk ran before cxl_acpi had added root0 and its window: region_intersects() said DISJOINT.
    expect(cxlChecks.map((c) => c.ret)).to.deep.equal([REGION_DISJOINT]);
    expect(cxlChecks[0]!.iomem).to.not.include('CXL Window');
    expect(at(r, ' dax0.0: alloc range[0]')).to.be.within(0, at(r, "bus: 'platform': add driver cxl_acpi"));
    expect(at(r, "bus: 'platform': add driver cxl_acpi")).to.be.below(at(r, 'cxl_acpi ACPI0017:00: root0 added (root port)'));
    // Smita's log: hmem probes and registers dax0.0 within the first 8 s.
    expect(timeOf(r, 'really_probe: probing driver hmem_platform with device')).to.be.below(8);
    expect(timeOf(r, ' dax0.0: alloc range[0]: 0x0000000850000000:0x000000284fffffff')).to.be.below(8);
    // The walk found no window: no deferral, HMEM registered the range at once.
    expect(decisions(r)).to.deep.equal([]);
    expect(r.result.softReserved.map((s) => s.owner)).to.deep.equal(['dax_hmem']);
    // Since v8 6/9 dax_cxl's later claim on the committed region is refused.
    expect(lines(r, 'probe with driver cxl_dax_region failed')).to.deep.equal(['cxl_dax_region dax_region1: probe with driver cxl_dax_region failed with error -12']);
  });

  it('mainline refuses the configuration: DEV_DAX_HMEM=y becomes m ("CXL_ACPI || !CXL_ACPI")', async () => {
    const r = await smita('mainline');
    expect(r.result.config.adjusted).to.deep.equal([{ symbol: 'DEV_DAX_HMEM', requested: 'y', actual: 'm', reason: 'CXL_ACPI || !CXL_ACPI' }]);
  });
});
