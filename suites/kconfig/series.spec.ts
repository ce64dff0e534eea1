// SPDX-License-Identifier: GPL-2.0-only
/**
 * The Kconfig facts of the seed thread (v8 3/9, "dax/hmem: Request cxl_acpi
 * and cxl_pci before walking Soft Reserved ranges") and the size of the
 * configuration space at each state of drivers/dax/Kconfig.
 */
import { expect } from 'chai';
import type { Kconfig } from '../../framework/kconfig/ast.js';
import { loadKconfig } from '../../framework/kconfig/check.js';
import { sweepValid, enumerateValid } from '../../framework/kconfig/enumerate.js';
import { assignable, olddefconfig } from '../../framework/kconfig/evaluate.js';
import { DRIVERS_CXL_KCONFIG } from '../../framework/kconfig/texts/cxl.js';
import { CXL_DAX_SYMBOLS, CXL_DAX_USER_SYMBOLS, cxlDaxSources, loadCxlDaxKconfig, type KconfigVariant } from '../../framework/kconfig/texts/index.js';
import type { TristateName } from '../../framework/kconfig/tristate.js';

/** Smita's configuration: HMEM built in, the CXL drivers modular. */
const SMITA = { DAX: 'y', DEV_DAX: 'y', CXL_BUS: 'm', CXL_ACPI: 'm', CXL_PCI: 'm', CXL_MEM: 'm', CXL_REGION: 'y', DEV_DAX_HMEM: 'y' } as const;

/** drivers/cxl/Kconfig before 7.0's 1f1cb7f0c255: CXL_MEM depends on CXL_PCI, CXL_PCI selects nothing. */
function cxlKconfigBefore70(): string {
  const text = DRIVERS_CXL_KCONFIG.replace('\tselect CXL_MEM\n', '').replace('config CXL_MEM\n\ttristate "CXL: Memory Expansion"\n', 'config CXL_MEM\n\ttristate "CXL: Memory Expansion"\n\tdepends on CXL_PCI\n');
  expect(text).to.not.equal(DRIVERS_CXL_KCONFIG);
  expect(text).to.not.include('select CXL_MEM');
  return text;
}

/** A variant with some text replaced in one of its files (each replacement must apply). */
function edited(variant: KconfigVariant, cxlText: string | undefined, daxEdit?: [string, string]): Kconfig {
  const [env, cxl, dax] = cxlDaxSources(variant);
  const daxText = daxEdit ? dax!.text.replace(daxEdit[0], daxEdit[1]) : dax!.text;
  if (daxEdit) expect(daxText).to.not.equal(dax!.text);
  return loadKconfig([env!, { file: cxl!.file, text: cxlText ?? cxl!.text }, { file: dax!.file, text: daxText }]);
}

interface Counts {
  valid: number;
  linkBreakClass: number;
  orderingClass: number;
}

/** Valid configurations of the eight symbols, and the two classes anchors.md §3 counts. */
function counts(k: Kconfig, devDax: TristateName): Counts {
  const c: Counts = { valid: 0, linkBreakClass: 0, orderingClass: 0 };
  sweepValid(k, CXL_DAX_SYMBOLS, { DAX: 'y', DEV_DAX: devDax }, (cfg) => {
    c.valid++;
    const hmemY = cfg.get('DEV_DAX_HMEM') === 'y';
    if (hmemY && cfg.get('CXL_BUS') === 'm' && cfg.get('CXL_REGION') === 'y') c.linkBreakClass++;
    if (hmemY && cfg.get('DEV_DAX_CXL') !== 'n' && (cfg.get('CXL_ACPI') === 'm' || cfg.get('CXL_PCI') === 'm')) c.orderingClass++;
  });
  return c;
}

describe('kconfig: the series (seed 000, F4 and F6)', () => {
  it('v8 3/9: DEV_DAX_HMEM=y with CXL_ACPI=m forces DEV_DAX_CXL=n, and the adjustment names the >= line', () => {
    const k = loadCxlDaxKconfig('v8-3');
    const r = olddefconfig(k, { ...SMITA, CXL_BUS: 'y', DEV_DAX_CXL: 'm' });
    expect(r.values.DEV_DAX_HMEM).to.equal('y');
    expect(r.values.DEV_DAX_CXL).to.equal('n');
    expect(r.adjusted).to.deep.equal([{ symbol: 'DEV_DAX_CXL', requested: 'm', actual: 'n', reason: 'CXL_ACPI >= DEV_DAX_HMEM' }]);
    // With CXL_ACPI built in, the CXL_PCI line is the one that bites.
    expect(olddefconfig(k, { ...SMITA, CXL_BUS: 'y', CXL_ACPI: 'y', DEV_DAX_CXL: 'y' }).adjusted).to.deep.equal([{ symbol: 'DEV_DAX_CXL', requested: 'y', actual: 'n', reason: 'CXL_PCI >= DEV_DAX_HMEM' }]);
    expect(assignable(k, { ...SMITA, CXL_BUS: 'y' }, 'DEV_DAX_CXL')).to.deep.equal([]);
    // The side effect: DEV_DAX_HMEM=m with CXL_ACPI=n also forces DEV_DAX_CXL=n.
    expect(olddefconfig(k, { ...SMITA, CXL_BUS: 'y', CXL_ACPI: 'n', CXL_PCI: 'y', DEV_DAX_HMEM: 'm', DEV_DAX_CXL: 'm' }).values.DEV_DAX_CXL).to.equal('n');
  });

  it('mainline: DEV_DAX_HMEM=y with CXL_ACPI=m is clamped to m, reason "CXL_ACPI || !CXL_ACPI"', () => {
    const k = loadCxlDaxKconfig('mainline');
    const r = olddefconfig(k, { DAX: 'y', DEV_DAX: 'y', CXL_BUS: 'y', CXL_ACPI: 'm', CXL_PCI: 'y', DEV_DAX_HMEM: 'y' });
    expect(r.values.DEV_DAX_HMEM).to.equal('m');
    expect(JSON.parse(JSON.stringify(r.adjusted))).to.deep.equal([{ symbol: 'DEV_DAX_HMEM', requested: 'y', actual: 'm', reason: 'CXL_ACPI || !CXL_ACPI' }]);
    expect(olddefconfig(k, { DAX: 'y', DEV_DAX: 'y', CXL_BUS: 'y', CXL_ACPI: 'y', CXL_PCI: 'm', DEV_DAX_HMEM: 'y' }).adjusted[0]!.reason).to.equal('CXL_PCI || !CXL_PCI');
    // HMEM=y is possible only with CXL_ACPI and CXL_PCI each y or n.
    for (const acpi of ['n', 'm', 'y'] as const) {
      for (const pci of ['n', 'm', 'y'] as const) {
        const can = assignable(k, { DAX: 'y', DEV_DAX: 'y', CXL_BUS: 'y', CXL_ACPI: acpi, CXL_PCI: pci }, 'DEV_DAX_HMEM');
        expect(can.includes('y'), `CXL_ACPI=${acpi} CXL_PCI=${pci}`).to.equal(acpi !== 'm' && pci !== 'm');
      }
    }
  });

  it("mainline: DEV_DAX_HMEM=y with CXL_BUS=m cannot be configured (the link error's configuration)", () => {
    const k = loadCxlDaxKconfig('mainline');
    const r = olddefconfig(k, { DAX: 'y', DEV_DAX: 'y', CXL_BUS: 'm', CXL_ACPI: 'n', CXL_PCI: 'n', CXL_REGION: 'y', DEV_DAX_HMEM: 'y' });
    expect(r.adjusted).to.deep.equal([{ symbol: 'DEV_DAX_HMEM', requested: 'y', actual: 'm', reason: 'CXL_BUS || !CXL_BUS' }]);
    expect(assignable(k, { DAX: 'y', DEV_DAX: 'y', CXL_BUS: 'm', CXL_ACPI: 'n', CXL_PCI: 'n' }, 'DEV_DAX_HMEM')).to.deep.equal(['n', 'm']);
    const others = CXL_DAX_SYMBOLS.filter((s) => s !== 'DEV_DAX_HMEM' && s !== 'CXL_BUS');
    expect([...enumerateValid(k, others, { DAX: 'y', DEV_DAX: 'y', DEV_DAX_HMEM: 'y', CXL_BUS: 'm' })]).to.deep.equal([]);
    expect([...enumerateValid(loadCxlDaxKconfig('v8-3'), others, { DAX: 'y', DEV_DAX: 'y', DEV_DAX_HMEM: 'y', CXL_BUS: 'm' })]).to.have.length(12);
    // Smita's configuration is accepted as-is before the fix, with either form on DEV_DAX_CXL.
    expect(olddefconfig(loadCxlDaxKconfig('v8-3'), SMITA).adjusted).to.deep.equal([]);
    expect(olddefconfig(loadCxlDaxKconfig('base'), SMITA).adjusted).to.deep.equal([]);
  });

  it('mainline: DEV_DAX_HMEM=m caps DEV_DAX_CXL at m (DEV_DAX_HMEM || !DEV_DAX_HMEM)', () => {
    const k = loadCxlDaxKconfig('mainline');
    const r = olddefconfig(k, { DAX: 'y', DEV_DAX: 'y', CXL_BUS: 'y', CXL_REGION: 'y', DEV_DAX_HMEM: 'm', DEV_DAX_CXL: 'y' });
    expect(r.adjusted).to.deep.equal([{ symbol: 'DEV_DAX_CXL', requested: 'y', actual: 'm', reason: 'DEV_DAX_HMEM || !DEV_DAX_HMEM' }]);
  });

  it('counts the valid configurations with the 7.0 drivers/cxl/Kconfig (CXL_PCI selects CXL_MEM)', () => {
    // anchors.md §3 counts with CXL_MEM depending on CXL_PCI; here CXL_MEM >= CXL_PCI instead, which
    // keeps the totals before the series but moves configurations between CXL_PCI values.
    const got = (v: KconfigVariant, dd: TristateName) => counts(loadCxlDaxKconfig(v), dd);
    expect(got('base', 'y')).to.deep.equal({ valid: 273, linkBreakClass: 12, orderingClass: 24 });
    expect(got('v8-3', 'y')).to.deep.equal({ valid: 204, linkBreakClass: 6, orderingClass: 0 });
    expect(got('mainline', 'y')).to.deep.equal({ valid: 197, linkBreakClass: 0, orderingClass: 0 });
    expect(got('base', 'm')).to.deep.equal({ valid: 219, linkBreakClass: 12, orderingClass: 14 });
    expect(got('v8-3', 'm')).to.deep.equal({ valid: 179, linkBreakClass: 6, orderingClass: 0 });
    expect(got('mainline', 'm')).to.deep.equal({ valid: 171, linkBreakClass: 0, orderingClass: 0 });
  });

  it("reproduces anchors.md §3 exactly under its assumptions: pre-7.0 CXL_MEM, no DEV_DAX_HMEM line on DEV_DAX_CXL", () => {
    const before70 = cxlKconfigBefore70();
    const noHmemLine: [string, string] = ['\tdepends on DEV_DAX_HMEM || !DEV_DAX_HMEM\n', ''];
    const trees = { base: edited('base', before70), 'v8-3': edited('v8-3', before70), mainline: edited('mainline', before70, noHmemLine) };
    expect(counts(trees.base, 'y')).to.deep.equal({ valid: 273, linkBreakClass: 12, orderingClass: 25 });
    expect(counts(trees['v8-3'], 'y')).to.deep.equal({ valid: 217, linkBreakClass: 6, orderingClass: 0 });
    expect(counts(trees.mainline, 'y')).to.deep.equal({ valid: 215, linkBreakClass: 0, orderingClass: 0 });
    expect([counts(trees.base, 'm'), counts(trees['v8-3'], 'm'), counts(trees.mainline, 'm')].map((c) => c.valid)).to.deep.equal([219, 186, 171]);
    expect([counts(trees.base, 'm'), counts(trees['v8-3'], 'm'), counts(trees.mainline, 'm')].map((c) => c.linkBreakClass)).to.deep.equal([12, 6, 0]);
    expect(counts(trees.base, 'm').orderingClass).to.equal(15);
    // The DEV_DAX_HMEM line removes exactly the 18 configurations with DEV_DAX_CXL=y and DEV_DAX_HMEM=m.
    expect(counts(edited('mainline', undefined, noHmemLine), 'y').valid - counts(loadCxlDaxKconfig('mainline'), 'y').valid).to.equal(18);
  });

  it('the pruned search finds exactly the assignments a plain olddefconfig per assignment accepts', () => {
    for (const v of ['base', 'v8-3', 'mainline'] as const) {
      const k = loadCxlDaxKconfig(v);
      const fixed = { DAX: 'y', DEV_DAX: 'y' } as const;
      const found = new Set([...enumerateValid(k, CXL_DAX_USER_SYMBOLS, fixed)].map((c) => JSON.stringify(c)));
      const naive = new Set<string>();
      const vals = (s: string) => (k.symbols.get(s)!.type === 'bool' ? (['n', 'y'] as const) : (['n', 'm', 'y'] as const));
      const walk = (i: number, req: Record<string, TristateName>): void => {
        if (i === CXL_DAX_USER_SYMBOLS.length) {
          if (olddefconfig(k, { ...fixed, ...req }).adjusted.length === 0) naive.add(JSON.stringify(Object.fromEntries(CXL_DAX_USER_SYMBOLS.map((s) => [s, req[s]]))));
          return;
        }
        for (const t of vals(CXL_DAX_USER_SYMBOLS[i]!)) walk(i + 1, { ...req, [CXL_DAX_USER_SYMBOLS[i]!]: t });
      };
      walk(0, {});
      expect(found.size, v).to.equal(naive.size);
      expect([...found].every((c) => naive.has(c)), v).to.equal(true);
      // Every configuration found is a fixed point of olddefconfig.
      for (const c of found) expect(olddefconfig(k, { ...fixed, ...JSON.parse(c) }).adjusted).to.deep.equal([]);
    }
  });

  it('enumerates in a fixed order', () => {
    const k = loadCxlDaxKconfig('mainline');
    const a = [...enumerateValid(k, CXL_DAX_SYMBOLS, { DAX: 'y', DEV_DAX: 'm' })];
    const b = [...enumerateValid(k, CXL_DAX_SYMBOLS, { DAX: 'y', DEV_DAX: 'm' })];
    expect(a).to.deep.equal(b);
    expect(a[0]).to.deep.equal({ DEV_DAX_HMEM: 'n', DEV_DAX_CXL: 'n', CXL_BUS: 'n', CXL_ACPI: 'n', CXL_PCI: 'n', CXL_REGION: 'n', CXL_MEM: 'n', CXL_PORT: 'n' });
    expect(() => [...enumerateValid(k, ['CXL_FOO'])]).to.throw('unknown symbol CXL_FOO');
  });
});
