// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { cxlDaxObjects, type CodeState } from '../../framework/kconfig/cxl_dax_link.js';
import { sweepValid } from '../../framework/kconfig/enumerate.js';
import { olddefconfig } from '../../framework/kconfig/evaluate.js';
import { linkCheck, moduleNamespaceAllows, type LinkObject } from '../../framework/kconfig/link.js';
import { loadKconfig } from '../../framework/kconfig/check.js';
import { CXL_DAX_SYMBOLS, cxlDaxSources, loadCxlDaxKconfig } from '../../framework/kconfig/texts/index.js';
import type { Kconfig } from '../../framework/kconfig/ast.js';

const core = (builtIn: boolean): LinkObject => ({
  name: 'cxl_core',
  file: builtIn ? 'drivers/cxl/core/region.o' : 'drivers/cxl/core/cxl_core.ko',
  builtIn,
  exports: [{ symbol: 'cxl_region_contains_resource', forModules: ['dax_hmem'] }, { symbol: 'cxl_bus_type', license: 'gpl', namespace: 'CXL' }],
  references: [],
});
const hmem = (builtIn: boolean, references = ['cxl_region_contains_resource']): LinkObject => ({
  name: 'dax_hmem',
  file: builtIn ? 'drivers/dax/hmem/hmem.o' : 'drivers/dax/hmem/dax_hmem.ko',
  builtIn,
  exports: [],
  references,
});

describe('kconfig: link check', () => {
  it('a built-in object referencing a symbol only a module provides fails the vmlinux link', () => {
    expect(linkCheck([core(false), hmem(true)])).to.deep.equal({ ok: false, errors: ["ld: drivers/dax/hmem/hmem.o: undefined reference to `cxl_region_contains_resource'"] });
    expect(linkCheck([core(true), hmem(true)])).to.deep.equal({ ok: true, errors: [] });
    expect(linkCheck([core(true), hmem(false)])).to.deep.equal({ ok: true, errors: [] });
    expect(linkCheck([core(false), hmem(false)])).to.deep.equal({ ok: true, errors: [] });
  });

  it('a built-in reference nothing provides fails the vmlinux link too, once per symbol', () => {
    expect(linkCheck([hmem(true, ['walk_hmem_resources', 'walk_hmem_resources'])]).errors).to.deep.equal(["ld: drivers/dax/hmem/hmem.o: undefined reference to `walk_hmem_resources'"]);
  });

  it('a module referencing a symbol nobody exports fails modpost', () => {
    expect(linkCheck([hmem(false)]).errors).to.deep.equal(['ERROR: modpost: "cxl_region_contains_resource" [drivers/dax/hmem/dax_hmem.ko] undefined!']);
    // Given the .o, modpost still names the module.
    const asObject = { ...hmem(false), file: 'drivers/dax/hmem/hmem.o' };
    expect(linkCheck([asObject]).errors).to.deep.equal(['ERROR: modpost: "cxl_region_contains_resource" [drivers/dax/hmem/dax_hmem.ko] undefined!']);
  });

  it('a module using a namespaced export without MODULE_IMPORT_NS fails modpost', () => {
    const daxCxl: LinkObject = { name: 'dax_cxl', file: 'drivers/dax/dax_cxl.ko', builtIn: false, exports: [], references: ['cxl_bus_type'] };
    expect(linkCheck([core(false), daxCxl]).errors).to.deep.equal(['ERROR: modpost: module dax_cxl uses symbol cxl_bus_type from namespace CXL, but does not import it.']);
    expect(linkCheck([core(false), { ...daxCxl, imports: ['CXL'] }]).ok).to.equal(true);
    // Built-in users are not checked.
    expect(linkCheck([core(true), { ...daxCxl, builtIn: true, file: 'drivers/dax/cxl.o' }]).ok).to.equal(true);
  });

  it('EXPORT_SYMBOL_FOR_MODULES limits which modules may link, not built-in callers', () => {
    const other: LinkObject = { name: 'dax_kmem', file: 'drivers/dax/kmem.ko', builtIn: false, exports: [], references: ['cxl_region_contains_resource'] };
    expect(linkCheck([core(false), hmem(false), other]).errors).to.deep.equal(['ERROR: modpost: module dax_kmem uses symbol cxl_region_contains_resource from namespace module:dax_hmem, but does not import it.']);
    expect(linkCheck([core(true), { ...other, builtIn: true, file: 'drivers/dax/kmem.o' }]).ok).to.equal(true);
    // Tail globs, and '-' matches '_' as in module names.
    expect(moduleNamespaceAllows('module:kvm,kvm-*', 'kvm_intel')).to.equal(true);
    expect(moduleNamespaceAllows('module:kvm,kvm-*', 'kvm')).to.equal(true);
    expect(moduleNamespaceAllows('module:kvm,kvm-*', 'kvmgt')).to.equal(false);
    expect(moduleNamespaceAllows('module:dax_hmem', 'dax-hmem')).to.equal(true);
    expect(moduleNamespaceAllows('CXL', 'dax_hmem')).to.equal(false);
  });

  it('checks GPL-only exports against MODULE_LICENSE when one is given', () => {
    const prop: LinkObject = { name: 'blob', file: 'drivers/misc/blob.ko', builtIn: false, exports: [], references: ['cxl_bus_type'], imports: ['CXL'], license: 'Proprietary' };
    expect(linkCheck([core(false), prop]).errors).to.deep.equal(["ERROR: modpost: GPL-incompatible module blob.ko uses GPL-only symbol 'cxl_bus_type'"]);
    expect(linkCheck([core(false), { ...prop, license: 'Dual BSD/GPL' }]).ok).to.equal(true);
  });

  it('reports a symbol exported twice', () => {
    const dup: LinkObject = { name: 'cxl_test', file: 'tools/testing/cxl/cxl_test.ko', builtIn: false, exports: [{ symbol: 'cxl_bus_type' }], references: [] };
    expect(linkCheck([core(true), dup]).errors).to.deep.equal(["ERROR: modpost: tools/testing/cxl/cxl_test: 'cxl_bus_type' exported twice. Previous export was in vmlinux"]);
  });

  it('lists errors deterministically: ld first, then modpost, each in object and reference order', () => {
    const objs: LinkObject[] = [
      { name: 'b', file: 'x/b.o', builtIn: true, exports: [], references: ['s2', 's1'] },
      { name: 'm', file: 'x/m.ko', builtIn: false, exports: [{ symbol: 's1' }], references: ['s3'] },
      { name: 'a', file: 'x/a.o', builtIn: true, exports: [], references: ['s3'] },
    ];
    const want = ["ld: x/b.o: undefined reference to `s2'", "ld: x/b.o: undefined reference to `s1'", "ld: x/a.o: undefined reference to `s3'", 'ERROR: modpost: "s3" [x/m.ko] undefined!'];
    expect(linkCheck(objs).errors).to.deep.equal(want);
    expect(linkCheck(objs).errors).to.deep.equal(want);
  });

  describe('the CXL/DAX objects', () => {
    const smita = { DAX: 'y', DEV_DAX: 'y', CXL_BUS: 'm', CXL_ACPI: 'm', CXL_PCI: 'm', CXL_MEM: 'm', CXL_REGION: 'y', DEV_DAX_HMEM: 'y' } as const;
    const link = (k: Kconfig, code: CodeState, req: Record<string, 'y' | 'm' | 'n'>) => {
      const r = olddefconfig(k, req);
      return { adjusted: r.adjusted, link: linkCheck(cxlDaxObjects(code, (s) => r.values[s]!)) };
    };

    it("Smita's configuration on v8: accepted by Kconfig, then undefined reference to cxl_region_contains_resource", () => {
      const r = link(loadCxlDaxKconfig('v8-3'), 'v8', smita);
      expect(r.adjusted).to.deep.equal([]);
      expect(r.link.errors).to.deep.equal(["ld: drivers/dax/hmem/hmem.o: undefined reference to `cxl_region_contains_resource'"]);
    });

    it('the same request on mainline: HMEM clamped to m, and it links', () => {
      const r = link(loadCxlDaxKconfig('mainline'), 'mainline', smita);
      expect(r.adjusted.map((a) => [a.symbol, a.actual])).to.deep.equal([['DEV_DAX_HMEM', 'm']]);
      expect(r.link).to.deep.equal({ ok: true, errors: [] });
    });

    it('mainline code restricts cxl_region_contains_resource to dax_hmem and dax_hmem_flush_work to dax_cxl', () => {
      const objs = cxlDaxObjects('mainline', (s) => (s === 'DEV_DAX_HMEM_DEVICES' || s === 'CXL_REGION' ? 'y' : 'm'));
      const core = objs.find((o) => o.name === 'cxl_core')!;
      expect(core.exports.find((e) => e.symbol === 'cxl_region_contains_resource')).to.deep.equal({ symbol: 'cxl_region_contains_resource', forModules: ['dax_hmem'] });
      expect(objs.find((o) => o.name === 'dax_hmem')!.exports).to.deep.equal([{ symbol: 'dax_hmem_flush_work', forModules: ['dax_cxl'] }]);
      expect(linkCheck(objs).ok).to.equal(true);
    });

    /** Valid configurations with DEV_DAX=y whose objects fail to link, by first error. */
    const failures = (k: Kconfig, code: CodeState): Record<string, number> => {
      const out: Record<string, number> = {};
      sweepValid(k, CXL_DAX_SYMBOLS, { DAX: 'y', DEV_DAX: 'y' }, (cfg) => {
        const r = linkCheck(cxlDaxObjects(code, (s) => cfg.get(s)));
        if (!r.ok) out[r.errors[0]!] = (out[r.errors[0]!] ?? 0) + 1;
      });
      return out;
    };

    it('sweeps every valid configuration: only v8 breaks the link, in two ways', () => {
      expect(failures(loadCxlDaxKconfig('base'), 'pre-series')).to.deep.equal({});
      expect(failures(loadCxlDaxKconfig('v8-3'), 'v8')).to.deep.equal({
        "ld: drivers/dax/hmem/hmem.o: undefined reference to `cxl_region_contains_resource'": 6,
        "ld: drivers/dax/cxl.o: undefined reference to `dax_hmem_flush_work'": 6,
      });
      expect(failures(loadCxlDaxKconfig('mainline'), 'mainline')).to.deep.equal({});
    });

    it('without `depends on DEV_DAX_HMEM || !DEV_DAX_HMEM`, built-in dax_cxl would call into a modular dax_hmem', () => {
      const [env, cxl, dax] = cxlDaxSources('mainline');
      const text = dax!.text.replace('\tdepends on DEV_DAX_HMEM || !DEV_DAX_HMEM\n', '');
      expect(text).to.not.equal(dax!.text);
      const k = loadKconfig([env!, cxl!, { file: dax!.file, text }]);
      expect(failures(k, 'mainline')).to.deep.equal({ "ld: drivers/dax/cxl.o: undefined reference to `dax_hmem_flush_work'": 18 });
    });
  });
});
