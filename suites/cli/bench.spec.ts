// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { runBench } from '../../bench/index.js';

describe('kshim bench --json: the report other tools read', function () {
  // The whole exhaustive exploration runs; the boot loops are cut short (figures are not checked).
  this.timeout(60_000);

  it('has the fields of the contract, each a positive finite number, and the exploration is complete; its line says "1 outcome class", not "1 outcome classes"', async () => {
    const lines: string[] = [];
    const report = await runBench((l) => lines.push(l), { boots: 20, bootWarmup: 5, survivorBoots: 20, schedulerSteps: 4000 });
    for (const field of ['bootsPerSecond', 'exploreSchedulesPerSecond', 'matrixMs', 'bootsPerSecondOwnContainer', 'bootMachineUsOwnContainer'] as const) {
      expect(report[field], field).to.be.a('number').and.to.be.greaterThan(0);
      expect(Number.isFinite(report[field]), field).to.equal(true);
    }
    expect(report.exploreComplete).to.equal(true);
    expect(report.exploreSchedules).to.equal(112);
    expect(report.matrixConfigs).to.equal(197);
    expect(report.porReductionFactor).to.be.greaterThan(1);
    expect(JSON.parse(JSON.stringify(report))).to.deep.equal(report);
    expect(lines.some((l) => l.startsWith('boot (scenarios/mainline-builtin.json'))).to.equal(true);
    // mainline-modular.json has one outcome class (explore.spec): a count of one takes the singular.
    expect(lines.find((l) => l.startsWith('explore (mainline, all modular, exhaustive): 112 schedules, complete, '))).to.match(/ schedules\/s, 1 outcome class$/);
    // The warm-up: the first 5 boots (bootWarmup) timed on their own, then windows of 5 until the rate
    // settles; it stops early only when settled, else at its cap of 4 x bootWarmup.
    expect([10, 15, 20]).to.include(report.bootWarmupBoots);
    if (!report.bootWarmupSettled) expect(report.bootWarmupBoots).to.equal(20);
    const bootLine = lines.find((l) => l.startsWith('boot (scenarios/mainline-builtin.json'))!;
    expect(bootLine).to.contain(`, ${report.bootsPerSecond} boots/s after ${report.bootWarmupBoots} warm-up boots`);
    expect(bootLine.includes('(the rate had not settled'), bootLine).to.equal(!report.bootWarmupSettled);
    expect(lines).to.include(`  the first 5 boots of the process: ${report.bootsPerSecondCold} boots/s (before V8 has optimised the hot code)`);
    expect(report.bootColdBoots).to.equal(5);
    // The same boots with a container per machine, as tests and kshim run build them (framework/image.ts).
    expect(lines).to.include(`  each machine in a container of its own (tests, kshim run): ${report.bootsPerSecondOwnContainer} boots/s, building the machine ${report.bootMachineUsOwnContainer} µs`);
    // At least half the timed boots take the median or longer, so the rate is at most 2 / median.
    expect((report.bootsPerSecond - 0.5) * (report.bootMedianMs - 0.0005)).to.be.at.most(2 * 1000);
    // The rates are their counts over their times (each figure rounded on its own).
    const perSecond = report.exploreSchedules / (report.exploreMs / 1000);
    expect(report.exploreSchedulesPerSecond).to.be.closeTo(perSecond, 1 + perSecond / report.exploreMs);
    expect(report.porReductionFactor).to.be.closeTo(report.naiveSchedulesEstimate / report.exploreSchedules, 0.012 * report.porReductionFactor);
  });
});
