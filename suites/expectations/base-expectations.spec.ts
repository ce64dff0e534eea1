// SPDX-License-Identifier: GPL-2.0-only
/**
 * Dan's canned test of base expectations (harness/expectations.ts) on
 * every tree state, with the verdict the series says each tree should get.
 * The runner judges; this file is where the expected verdicts live.
 */
import { expect } from 'chai';
import { EXPECTATIONS, formatVerdictTable, runBaseExpectations, type BaseExpectationsResult, type ExpectationId } from '../../harness/expectations.js';
import { TREES } from '../../trees/index.js';

/** The trees before the deferred decision (v8 8/9, v7 6/7): ownership is decided once, at probe time. */
const BEFORE_DEFERRAL = ['base', 'v7/1', 'v7/2', 'v7/3', 'v7/4', 'v7/5', 'v8/1', 'v8/2', 'v8/3', 'v8/4', 'v8/5', 'v8/6', 'v8/7'];
/** The trees with the deferred, per-range decision. */
const WITH_DEFERRAL = ['v8/8', 'v8/9', 'v8', 'v7/6', 'v7/7', 'v7', 'mainline'];

function marks(r: BaseExpectationsResult, tree: string): string {
  const v = r.verdicts[tree]!;
  return EXPECTATIONS.map((e) => `${e.id}${v[e.id].pass ? '✓' : '✗'}`).join(' ');
}

describe('base expectations: Dan\'s canned test on every tree state', () => {
  let result: BaseExpectationsResult;

  before(async () => {
    result = await runBaseExpectations(TREES.map((t) => t.name));
  });

  it('judges every tree state in series order against E1..E6', () => {
    expect(result.trees).to.deep.equal(TREES.map((t) => t.name));
    expect(result.expectations.map((e) => e.id)).to.deep.equal(['E1', 'E2', 'E3', 'E4', 'E5', 'E6']);
    expect([...BEFORE_DEFERRAL, ...WITH_DEFERRAL].sort()).to.deep.equal(result.trees.slice().sort());
  });

  it('before the deferred decision a committed region is still CXL\'s: hmem says "deferring range to CXL" and dax_cxl binds dax_region0 (E1 holds from base on)', () => {
    for (const t of BEFORE_DEFERRAL) {
      const v = result.verdicts[t]!.E1;
      expect(v.pass, t).to.equal(true);
      expect(v.reason, t).to.equal('dax_cxl owns 0x850000000-0x284fffffff (dax_region platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0) after hmem_platform said "deferring range to CXL"');
    }
  });

  it('before the deferred decision a range that meets a CXL window is left to CXL even when no region claims it: E2 and E4 fail with "deferring range to CXL" and no owner', () => {
    for (const t of BEFORE_DEFERRAL) {
      const v = result.verdicts[t]!;
      expect(marks(result, t), t).to.equal('E1✓ E2✗ E3✓ E4✗ E5✓ E6✗');
      expect(v.E2.reason, t).to.equal('0x850000000-0x284fffffff has no owner (hmem_platform said "deferring range to CXL")');
      // Per range: the committed half is CXL's, the uncovered half nobody's.
      expect(v.E4.reason, t).to.equal('0x1050000000-0x284fffffff has no owner (hmem_platform said "deferring range to CXL")');
      // E6 fails for exactly those two ranges, not for a WARN, a leak or a double claim.
      expect(v.E6.reason, t).to.equal(`E2: ${v.E2.reason}; E4: ${v.E4.reason}`);
      // The machines to reboot for each failing cell, as data: E6 names the two that broke it.
      expect(EXPECTATIONS.map((e) => [e.id, v[e.id].machines]), t).to.deep.equal([
        ['E1', []],
        ['E2', ['E2']],
        ['E3', []],
        ['E4', ['E4']],
        ['E5', []],
        ['E6', ['E2', 'E4']],
      ]);
    }
  });

  it('from v8 8/9 (and v7 6/7) on, every expectation holds: an uncommitted region goes to HMEM via "CXL did not claim resource", each range of a split window is decided alone', () => {
    for (const t of WITH_DEFERRAL) {
      expect(marks(result, t), t).to.equal('E1✓ E2✓ E3✓ E4✓ E5✓ E6✓');
      const v = result.verdicts[t]!;
      for (const e of EXPECTATIONS) expect(v[e.id].machines, `${t} ${e.id}`).to.deep.equal([]);
      const queued = t.startsWith('v7') ? 'deferring range to CXL' : 'await CXL initial probe';
      expect(v.E2.reason, t).to.match(/^dax_hmem owns 0x850000000-0x284fffffff \(dax_region platform\/(hmem_platform\.0\/)?hmem\.\d+\) after /);
      expect(v.E2.reason, t).to.include(`after hmem_platform said "${queued}", then "CXL did not claim resource, registering"`);
      const [low, high] = v.E4.reason.split('; ');
      expect(low, t).to.equal(`dax_cxl owns 0x850000000-0x104fffffff (dax_region platform/ACPI0017:00/root0/decoder0.0/region0/dax_region0) after hmem_platform said "${queued}", then "CXL claims resource, dropping"`);
      expect(high, t).to.match(/^dax_hmem owns 0x1050000000-0x284fffffff \(dax_region platform\/(hmem_platform\.0\/)?hmem\.\d+\) after /);
      expect(high, t).to.include(`after hmem_platform said "${queued}", then "CXL did not claim resource, registering"`);
    }
  });

  it('v8 9/9 (Soft Reserved back in iomem) breaks none of them: v8/9 and v8 judge like v8/8, v7/7 like v7/6', () => {
    const all = (t: string) => EXPECTATIONS.map((e) => result.verdicts[t]![e.id]);
    expect(all('v8/9')).to.deep.equal(all('v8/8'));
    expect(all('v8')).to.deep.equal(all('v8/8'));
    expect(all('v7/7')).to.deep.equal(all('v7/6'));
  });

  it('mainline: CXL_REGION=n gives HMEM everything, and hmem.N sits under hmem_platform.0 (059edcc405e4)', () => {
    const v = result.verdicts['mainline']!;
    expect(v.E3.reason).to.match(/^dax_hmem owns 0x850000000-0x284fffffff \(dax_region platform\/hmem_platform\.0\/hmem\.\d+\)$/);
    expect(result.verdicts['v8/8']!.E3.reason).to.match(/^dax_hmem owns 0x850000000-0x284fffffff \(dax_region platform\/hmem\.\d+\)$/);
  });

  it('on every tree a range outside every CXL window is registered while dax_hmem loads, with no "await CXL initial probe" for it (E5)', () => {
    for (const t of result.trees) {
      const v = result.verdicts[t]!.E5;
      expect(v.pass, t).to.equal(true);
      expect(v.reason, t).to.match(/^dax_hmem owns 0x3000000000-0x30ffffffff: hmem\.\d+ bound while dax_hmem loaded, no deferral line for it$/);
    }
  });

  it('formatVerdictTable lists every tree with one mark per expectation, the titles, and the reason of each failure', () => {
    const text = formatVerdictTable(result);
    const rows = text.split('\n');
    expect(rows[0]).to.match(/^tree\s+E1 {2}E2 {2}E3 {2}E4 {2}E5 {2}E6$/);
    for (const t of result.trees) {
      const row = rows.find((l) => l.startsWith(`${t.padEnd(8)}  `));
      expect(row, t).to.not.equal(undefined);
      const got = row!.slice(10).trim().split(/\s+/);
      expect(got, t).to.deep.equal(EXPECTATIONS.map((e) => (result.verdicts[t]![e.id].pass ? '✓' : '✗')));
    }
    for (const e of EXPECTATIONS) expect(rows).to.include(`${e.id}  ${e.title}`);
    const failures = rows.slice(rows.indexOf('failures:') + 1);
    // Every failing cell is on exactly one line, with its reason; trees failing the same way share it.
    for (const t of result.trees) {
      for (const id of Object.keys(result.verdicts[t]!) as ExpectationId[]) {
        const v = result.verdicts[t]![id];
        const on = failures.filter((l) => l.startsWith(`  ${id} on `) && l.endsWith(`: ${v.reason}`) && l.slice(`  ${id} on `.length, l.length - v.reason.length - 2).split(', ').includes(t));
        expect(on, `${t} ${id}`).to.have.length(v.pass ? 0 : 1);
      }
    }
    expect(failures).to.deep.equal([
      `  E2 on ${BEFORE_DEFERRAL.join(', ')}: ${result.verdicts['base']!.E2.reason}`,
      `  E4 on ${BEFORE_DEFERRAL.join(', ')}: ${result.verdicts['base']!.E4.reason}`,
      `  E6 on ${BEFORE_DEFERRAL.join(', ')}: ${result.verdicts['base']!.E6.reason}`,
    ]);
  });

  it('runs a chosen list of trees and refuses an unknown one by name', async () => {
    const two = await runBaseExpectations(['mainline', 'base']);
    expect(two.trees).to.deep.equal(['mainline', 'base']);
    expect(two.verdicts['base']).to.deep.equal(result.verdicts['base']);
    let err: Error | null = null;
    try {
      await runBaseExpectations(['v8-8']);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).to.match(/^base expectations: unknown tree "v8-8"; known trees: base, v7\/1, /);
  });
});
