// SPDX-License-Identifier: GPL-2.0-only
/** What a new user's typos get back: the likely intent and what to do next. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario, ScenarioError } from '../../harness/scenario.js';
import { closest, hintTree } from '../../harness/suggest.js';
import { adjustmentNotes, scenarioNotes } from '../../cli/load.js';
import { ALL_TREES } from '../../trees/registry.js';
import { withoutCxl, withoutCxlRegion } from './trees.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const KSHIM = join(ROOT, 'bin/kshim.js');
const NAMES = ALL_TREES.map((t) => t.name);

function problem(json: unknown): string {
  try {
    parseScenario(JSON.stringify(json), 'typo.json');
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

describe('friendly errors: typos and names from elsewhere', () => {
  it('suggests the nearest name only when it is close', () => {
    expect(closest('CXL_REGON', ['CXL_REGION', 'CXL_PCI', 'DEV_DAX'])).to.equal('CXL_REGION');
    expect(closest('dev_dax_hmem', ['DEV_DAX_HMEM', 'DEV_DAX_CXL'])).to.equal('DEV_DAX_HMEM');
    expect(closest('NVDIMM', ['CXL_REGION', 'DEV_DAX'])).to.equal(undefined);
  });

  it('maps tree names of other releases and namings to the tree that has them', () => {
    expect(hintTree('v8-3', NAMES)).to.equal('; did you mean v8/3?');
    expect(hintTree('v7.0-rc4', NAMES)).to.contain('"base"');
    expect(hintTree('cxl-for-7.1', NAMES)).to.contain('"mainline"');
    expect(hintTree('v8/12', NAMES)).to.equal('; v8 has patches 1 to 9');
    expect(hintTree('v6', NAMES)).to.contain('only v7 and v8');
    expect(hintTree('v9', NAMES)).to.contain('docs/testing-your-patch.md');
    expect(hintTree('mainlin', NAMES)).to.equal('; did you mean mainline?');
  });

  it('an initramfs entry must name a module of the tree (with the nearest name); "cxl-acpi" is cxl_acpi, as modprobe reads it', () => {
    expect(problem({ tree: 'mainline', initramfs: ['cxl_core', 'cxl_acp'] })).to.match(/^typo\.json: initramfs\[1\]: "cxl_acp" is not a module of tree mainline \(did you mean cxl_acpi\?\); its modules: .*\bcxl_pci\b/);
    expect(problem({ tree: 'mainline', initramfs: ['pci'] })).to.match(/^typo\.json: initramfs\[0\]: "pci" is not a module of tree mainline/);
    expect(parseScenario(JSON.stringify({ tree: 'mainline', initramfs: ['cxl-acpi'] }), 'ok.json').initramfs).to.deep.equal(['cxl_acpi']);
  });

  it('asyncDevice takes a probe time in milliseconds', () => {
    expect(problem({ tree: 'mainline', asyncDevice: { probe: -1 } })).to.equal('typo.json: asyncDevice.probe: expected a non-negative number of milliseconds');
    expect(problem({ tree: 'mainline', asyncDevice: { probes: 5 } })).to.equal('typo.json: asyncDevice.probes: unknown field; expected probe');
    expect(parseScenario(JSON.stringify({ tree: 'mainline', asyncDevice: { probe: 200 } }), 'ok.json').asyncDevice).to.deep.equal({ probe: 200 });
  });

  it('names the file and field, with the suggestion, for a misspelt top-level field, timing knob or tree', () => {
    expect(problem({ tree: 'mainline', firmwre: {} })).to.match(/^typo\.json: firmwre: unknown field \(did you mean firmware\?\)/);
    expect(problem({ tree: 'mainline', timing: { 'cxl_pci.prob': 3 } })).to.match(/^typo\.json: timing\.cxl_pci\.prob: unknown knob \(did you mean cxl_pci\.probe\?\)/);
    expect(problem({ tree: 'rc4' })).to.match(/^typo\.json: tree: unknown tree "rc4"; the series applies to v7\.0-rc4, which is the tree "base"; known trees: base, /);
  });

  it('kshim run: a Kconfig symbol no tree has exits 2 with the nearest name; a machine without Soft Reserved ranges runs, with a note on stderr saying what to do', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kshim-typo-'));
    const file = join(dir, 'typo.json');
    writeFileSync(file, JSON.stringify({ tree: 'mainline', config: { CXL_REGON: 'n' } }));
    const r = spawnSync(process.execPath, [KSHIM, 'run', file, '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr.trim().split('\n')).to.deep.equal([`kshim: ${file}: config.CXL_REGON: not a Kconfig symbol of any tree; did you mean CXL_REGION? (kshim run FILE --show config lists the CXL/DAX symbols)`]);
    const none = join(dir, 'none.json');
    writeFileSync(none, JSON.stringify({ tree: 'mainline', config: { CXL_REGION: 'n' } }));
    const ok = spawnSync(process.execPath, [KSHIM, 'run', none, '--json'], { cwd: ROOT, encoding: 'utf8' });
    expect(ok.status).to.equal(0);
    expect(ok.stderr).to.contain(`kshim: ${none}: firmware.softReserved: no Soft Reserved range`);
  });

  it('a symbol another tree has but this one lacks is a note, blamed on the file, on --set, or on kshim\'s baseline, where it came from', () => {
    const text = JSON.stringify({ tree: 'mainline', config: { CONFIG_CXL_REGION: 'y' }, firmware: { softReserved: [] } });
    const fromFile = parseScenario(text, 'a.json');
    expect(scenarioNotes({ ...fromFile, tree: withoutCxlRegion })).to.deep.equal([
      'a.json: config.CONFIG_CXL_REGION: not a Kconfig symbol of tree no-region, ignored (kshim run FILE --show config lists the CXL/DAX symbols)',
    ]);
    const fromSet = parseScenario(text, 'a.json', { set: { CXL_REGION: 'n' } });
    expect(scenarioNotes({ ...fromSet, tree: withoutCxlRegion })).to.deep.equal([
      '--set CXL_REGION=n: not a Kconfig symbol of tree no-region, ignored (kshim run FILE --show config lists the CXL/DAX symbols)',
    ]);
    const plain = parseScenario(JSON.stringify({ tree: 'mainline', firmware: { softReserved: [] } }), 'b.json');
    const baseline = scenarioNotes({ ...plain, tree: withoutCxl });
    expect(baseline).to.have.length(1);
    expect(baseline[0]).to.match(/^kshim's baseline CXL_BUS=y \(every scenario starts from CXL_BUS=y DAX=y DEV_DAX=y\): not a Kconfig symbol of tree no-cxl, ignored/);
    expect(baseline[0]).to.not.contain('b.json');
  });

  it('the values Kconfig changed are notes blamed on where they were asked for', () => {
    const text = JSON.stringify({ tree: 'mainline', config: { CXL_ACPI: 'm', DEV_DAX_HMEM: 'y' }, firmware: { softReserved: [] } });
    expect(adjustmentNotes(parseScenario(text, 'a.json'))).to.deep.equal(['a.json: config.DEV_DAX_HMEM: DEV_DAX_HMEM=y requested, m used (limited by CXL_ACPI || !CXL_ACPI)']);
    expect(adjustmentNotes(parseScenario(text, 'a.json', { set: { DEV_DAX: 'm', DEV_DAX_KMEM: 'y' } }))).to.deep.equal([
      'a.json: config.DEV_DAX_HMEM: DEV_DAX_HMEM=y requested, m used (limited by CXL_ACPI || !CXL_ACPI)',
      '--set DEV_DAX_KMEM=y: DEV_DAX_KMEM=y requested, m used (limited by DEV_DAX)',
    ]);
    // MODULES=n makes every m a y: that is Kconfig at work, so a note too.
    expect(adjustmentNotes(parseScenario(text, 'a.json', { set: { MODULES: 'n' } }))).to.deep.equal(['a.json: config.CXL_ACPI: CXL_ACPI=m requested, y used (limited by MODULES=n)']);
  });

  it('an explicit "softReserved": [] means none on purpose: no note, while leaving the field out gets one', () => {
    const omitted = parseScenario(JSON.stringify({ tree: 'mainline', firmware: { cfmws: [{ start: '0x850000000', end: '0x284fffffff' }] } }), 'omitted.json');
    const explicit = parseScenario(JSON.stringify({ tree: 'mainline', firmware: { softReserved: [], cfmws: [{ start: '0x850000000', end: '0x284fffffff' }] } }), 'explicit.json');
    expect(scenarioNotes(omitted).join('\n')).to.contain('omitted.json: firmware.softReserved: no Soft Reserved range');
    expect(scenarioNotes(explicit)).to.deep.equal([]);
  });

  it('no shipped scenario draws a note', () => {
    const dir = join(ROOT, 'scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).to.be.greaterThan(5);
    for (const f of files) {
      const s = parseScenario(readFileSync(join(dir, f), 'utf8'), `scenarios/${f}`);
      expect(scenarioNotes(s), f).to.deep.equal([]);
    }
  });
});

