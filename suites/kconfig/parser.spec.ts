// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { check, loadKconfig } from '../../framework/kconfig/check.js';
import { KconfigError } from '../../framework/kconfig/errors.js';
import { parseKconfig } from '../../framework/kconfig/parser.js';
import { olddefconfig } from '../../framework/kconfig/evaluate.js';
import { cxlDaxSources, KCONFIG_VARIANTS, loadCxlDaxKconfig } from '../../framework/kconfig/texts/index.js';

function parseError(text: string, file = 'drivers/foo/Kconfig'): KconfigError {
  try {
    parseKconfig([{ file, text }]);
  } catch (e) {
    expect(e).to.be.instanceOf(KconfigError);
    return e as KconfigError;
  }
  throw new Error('expected a KconfigError');
}

describe('kconfig: parser', () => {
  it('parses drivers/cxl/Kconfig and drivers/dax/Kconfig at every state into one symbol table with the environment', () => {
    for (const v of KCONFIG_VARIANTS) {
      const k = loadCxlDaxKconfig(v);
      expect(k.files).to.deep.equal(['kshim/Kconfig.env', 'drivers/cxl/Kconfig', 'drivers/dax/Kconfig']);
      const hmem = k.symbols.get('DEV_DAX_HMEM')!;
      expect(hmem.type).to.equal('tristate');
      expect(hmem.prompts[0]!.text).to.equal("HMEM DAX: direct access to 'specific purpose' memory");
      expect(hmem.entries[0]!.parent.map((d) => [d.text, d.origin])).to.deep.equal([['DAX', 'if']]);
    }
    const own = (v: (typeof KCONFIG_VARIANTS)[number], sym: string) => loadCxlDaxKconfig(v).symbols.get(sym)!.entries[0]!.own.map((d) => d.text);
    expect(own('base', 'DEV_DAX_CXL')).to.deep.equal(['CXL_BUS && CXL_REGION && DEV_DAX']);
    expect(own('v8-3', 'DEV_DAX_CXL')).to.deep.equal(['CXL_BUS && CXL_REGION && DEV_DAX', 'CXL_ACPI >= DEV_DAX_HMEM', 'CXL_PCI >= DEV_DAX_HMEM']);
    expect(own('mainline', 'DEV_DAX_CXL')).to.deep.equal(['CXL_BUS && CXL_REGION && DEV_DAX', 'DEV_DAX_HMEM || !DEV_DAX_HMEM']);
    expect(own('mainline', 'DEV_DAX_HMEM')).to.deep.equal(['EFI_SOFT_RESERVE', 'CXL_ACPI || !CXL_ACPI', 'CXL_PCI || !CXL_PCI', 'CXL_BUS || !CXL_BUS']);
    // CXL_PORT has no prompt; CXL_REGION is a bool under `if CXL_BUS`.
    const k = loadCxlDaxKconfig('base');
    expect(k.symbols.get('CXL_PORT')!.prompts).to.have.length(0);
    expect(k.symbols.get('CXL_REGION')!.type).to.equal('bool');
    expect(k.symbols.get('CXL_ACPI')!.selects.map((s) => s.target)).to.deep.equal(['ACPI_TABLE_LIB', 'ACPI_HMAT', 'CXL_PORT']);
  });

  it('skips help text by indentation, whatever it contains', () => {
    const k = parseKconfig([
      {
        file: 't/Kconfig',
        text: 'config A\n\tbool "a"\n\thelp\n\t  config B\n\t  depends on "unbalanced\n\n\t  Say \'y\' if unsure.\nconfig C\n\tbool "c"\n\tdepends on A\n',
      },
    ]);
    expect([...k.symbols.keys()]).to.deep.equal(['A', 'C']);
    expect(k.symbols.get('C')!.entries[0]!.own[0]!.text).to.equal('A');
  });

  it('records expressions as written with whitespace normalized, and drops # comments', () => {
    const k = parseKconfig([{ file: 't/Kconfig', text: 'config A\n\ttristate "a"\nconfig B\n\ttristate "b"\n\tdepends on   A ||\t!A   # optional\n\tdefault ( A  && y ) if A\n' }]);
    const b = k.symbols.get('B')!;
    expect(b.entries[0]!.own[0]!.text).to.equal('A || !A');
    expect(b.defaults[0]!.value.text).to.equal('( A && y )');
    expect(b.defaults[0]!.cond!.text).to.equal('A');
  });

  it('applies enclosing if blocks and menu dependencies to every entry inside', () => {
    const k = loadKconfig([
      {
        file: 't/Kconfig',
        text: 'config A\n\tbool "a"\nconfig B\n\tbool "b"\nmenu "Things"\n\tdepends on A\nif B\nconfig C\n\tbool "c"\n\tdefault y\nendif\nendmenu\nconfig D\n\tbool "d"\n\tdefault y\n',
      },
    ]);
    expect(k.symbols.get('C')!.entries[0]!.parent.map((d) => [d.text, d.origin])).to.deep.equal([
      ['A', 'menu'],
      ['B', 'if'],
    ]);
    expect(k.symbols.get('D')!.entries[0]!.parent).to.deep.equal([]);
    expect(olddefconfig(k, { A: 'y', B: 'n' }).values.C).to.equal('n');
    expect(olddefconfig(k, { A: 'y', B: 'y' }).values.C).to.equal('y');
    expect(olddefconfig(k, { A: 'n', B: 'y' }).values.C).to.equal('n');
  });

  it('accepts comment, mainmenu, menuconfig and prompt lines', () => {
    const k = loadKconfig([
      {
        file: 't/Kconfig',
        text: 'mainmenu "Test"\ncomment "Things"\n\tdepends on A\nmenuconfig A\n\ttristate\n\tprompt "a" if y\ncomment "more"\n',
      },
    ]);
    expect(k.symbols.get('A')!.prompts.map((p) => [p.text, p.cond?.text])).to.deep.equal([['a', 'y']]);
  });

  it('reports syntax errors with file, line and what was expected', () => {
    expect(parseError('config A\n\tbool "a"\n\tdepends CXL_BUS\n').message).to.equal("drivers/foo/Kconfig:3: syntax error: expected 'on' after 'depends', found 'CXL_BUS'");
    expect(parseError('config A\n\tbool "a"\n\tdepends on A &&\n').message).to.equal("drivers/foo/Kconfig:3: syntax error: expected a symbol, a constant, '(' or '!', found end of line");
    expect(parseError('config A\n\tbool "a"\n\tdepends on (A || B\n').message).to.equal("drivers/foo/Kconfig:3: syntax error: expected ')', found end of line");
    expect(parseError('config A\n\tbool "a"\n\tdefault y iff B\n').message).to.equal("drivers/foo/Kconfig:3: syntax error: expected an operator, 'if' or end of line, found 'iff'");
    expect(parseError('config A\n\tbool "a"\n\tfrobnicate\n').message).to.match(/^drivers\/foo\/Kconfig:3: syntax error: expected a config attribute \(bool, tristate, prompt, depends on, select, imply, default, def_bool, def_tristate, help\), found 'frobnicate'$/);
    expect(parseError('\n\nendif\n').message).to.equal("drivers/foo/Kconfig:3: 'endif' without a matching 'if'");
    expect(parseError('if A\nmenu "x"\nendif\n').message).to.equal("drivers/foo/Kconfig:3: 'endif' closes the 'menu' opened at line 2");
    expect(parseError('config A\n\tbool "a"\nif A\nconfig B\n\tbool "b"\n').message).to.equal("drivers/foo/Kconfig:3: 'if' is not closed by 'endif' before the end of the file");
    expect(parseError('config A\n\tbool "a\n').message).to.equal('drivers/foo/Kconfig:2: unterminated string: missing closing "');
    expect(parseError('config A\n\tint "a"\n').message).to.equal("drivers/foo/Kconfig:2: 'int' is not supported: only bool and tristate symbols are");
    expect(parseError('config A\n\tbool "a"\nconfig A\n\ttristate\n').message).to.equal('drivers/foo/Kconfig:4: symbol A redefined as tristate, it was bool');
    const e = parseError('config A\n\tbool "a"\n\tdepends on A & B\n');
    expect([e.file, e.line, e.detail]).to.deep.equal(['drivers/foo/Kconfig', 3, "invalid character '&'"]);
  });

  it("rejects 'source' unless told to ignore it", () => {
    expect(parseError('source "drivers/cxl/Kconfig"\n').message).to.equal("drivers/foo/Kconfig:1: 'source' is not supported: pass every Kconfig file to parseKconfig() instead");
    const k = parseKconfig([{ file: 't/Kconfig', text: 'source "drivers/cxl/Kconfig"\nconfig A\n\tbool "a"\n' }], { source: 'ignore' });
    expect([...k.symbols.keys()]).to.deep.equal(['A']);
  });

  it('check() names the file, line and symbol of an undefined reference', () => {
    const [env, cxl, dax] = cxlDaxSources('mainline');
    const typo = { file: dax!.file, text: dax!.text.replace('depends on CXL_PCI || !CXL_PCI', 'depends on CXL_PCI || !CXL_PIC') };
    const k = parseKconfig([env!, cxl!, typo]);
    const errors = check(k);
    expect(errors.map((e) => e.message)).to.deep.equal(["drivers/dax/Kconfig:23: expression in 'depends on' references undefined symbol CXL_PIC"]);
    expect(() => loadKconfig([env!, cxl!, typo])).to.throw(KconfigError, 'drivers/dax/Kconfig:23');
    // Without the environment file every symbol it defines is undefined.
    const bare = check(parseKconfig([cxl!, dax!])).map((e) => e.message);
    expect(bare).to.include('drivers/cxl/Kconfig:4: expression in \'depends on\' references undefined symbol PCI');
    expect(bare).to.include('drivers/cxl/Kconfig:5: select of undefined symbol FW_LOADER');
  });

  it('the `if` of a select or imply takes a whole expression, as parser.y\'s if_expr does', () => {
    const k = loadKconfig([{ file: 't/Kconfig', text: 'config A\n\tbool "a"\nconfig B\n\tbool "b"\nconfig LIB\n\tbool\nconfig OPT\n\tbool "opt"\nconfig USER\n\tbool "user"\n\tselect LIB if A && !B\n\timply OPT if (A || B)\n' }]);
    const sym = k.symbols.get('USER')!;
    expect([sym.selects[0]!.cond!.text, sym.implies[0]!.cond!.text]).to.deep.equal(['A && !B', '(A || B)']);
    expect(olddefconfig(k, { USER: 'y', A: 'y', B: 'n' }).values.LIB).to.equal('y');
    expect(olddefconfig(k, { USER: 'y', A: 'y', B: 'y' }).values.LIB).to.equal('n');
    expect(check(parseKconfig([{ file: 't/Kconfig', text: 'config LIB\n\tbool\nconfig USER\n\tbool "user"\n\tselect LIB if !NOPE\n' }])).map((e) => e.message)).to.deep.equal([
      "t/Kconfig:5: expression in 'select ... if' references undefined symbol NOPE",
    ]);
  });

  it('check() reports a config without a type', () => {
    const errors = check(parseKconfig([{ file: 't/Kconfig', text: 'config A\n\tdepends on B\nconfig B\n\tbool\n' }]));
    expect(errors.map((e) => e.message)).to.deep.equal(['t/Kconfig:1: config A has no type: add bool, tristate, def_bool or def_tristate']);
  });

  it('reports a recursive dependency (a select back onto what the selector depends on) at evaluation', () => {
    const k = loadKconfig([{ file: 't/Kconfig', text: 'config A\n\ttristate "a"\nconfig B\n\ttristate "b"\n\tdepends on A\n\tselect A\n' }]);
    expect(() => olddefconfig(k, {})).to.throw(KconfigError, 't/Kconfig:1: recursive dependency detected!\n\tsymbol A is selected by B\n\tsymbol B depends on A');
  });
});
