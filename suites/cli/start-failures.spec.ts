// SPDX-License-Identifier: GPL-2.0-only
/** kshim start: which boots rerun a failing cell, from the verdicts' machines. */
import { expect } from 'chai';
import { EXPECTATIONS, type BaseExpectationsResult, type ExpectationId, type Verdict } from '../../harness/expectations.js';
import { failedBoots, failingCells } from '../../cli/report/failures.js';

const PASS: Verdict = { pass: true, reason: 'dax_cxl owns 0x850000000-0x284fffffff', machines: [] };

/** A result for one tree, every cell passing but those given. */
function result(tree: string, failing: Partial<Record<ExpectationId, Verdict>>): BaseExpectationsResult {
  const verdicts = Object.fromEntries(EXPECTATIONS.map((e) => [e.id, failing[e.id] ?? PASS])) as Record<ExpectationId, Verdict>;
  return { trees: [tree], expectations: EXPECTATIONS.slice(), verdicts: { [tree]: verdicts } };
}

describe('kshim start: the boots that reproduce a failing cell', () => {
  it('reruns the machines an E6 verdict names as data, however its reason is worded', () => {
    // A reason that does not start with "E4: ": reading the text would rerun all five machines.
    const r = result('v8/7', {
      E4: { pass: false, reason: '0x1050000000-0x284fffffff has no owner (hmem_platform said "deferring range to CXL")', machines: ['E4'] },
      E6: { pass: false, reason: 'leak: dax_region hmem.4 still holds 0x1050000000-0x284fffffff after modprobe -r dax_hmem', machines: ['E4'] },
    });
    expect(failingCells(r).map((c) => [c.id, c.boots.map((b) => b.machine)])).to.deep.equal([
      ['E4', ['E4']],
      ['E6', ['E4']],
    ]);
    // One timeline page per boot, though two cells point at it.
    expect(failedBoots(r)).to.deep.equal([{ tree: 'v8/7', machine: 'E4' }]);
  });

  it('has nothing to rerun when every cell passes', () => {
    expect(failingCells(result('mainline', {}))).to.deep.equal([]);
    expect(failedBoots(result('mainline', {}))).to.deep.equal([]);
  });
});
