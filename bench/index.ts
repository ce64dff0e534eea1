// SPDX-License-Identifier: GPL-2.0-only
/**
 * kshim's benchmarks: figures the issues name as targets, measured in
 * process on one core. Never run by `npm test`.
 */
import { matrixSweep } from './kconfig-matrix.js';
import { bootTiming, mainlineBuiltinScenario } from './boot.js';
import { schedulerStepsPerSecond } from './scheduler-steps.js';

export interface BenchReport {
  readonly schedulerStepsPerSecond: number;
  readonly bootMedianMs: number;
  readonly bootsPerSecond: number;
  readonly matrixMs: number;
  readonly matrixConfigs: number;
}

export async function runBench(log: (line: string) => void = () => {}): Promise<BenchReport> {
  await schedulerStepsPerSecond(100_000);
  const steps = await schedulerStepsPerSecond();
  log(`scheduler: ${Math.round(steps.stepsPerSecond).toLocaleString('en-US')} steps/s (${steps.steps} steps)`);
  const boot = await bootTiming(mainlineBuiltinScenario());
  log(`boot (mainline, all built in, to idle): median ${boot.medianMs.toFixed(3)} ms, ${Math.round(boot.bootsPerSecond)} boots/s`);
  matrixSweep();
  const m = matrixSweep();
  const matrixMs = m.loadMs + m.sweepMs;
  log(`Kconfig matrix (3 texts x DEV_DAX y/m, link check each): ${matrixMs.toFixed(1)} ms for ${m.rows.reduce((n, r) => n + r.valid, 0)} valid configs`);
  return {
    schedulerStepsPerSecond: Math.round(steps.stepsPerSecond),
    bootMedianMs: Number(boot.medianMs.toFixed(3)),
    bootsPerSecond: Math.round(boot.bootsPerSecond),
    matrixMs: Number(matrixMs.toFixed(1)),
    matrixConfigs: m.rows.reduce((n, r) => n + r.valid, 0),
  };
}
