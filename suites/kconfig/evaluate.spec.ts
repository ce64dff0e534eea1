// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { assignable, olddefconfig } from '../../framework/kconfig/evaluate.js';
import { triAnd, triNot, triOr, type Tristate } from '../../framework/kconfig/tristate.js';
import { loadCxlDaxKconfig } from '../../framework/kconfig/texts/index.js';
import { fragment } from './helpers.js';

const T: Tristate[] = [0, 1, 2];
const NAME = ['n', 'm', 'y'] as const;

describe('kconfig: evaluation', () => {
  it('tristate algebra: n=0 < m=1 < y=2, && is min, || is max, !x is 2-x (so !m = m)', () => {
    for (const a of T) {
      for (const b of T) {
        expect(triAnd(a, b)).to.equal(Math.min(a, b));
        expect(triOr(a, b)).to.equal(Math.max(a, b));
      }
      expect(triNot(a)).to.equal(2 - a);
    }
    expect(triNot(1)).to.equal(1);
  });

  it('evaluates &&, ||, ! and comparisons in expressions the same way; comparisons yield only y or n', () => {
    const k = fragment(`config A
	tristate "a"
config B
	tristate "b"
config AND
	def_tristate A && B
config OR
	def_tristate A || B
config NOT
	def_tristate !A
config GE
	def_tristate A >= B
config LT
	def_tristate A < B
config EQ
	def_tristate A = m
config NE
	def_tristate A != B
config PAREN
	def_tristate !(A || B) && y
config STR_EQ
	def_bool A = "foo"
config STR_NE
	def_bool A != "foo"
config QUOTED_M
	def_bool A = "m"
`);
    for (const a of T) {
      for (const b of T) {
        const v = olddefconfig(k, { A: NAME[a], B: NAME[b] }).values;
        expect([v.AND, v.OR, v.NOT], `A=${NAME[a]} B=${NAME[b]}`).to.deep.equal([NAME[Math.min(a, b)], NAME[Math.max(a, b)], NAME[2 - a]]);
        expect([v.GE, v.LT, v.EQ, v.NE]).to.deep.equal([a >= b ? 'y' : 'n', a < b ? 'y' : 'n', a === 1 ? 'y' : 'n', a !== b ? 'y' : 'n']);
        expect(v.PAREN).to.equal(NAME[2 - Math.max(a, b)]);
        expect([v.STR_EQ, v.STR_NE, v.QUOTED_M]).to.deep.equal(['n', 'y', a === 1 ? 'y' : 'n']);
      }
    }
  });

  it("`depends on A || !A` caps the symbol at y, m, y for A = n, m, y: never built in while A is a module", () => {
    const k = fragment(`config A
	tristate "a"
config FOO
	tristate "foo"
	depends on A || !A
`);
    expect(assignable(k, { A: 'n' }, 'FOO')).to.deep.equal(['n', 'm', 'y']);
    expect(assignable(k, { A: 'm' }, 'FOO')).to.deep.equal(['n', 'm']);
    expect(assignable(k, { A: 'y' }, 'FOO')).to.deep.equal(['n', 'm', 'y']);
    expect(olddefconfig(k, { A: 'm', FOO: 'y' }).adjusted).to.deep.equal([{ symbol: 'FOO', requested: 'y', actual: 'm', reason: 'A || !A' }]);
  });

  it('bool promotion: CXL_REGION=y is legal with CXL_BUS=m, although its code lives in cxl_core.ko', () => {
    const k = loadCxlDaxKconfig('base');
    const r = olddefconfig(k, { CXL_BUS: 'm', CXL_REGION: 'y' });
    expect(r.adjusted).to.deep.equal([]);
    expect([r.values.CXL_BUS, r.values.CXL_REGION]).to.deep.equal(['m', 'y']);
    expect(assignable(k, { CXL_BUS: 'm' }, 'CXL_REGION')).to.deep.equal(['n', 'y']);
    // Its default (CXL_BUS, capped by `if CXL_BUS`) is m, promoted to y for a bool.
    expect(olddefconfig(k, { CXL_BUS: 'm' }).values.CXL_REGION).to.equal('y');
    // m is not a bool value: the request is dropped like conf_set_sym_val() drops it, the default applies.
    expect(olddefconfig(k, { CXL_BUS: 'y', CXL_REGION: 'm' }).adjusted).to.deep.equal([{ symbol: 'CXL_REGION', requested: 'm', actual: 'y', reason: "symbol value 'm' invalid for CXL_REGION" }]);
  });

  it('select raises the target to the selector value: CXL_PCI=y makes CXL_MEM=y, whatever was asked', () => {
    const k = loadCxlDaxKconfig('mainline');
    const r = olddefconfig(k, { CXL_BUS: 'y', CXL_PCI: 'y', CXL_MEM: 'm' });
    expect(r.values.CXL_MEM).to.equal('y');
    expect(r.adjusted).to.deep.equal([{ symbol: 'CXL_MEM', requested: 'm', actual: 'y', reason: 'selected by CXL_PCI' }]);
    expect(assignable(k, { CXL_BUS: 'y', CXL_PCI: 'm' }, 'CXL_MEM')).to.deep.equal(['m', 'y']);
    expect(assignable(k, { CXL_BUS: 'y', CXL_PCI: 'y' }, 'CXL_MEM')).to.deep.equal(['y']);
  });

  it('select ignores the target dependencies and reports "unmet direct dependencies"; a bool selected by m becomes y', () => {
    const k = fragment(`config DEP
	bool "dep"
config LIB
	bool
	depends on DEP
config USER
	tristate "user"
	select LIB
`);
    const r = olddefconfig(k, { DEP: 'n', USER: 'm' });
    expect(r.values.LIB).to.equal('y');
    // The selector's term is m (its raw value), though the bool LIB's rev_dep is promoted to y.
    expect(r.warnings).to.deep.equal(['WARNING: unmet direct dependencies detected for LIB\n  Depends on [n]: DEP [=n]\n  Selected by [m]:\n  - USER [=m]']);
    expect(olddefconfig(k, { DEP: 'y', USER: 'm' }).warnings).to.deep.equal([]);
  });

  it('a symbol defined twice, once without dependencies: dir_dep is the other entry\'s alone (expr_alloc_or drops the empty one)', () => {
    const k = fragment(`config DEP
	bool "dep"
config OPT
	bool
config OPT
	bool
	depends on DEP
config USER
	bool "user"
	imply OPT
config LIB
	bool
config LIB
	bool
	depends on DEP
config SEL
	bool "sel"
	select LIB
`);
    const r = olddefconfig(k, { DEP: 'n', USER: 'y', SEL: 'y' });
    expect(r.values.OPT, 'the implied value is capped by dir_dep = DEP').to.equal('n');
    expect(r.values.LIB, 'select ignores dependencies').to.equal('y');
    expect(r.warnings).to.deep.equal(['WARNING: unmet direct dependencies detected for LIB\n  Depends on [n]: DEP [=n]\n  Selected by [y]:\n  - SEL [=y]']);
  });

  it('"unmet direct dependencies" prints each symbol with its value, parenthesises || inside &&, and lists y selectors before m ones with their own dependencies', () => {
    const k = fragment(`config BASE
	bool "base"
config OTHER
	bool "other"
config COND
	bool "cond"
config LIB
	tristate
	depends on BASE || OTHER
	depends on BASE
config A
	tristate "a"
	depends on COND
	select LIB if !OTHER
config B
	bool "b"
	select LIB
`);
    const r = olddefconfig(k, { BASE: 'n', OTHER: 'n', COND: 'y', A: 'm', B: 'y' });
    expect(r.warnings).to.deep.equal([
      [
        'WARNING: unmet direct dependencies detected for LIB',
        '  Depends on [n]: (BASE [=n] || OTHER [=n]) && BASE [=n]',
        '  Selected by [y]:',
        '  - B [=y]',
        '  Selected by [m]:',
        '  - A [=m] && COND [=y] && !OTHER [=n]',
      ].join('\n'),
    ]);
  });

  it('imply sets a default the user may override, capped by the target dependencies', () => {
    const k = fragment(`config DEP
	tristate "dep"
config OPT
	tristate "optional helper"
	depends on DEP
config MAIN
	tristate "main"
	imply OPT
`);
    expect(olddefconfig(k, { DEP: 'y', MAIN: 'y' }).values.OPT).to.equal('y');
    expect(olddefconfig(k, { DEP: 'y', MAIN: 'm' }).values.OPT).to.equal('m');
    expect(olddefconfig(k, { DEP: 'm', MAIN: 'y' }).values.OPT).to.equal('m');
    expect(olddefconfig(k, { DEP: 'y', MAIN: 'n' }).values.OPT).to.equal('n');
    const r = olddefconfig(k, { DEP: 'y', MAIN: 'y', OPT: 'n' });
    expect([r.values.OPT, r.adjusted]).to.deep.equal(['n', []]);
    expect(assignable(k, { DEP: 'y', MAIN: 'y' }, 'OPT')).to.deep.equal(['n', 'm', 'y']);
  });

  it('defaults: the first default whose condition holds, capped by the dependencies', () => {
    const k = fragment(`config A
	bool "a"
config B
	tristate "b"
config C
	tristate "c"
	depends on B
	default y if A
	default m
config D
	tristate "d"
	default m if A
`);
    expect(olddefconfig(k, { A: 'y', B: 'y' }).values.C).to.equal('y');
    expect(olddefconfig(k, { A: 'n', B: 'y' }).values.C).to.equal('m');
    expect(olddefconfig(k, { A: 'y', B: 'm' }).values.C).to.equal('m');
    expect(olddefconfig(k, { A: 'y', B: 'n' }).values.C).to.equal('n');
    expect(olddefconfig(k, { A: 'n' }).values.D).to.equal('n');
    // The real DAX entry: `default m if NVDIMM_DAX`.
    const dax = loadCxlDaxKconfig('base');
    expect(olddefconfig(dax, {}).values.DAX).to.equal('n');
    expect(olddefconfig(dax, { LIBNVDIMM: 'm' }).values.DAX).to.equal('m');
  });

  it('a symbol without a prompt takes its computed value; a request for it is reported, not applied', () => {
    const k = loadCxlDaxKconfig('mainline');
    expect(olddefconfig(k, { CXL_BUS: 'y', CXL_ACPI: 'm', CXL_PORT: 'n' }).adjusted).to.deep.equal([{ symbol: 'CXL_PORT', requested: 'n', actual: 'y', reason: 'no prompt; default CXL_BUS' }]);
    expect(olddefconfig(k, { CXL_BUS: 'm', CXL_PORT: 'n' }).adjusted).to.deep.equal([{ symbol: 'CXL_PORT', requested: 'n', actual: 'm', reason: 'no prompt; selected by CXL_ACPI' }]);
    expect(assignable(k, { CXL_BUS: 'y' }, 'CXL_PORT')).to.deep.equal([]);
  });

  it('MODULES=n makes every m a y, and the constant m in a dependency means m && MODULES', () => {
    const k = fragment(`config A
	tristate "a"
config B
	tristate "b"
	depends on m
config C
	tristate "c"
	default m
`);
    const r = olddefconfig(k, { MODULES: 'n', A: 'm', B: 'y' });
    expect([r.values.A, r.values.B, r.values.C]).to.deep.equal(['y', 'n', 'y']);
    expect(r.adjusted).to.deep.equal([
      { symbol: 'A', requested: 'm', actual: 'y', reason: 'MODULES=n' },
      { symbol: 'B', requested: 'y', actual: 'n', reason: 'm' },
    ]);
    expect(assignable(k, { MODULES: 'n' }, 'A')).to.deep.equal(['n', 'y']);
    expect(olddefconfig(k, { MODULES: 'y', B: 'y' }).values.B).to.equal('m');
    const cxl = olddefconfig(loadCxlDaxKconfig('mainline'), { MODULES: 'n', DAX: 'y', DEV_DAX: 'y', CXL_BUS: 'm', DEV_DAX_HMEM: 'y' });
    expect(Object.values(cxl.values)).to.not.include('m');
    expect(cxl.values.DEV_DAX_HMEM).to.equal('y');
  });

  it('reports requested symbols the tree does not define, and rejects values other than y, m, n', () => {
    const k = loadCxlDaxKconfig('mainline');
    expect(olddefconfig(k, { CXL_FOO: 'y', DEV_DAX: 'y' }).unknown).to.deep.equal(['CXL_FOO']);
    expect(() => olddefconfig(k, { DEV_DAX: 'Y' as 'y' })).to.throw("invalid value 'Y' for DEV_DAX: expected y, m or n");
  });

  it('is a fixed point and deterministic: olddefconfig of its own output changes nothing', () => {
    const k = loadCxlDaxKconfig('mainline');
    const first = olddefconfig(k, { DAX: 'y', DEV_DAX: 'm', CXL_BUS: 'm', CXL_REGION: 'y', DEV_DAX_HMEM: 'y', DEV_DAX_CXL: 'y' });
    const again = olddefconfig(k, first.values);
    expect(again.values).to.deep.equal(first.values);
    expect(again.adjusted).to.deep.equal([]);
    expect(olddefconfig(k, { DAX: 'y', DEV_DAX: 'm', CXL_BUS: 'm', CXL_REGION: 'y', DEV_DAX_HMEM: 'y', DEV_DAX_CXL: 'y' })).to.deep.equal(first);
  });
});
