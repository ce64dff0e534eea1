// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { parseScenario, ScenarioError } from '../../harness/scenario.js';

const SR = { start: '0x850000000', end: '0x284fffffff', nid: 1 };
const WINDOW = { start: '0x850000000', end: '0x284fffffff' };

function scenario(extra: Record<string, unknown>): string {
  return JSON.stringify({ tree: 'mainline', firmware: { softReserved: [SR], cfmws: [WINDOW] }, ...extra });
}

function problem(text: string, overrides: { tree?: string; set?: Record<string, string> } = {}): ScenarioError {
  try {
    parseScenario(text, 'scn.json', overrides);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario files: validation', () => {
  it('accepts the example of the contract and fills the defaults (nid 0, steps ["boot"])', () => {
    const s = parseScenario(JSON.stringify({ tree: 'mainline', firmware: { softReserved: [{ start: '0x1000000', end: '0x1ffffff' }] } }), 'x.json');
    expect(s.tree.name).to.equal('mainline');
    expect(s.softReserved).to.deep.equal([{ start: 0x1000000, end: 0x1ffffff, nid: 0 }]);
    expect(s.steps).to.deep.equal([{ kind: 'boot' }]);
  });

  it('parses modprobe and modprobe -r steps after boot; modprobe -r takes several names, as kmod\'s does', () => {
    const s = parseScenario(scenario({ steps: ['boot', 'modprobe -r dax_cxl', 'modprobe dax_cxl', 'modprobe -r  dax_cxl kmem  device-dax'] }), 'x.json');
    expect(s.steps.slice(1)).to.deep.equal([
      { kind: 'modprobe', module: 'dax_cxl', remove: true },
      { kind: 'modprobe', module: 'dax_cxl', remove: false },
      { kind: 'modprobe', module: 'dax_cxl', remove: true, modules: ['dax_cxl', 'kmem', 'device-dax'] },
    ]);
    // Each name must be a module; the message names the step and the name.
    expect(problem(scenario({ steps: ['boot', 'modprobe -r dax_cxl kmen device_dax'] })).message).to.match(/^scn\.json: steps\[1\]: "kmen" is not a module of tree mainline \(did you mean kmem\?\); its modules: /);
    // Options are the module's when loading; -r takes names only.
    expect(problem(scenario({ steps: ['boot', 'modprobe -r dax_hmem region_idle=1'] })).message).to.match(/^scn\.json: steps\[1\]: "region_idle=1" is not a module of tree mainline/);
    expect(problem(scenario({ steps: ['boot', 'modprobe -r'] })).message).to.equal('scn.json: steps[1]: unknown step "modprobe -r"; expected "boot", "modprobe NAME [PARAM=VALUE ...]" or "modprobe -r NAME..."');
  });

  it('rejects malformed JSON, naming the file', () => {
    const e = problem('{ "tree": ');
    expect(e.file).to.equal('scn.json');
    expect(e.message).to.match(/^scn\.json: \(file\): malformed JSON/);
  });

  it('requires a tree and lists the known ones for an unknown name', () => {
    expect(problem(JSON.stringify({})).field).to.equal('tree');
    const e = problem(scenario({ tree: 'v9' }));
    expect(e.field).to.equal('tree');
    expect(e.problem).to.contain('known trees: base,').and.to.contain('mainline');
  });

  it('rejects a config value other than y, m or n', () => {
    const e = problem(scenario({ config: { CXL_REGION: 'yes' } }));
    expect(e.field).to.equal('config.CXL_REGION');
    expect(e.problem).to.contain('is not "y", "m" or "n"');
  });

  it('rejects an address that is not a 0x hex string', () => {
    const e = problem(JSON.stringify({ tree: 'mainline', firmware: { softReserved: [{ start: '850000000', end: '0x284fffffff' }] } }));
    expect(e.field).to.equal('firmware.softReserved[0].start');
    expect(e.problem).to.contain('is not a "0x" hex string');
  });

  it('rejects an end below the start', () => {
    const e = problem(JSON.stringify({ tree: 'mainline', firmware: { softReserved: [{ start: '0x2000', end: '0x1000' }] } }));
    expect(e.field).to.equal('firmware.softReserved[0].end');
    expect(e.problem).to.contain('is below start');
  });

  it('rejects overlapping Soft Reserved ranges', () => {
    const e = problem(JSON.stringify({ tree: 'mainline', firmware: { softReserved: [{ start: '0x1000', end: '0x2fff' }, { start: '0x2000', end: '0x3fff' }] } }));
    expect(e.field).to.equal('firmware.softReserved[1]');
    expect(e.problem).to.contain('overlaps firmware.softReserved[0]');
  });

  it('rejects a region outside every CXL window', () => {
    const e = problem(scenario({ cxl: { regions: [{ start: '0x10000000000', end: '0x10fffffffff', assembly: 'commit' }] } }));
    expect(e.field).to.equal('cxl.regions[0]');
    expect(e.problem).to.contain('outside every CXL window');
  });

  it('rejects an unknown step and an unknown timing knob', () => {
    expect(problem(scenario({ steps: ['boot', 'insmod dax_cxl'] })).field).to.equal('steps[1]');
    const k = problem(scenario({ timing: { 'cxl_pcie.probe': 10 } }));
    expect(k.field).to.equal('timing.cxl_pcie.probe');
    expect(k.problem).to.contain('cxl_pci.probe');
  });

  it('rejects an assembly that is neither commit nor fail', () => {
    expect(problem(scenario({ cxl: { regions: [{ ...WINDOW, assembly: 'partial' }] } })).field).to.equal('cxl.regions[0].assembly');
  });

  it('takes the kmod release of the userspace (default: a current kmod) and rejects anything but a release number', () => {
    expect(parseScenario(scenario({}), 'a.json').userspace.kmodVersion).to.be.greaterThan(19);
    expect(parseScenario(scenario({ userspace: { kmodVersion: 19 } }), 'b.json').userspace.kmodVersion).to.equal(19);
    expect(problem(scenario({ userspace: { kmodVersion: 'v19' } })).field).to.equal('userspace.kmodVersion');
    expect(problem(scenario({ userspace: { kmod: 19 } })).field).to.equal('userspace.kmod');
  });

  it('takes an optional Type-2 accelerator whose probe uses or defers, and rejects anything else', () => {
    expect(parseScenario(scenario({}), 'a.json').accelerator).to.equal(null);
    expect(parseScenario(scenario({ accelerator: { probe: 'defer' } }), 'b.json').accelerator).to.deep.equal({ probe: 'defer' });
    expect(parseScenario(scenario({ accelerator: { probe: 'use' } }), 'c.json').accelerator).to.deep.equal({ probe: 'use' });
    const bad = problem(scenario({ accelerator: { probe: 'wait' } }));
    expect(bad.message).to.equal('scn.json: accelerator.probe: "wait" is not "use" or "defer"');
    expect(problem(scenario({ accelerator: { probe: 'use', count: 2 } })).field).to.equal('accelerator.count');
    expect(problem(scenario({ accelerator: 'defer' })).message).to.equal('scn.json: accelerator: expected an object such as { "probe": "defer" }');
    expect(problem(scenario({ accelerater: { probe: 'use' } })).problem).to.contain('did you mean accelerator?');
  });
});

describe('scenario files: names the tree does not have', () => {
  it('a step must name a module of the tree, as modprobe spells it; the known modules are listed', () => {
    for (const [i, step] of [[1, 'modprobe nosuch'], [2, 'modprobe -r nosuch'], [2, 'rmmod nosuch']] as const) {
      const steps = i === 1 ? ['boot', step] : ['boot', 'modprobe dax_cxl', step];
      const e = problem(scenario({ steps }));
      expect(e.message).to.match(new RegExp(`^scn\\.json: steps\\[${i}\\]: "nosuch" is not a module of tree mainline; its modules: .*\\bdax_cxl\\b`));
    }
    expect(problem(scenario({ steps: ['boot', 'modprobe dax_cx'] })).problem).to.contain('(did you mean dax_cxl?)');
    // Always built in, never a module.
    expect(problem(scenario({ steps: ['boot', 'modprobe pci'] })).field).to.equal('steps[1]');
    // A module that is not built, or built in, is a legitimate step: modprobe says what it thinks of it.
    const s = parseScenario(scenario({ config: { DEV_DAX_CXL: 'n' }, steps: ['boot', 'modprobe dax_cxl', 'modprobe -r cxl-acpi'] }), 'ok.json');
    expect(s.steps.slice(1)).to.deep.equal([
      { kind: 'modprobe', module: 'dax_cxl', remove: false },
      { kind: 'modprobe', module: 'cxl-acpi', remove: true },
    ]);
  });

  it('a config symbol no tree has is an error with the nearest name; lowercase and empty names too', () => {
    expect(problem(scenario({ config: { CXL_REGON: 'y' } })).message).to.equal(
      'scn.json: config.CXL_REGON: not a Kconfig symbol of any tree; did you mean CXL_REGION? (kshim run FILE --show config lists the CXL/DAX symbols)',
    );
    expect(problem(scenario({ config: { CONFIG_CXL_REGON: 'y' } })).field).to.equal('config.CONFIG_CXL_REGON');
    expect(problem(scenario({ config: { cxl_region: 'y' } })).problem).to.contain('did you mean CXL_REGION?');
    const empty = problem(scenario({ config: { '': 'y' } }));
    expect(empty.field).to.equal('config[""]');
    expect(empty.problem).to.contain('an empty symbol name');
  });

  it('blames --set, not the file, for a bad symbol or value given with --set', () => {
    expect(problem(scenario({}), { set: { CXL_REGON: 'y' } }).message).to.match(/^--set CXL_REGON=y: not a Kconfig symbol of any tree; did you mean CXL_REGION\?/);
    expect(problem(scenario({}), { set: { CXL_REGION: 'yes' } }).message).to.equal('--set CXL_REGION=yes: value "yes" is not y, m or n');
    expect(problem(scenario({}), { set: { CXL_REGION: 'y', CONFIG_CXL_REGION: 'n' } }).message).to.equal('--set CONFIG_CXL_REGION=n: contradicts --set CXL_REGION=y');
    const s = parseScenario(scenario({ config: { CXL_REGION: 'n' } }), 'x.json', { set: { CXL_REGION: 'y', CONFIG_CXL_PCI: 'm' } });
    expect(s.config).to.deep.equal({ CXL_REGION: 'y', CXL_PCI: 'm' });
    expect(s.configOrigin).to.deep.equal({ CXL_REGION: '--set CXL_REGION=y', CXL_PCI: '--set CONFIG_CXL_PCI=m' });
  });

  it('m for a bool is an error on the field or --set that asks it, in the tree the scenario runs on; m for a tristate is fine', () => {
    expect(problem(scenario({ config: { CXL_REGION: 'm' } })).message).to.equal('scn.json: config.CXL_REGION: CXL_REGION is a bool in tree mainline, so it takes y or n, not m');
    expect(problem(scenario({ config: { CONFIG_DEV_DAX_HMEM_DEVICES: 'm' } })).field).to.equal('config.CONFIG_DEV_DAX_HMEM_DEVICES');
    expect(problem(scenario({ config: { CXL_REGION: 'y' } }), { set: { MODULES: 'm' } }).message).to.equal('--set MODULES=m: MODULES is a bool in tree mainline, so it takes y or n, not m');
    expect(problem(scenario({}), { tree: 'v8/7', set: { CXL_REGION: 'm' } }).message).to.equal('--set CXL_REGION=m: CXL_REGION is a bool in tree v8/7, so it takes y or n, not m');
    expect(parseScenario(scenario({ config: { CXL_REGION: 'n', DEV_DAX_HMEM: 'm' } }), 'x.json', { set: { CXL_PCI: 'm' } }).config).to.deep.equal({ CXL_REGION: 'n', DEV_DAX_HMEM: 'm', CXL_PCI: 'm' });
  });

  it('a symbol given twice in config (with and without CONFIG_) is an error', () => {
    const e = problem(scenario({ config: { CXL_REGION: 'y', CONFIG_CXL_REGION: 'n' } }));
    expect(e.message).to.equal('scn.json: config.CONFIG_CXL_REGION: the same symbol as config.CXL_REGION; give it once');
  });

  it('an initramfs listing a module twice is an error, also spelt once with "-" and once with "_"', () => {
    expect(problem(scenario({ initramfs: ['cxl_pci', 'cxl_acpi', 'cxl_pci'] })).message).to.equal('scn.json: initramfs[2]: "cxl_pci" is listed twice (also initramfs[0])');
    expect(problem(scenario({ initramfs: ['cxl_pci', 'cxl-pci'] })).field).to.equal('initramfs[1]');
  });
});

describe('scenario files: --tree and the file\'s tree', () => {
  it('blames --tree, not the file, for an unknown tree given with --tree', () => {
    const e = problem(scenario({}), { tree: 'nosuch' });
    expect(e.message).to.match(/^--tree nosuch: unknown tree \(known: base, .*mainline/);
    expect(problem(scenario({}), { tree: 'v8-3' }).message).to.match(/^--tree v8-3: unknown tree; did you mean v8\/3\?/);
  });

  it('still checks the type of the file\'s tree under --tree; an unknown name there is overridden', () => {
    const e = problem(scenario({ tree: 5 }), { tree: 'mainline' });
    expect(e.message).to.match(/^scn\.json: tree: expected a string, one of base, /);
    expect(parseScenario(scenario({ tree: 'v9-of-a-colleague' }), 'x.json', { tree: 'v8' }).tree.name).to.equal('v8');
  });
});

describe('scenario files: null, types and bounds', () => {
  it('null is no default: each optional field rejects it, saying what it takes', () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ config: null }, 'config', 'expected an object of SYMBOL'],
      [{ steps: null }, 'steps', 'expected a non-empty array of steps'],
      [{ initramfs: null }, 'initramfs', 'expected an array of module names'],
      [{ hmemTest: null }, 'hmemTest', 'expected true or false'],
      [{ cxl: null }, 'cxl', 'expected an object with regions'],
      [{ cxl: { regions: null } }, 'cxl.regions', 'expected an array'],
      [{ timing: null }, 'timing', 'expected an object of knob: milliseconds'],
      [{ userspace: null }, 'userspace', 'expected an object'],
      [{ userspace: { kmodVersion: null } }, 'userspace.kmodVersion', 'expected a kmod release number'],
      [{ cxl: { regions: [{ ...WINDOW, assembly: null }] } }, 'cxl.regions[0].assembly', 'expected "commit" or "fail"'],
      [{ cxl: { regions: [{ ...WINDOW, targets: null }] } }, 'cxl.regions[0].targets', 'expected an integer from 1 to 16'],
      [{ accelerator: null }, 'accelerator', 'expected an object such as { "probe": "defer" }'],
      [{ asyncDevice: null }, 'asyncDevice', 'expected an object such as { "probe": 200 }'],
      [{ firmware: null }, 'firmware', 'expected an object with softReserved and cfmws'],
    ];
    for (const [extra, field, what] of cases) {
      const e = problem(scenario(extra));
      expect(e.field, JSON.stringify(extra)).to.equal(field);
      expect(e.problem, field).to.contain(what).and.to.match(/, not null \(leave the field out for the default\)$/);
    }
  });

  it('a description must be a string', () => {
    expect(problem(scenario({ description: 42 })).message).to.equal('scn.json: description: expected a string');
    expect(parseScenario(scenario({ description: 'a machine' }), 'x.json').tree.name).to.equal('mainline');
  });

  it('bounds durations by a day of virtual time, and the kmod release by 1000', () => {
    expect(problem(scenario({ timing: { rootfs: 1e300 } })).message).to.equal('scn.json: timing.rootfs: 1e+300 ms is more than a day of virtual time; expected at most 86400000 ms');
    expect(problem(scenario({ asyncDevice: { probe: 86_400_001 } })).field).to.equal('asyncDevice.probe');
    expect(parseScenario(scenario({ timing: { rootfs: 86_400_000 }, asyncDevice: { probe: 86_400_000 } }), 'x.json').timing['rootfs']).to.equal(86_400_000);
    expect(problem(scenario({ userspace: { kmodVersion: 100000 } })).problem).to.equal('expected a kmod release number from 1 to 1000, such as 19 or 34');
    expect(parseScenario(scenario({ userspace: { kmodVersion: 1000 } }), 'x.json').userspace.kmodVersion).to.equal(1000);
  });

  it('refuses a key given twice in one object, naming the field and where it comes again, rather than running on the last value', () => {
    const config = problem('{\n  "tree": "mainline",\n  "config": { "CXL_REGION": "y", "DEV_DAX": "m",\n    "CXL_REGION": "n" }\n}\n');
    expect(config.message).to.equal('scn.json: config.CXL_REGION: given twice (again at line 4, column 5); JSON keeps only the last, so give it once');
    expect(problem('{"tree": "v8/7", "tree": "mainline"}').field).to.equal('tree');
    const nid = problem(scenario({ firmware: { softReserved: [SR], cfmws: [WINDOW] } }).replace('"nid":1', '"nid":1,"nid":2'));
    expect(nid.field).to.equal('firmware.softReserved[0].nid');
    // Strings holding quotes, braces and commas are not keys.
    expect(parseScenario(scenario({ description: 'cxl_acpi "ACPI0017:00" {, [ \\ "tree": x' }), 'x.json').tree.name).to.equal('mainline');
  });

  it('reads a file saved with a UTF-8 byte order mark, and calls an empty file empty', () => {
    expect(parseScenario('\uFEFF' + scenario({}), 'x.json').tree.name).to.equal('mainline');
    expect(problem(' \n').message).to.equal('scn.json: (file): the file is empty; expected a JSON object such as { "tree": "mainline" }');
  });

  it('reports malformed JSON on one line, with the line and column when JSON.parse gives a position', () => {
    const token = problem('{\n  "tree": x\n}\n');
    expect(token.message).to.not.contain('\n');
    expect(token.message).to.match(/^scn\.json: \(file\): malformed JSON: Unexpected token/);
    const trailing = problem('{\n  "tree": "mainline",\n}\n');
    expect(trailing.message).to.not.contain('\n');
    expect(trailing.message).to.match(/\(line 3, column 1\)$/);
  });
});
