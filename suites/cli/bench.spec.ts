// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { runBench } from '../../bench/index.js';

describe('kshim bench --json: the report other tools read', function () {
  // The whole exhaustive exploration runs; the boot loops are cut short (figures are not checked).
  this.timeout(60_000);

  it('has the fields of the contract, each a positive finite number, and the exploration is complete', async () => {
    const lines: string[] = [];
    const report = await runBench((l) => lines.push(l), { boots: 20, bootWarmup: 5, survivorBoots: 20, schedulerSteps: 4000 });
    for (const field of ['bootsPerSecond', 'exploreSchedulesPerSecond', 'matrixMs'] as const) {
      expect(report[field], field).to.be.a('number').and.to.be.greaterThan(0);
      expect(Number.isFinite(report[field]), field).to.equal(true);
    }
    expect(report.exploreComplete).to.equal(true);
    expect(report.exploreSchedules).to.equal(112);
    expect(report.matrixConfigs).to.equal(197);
    expect(report.porReductionFactor).to.be.greaterThan(1);
    expect(JSON.parse(JSON.stringify(report))).to.deep.equal(report);
    expect(lines.some((l) => l.startsWith('boot (scenarios/mainline-builtin.json'))).to.equal(true);
    // The warm-up: the first boots timed on their own, then windows until the rate settles (at most 4 times the minimum).
    expect(report.bootsPerSecondCold).to.be.greaterThan(0);
    expect(report.bootWarmupBoots).to.be.within(10, 20);
    expect(report.bootWarmupSettled).to.be.a('boolean');
  });
});
