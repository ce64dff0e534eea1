// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { parseScenario, ScenarioError } from '../../harness/scenario.js';

const SR = { start: '0x850000000', end: '0x284fffffff', nid: 1 };
const WINDOW = { start: '0x850000000', end: '0x284fffffff' };

function scenario(extra: Record<string, unknown>): string {
  return JSON.stringify({ tree: 'mainline', firmware: { softReserved: [SR], cfmws: [WINDOW] }, ...extra });
}

function problem(text: string): ScenarioError {
  try {
    parseScenario(text, 'scn.json');
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

  it('parses modprobe and modprobe -r steps after boot', () => {
    const s = parseScenario(scenario({ steps: ['boot', 'modprobe -r dax_cxl', 'modprobe dax_cxl'] }), 'x.json');
    expect(s.steps.slice(1)).to.deep.equal([
      { kind: 'modprobe', module: 'dax_cxl', remove: true },
      { kind: 'modprobe', module: 'dax_cxl', remove: false },
    ]);
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
