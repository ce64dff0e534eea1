// SPDX-License-Identifier: GPL-2.0-only
/**
 * kshim's benchmarks: the figures the issues name as targets, measured in
 * process on one core. Never run by `npm test`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Explorer } from '../harness/explore/explorer.js';
import { configMatrix } from '../harness/matrix.js';
import { parseScenario } from '../harness/scenario.js';
import { findTree } from '../trees/index.js';
import { bootTiming, mainlineBuiltinScenario, youngSurvivorsKB } from './boot.js';
import { schedulerStepsPerSecond } from './scheduler-steps.js';
import { count } from '../cli/plural.js';

export interface BenchReport {
  /** Scheduler steps per second (tasks passing preemption points and sleeping). */
  readonly schedulerStepsPerSecond: number;
  /** Mainline, all built in: median ms of one boot to idle with the result collected. */
  readonly bootMedianMs: number;
  /** The same, boots per second over consecutive runs, once the process has warmed up. */
  readonly bootsPerSecond: number;
  /** Boots per second of the first boots of a fresh process (what a short CLI run sees). */
  readonly bootsPerSecondCold: number;
  /** How many first boots bootsPerSecondCold is over. */
  readonly bootColdBoots: number;
  /** Boots run to warm up before the timed ones. */
  readonly bootWarmupBoots: number;
  /** Whether the boot rate had settled when the warm-up ended (false: it stopped at its cap). */
  readonly bootWarmupSettled: boolean;
  /** Of one boot: µs to build the machine (its subsystems, resolved from the kernel image) before PID 1 runs. */
  readonly bootMachineUs: number;
  /** The same boots, each machine in an inversify container of its own (as tests and `kshim run` build them). */
  readonly bootsPerSecondOwnContainer: number;
  readonly bootMachineUsOwnContainer: number;
  /** Of the boots' wall time: the share spent in garbage collection (0..1). */
  readonly bootGcShare: number;
  /** KB per finished boot that a young-generation GC cannot free (should stay near the log's size). */
  readonly bootYoungSurvivorsKB: number;
  /** Exhaustive exploration of the all-modular mainline scenario. */
  readonly exploreSchedules: number;
  readonly exploreComplete: boolean;
  readonly exploreMs: number;
  readonly exploreSchedulesPerSecond: number;
  /** Knuth's estimate of the schedules without partial-order reduction, and the reduction factor. */
  readonly naiveSchedulesEstimate: number;
  readonly porReductionFactor: number;
  /** Kconfig matrix of the mainline tree (every valid configuration, link check each). */
  readonly matrixMs: number;
  readonly matrixConfigs: number;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** How much each benchmark runs; the defaults are what `kshim bench` reports. */
export interface BenchSizes {
  readonly boots: number;
  readonly bootWarmup: number;
  readonly survivorBoots: number;
  readonly schedulerSteps: number;
}

const FULL: BenchSizes = { boots: 2000, bootWarmup: 4000, survivorBoots: 200, schedulerSteps: 400_000 };


export async function runBench(log: (line: string) => void = () => {}, sizes: BenchSizes = FULL): Promise<BenchReport> {
  const boot = await bootTiming(mainlineBuiltinScenario(), 'image', sizes.boots, sizes.bootWarmup);
  log(`boot (scenarios/mainline-builtin.json, to idle, result collected): median ${boot.medianMs.toFixed(3)} ms, ${Math.round(boot.bootsPerSecond)} boots/s after ${count(boot.warmupBoots, 'warm-up boot')}${boot.warmupSettled ? '' : ' (the rate had not settled; the warm-up stopped at its cap)'}`);
  log(`  of which: building the machine (its subsystems, resolved from the kernel image) ${Math.round(boot.machineUs)} µs per boot; garbage collection ${(boot.gcShare * 100).toFixed(0)}% of the time`);
  log(`  the first ${count(boot.coldBoots, 'boot')} of the process: ${Math.round(boot.coldBootsPerSecond)} boots/s (before V8 has optimised the hot code)`);
  const survivors = await youngSurvivorsKB(mainlineBuiltinScenario(), 'image', sizes.survivorBoots);
  log(`  a finished boot leaves ${survivors.toFixed(1)} KB that a young-generation GC cannot free`);
  // The process is warm: a shorter warm-up settles the container path's own code.
  const own = await bootTiming(mainlineBuiltinScenario(), 'container', Math.ceil(sizes.boots / 2), Math.max(1, Math.floor(sizes.bootWarmup / 4)));
  log(`  each machine in a container of its own (tests, kshim run): ${Math.round(own.bootsPerSecond)} boots/s, building the machine ${Math.round(own.machineUs)} µs`);

  const file = `${ROOT}scenarios/mainline-modular.json`;
  const modular = parseScenario(readFileSync(file, 'utf8'), file);
  const t0 = process.hrtime.bigint();
  const explorer = new Explorer(modular, { strategy: 'exhaustive', runs: 100_000 });
  const report = await explorer.explore();
  const exploreMs = ms(t0);
  const naive = await explorer.naiveEstimate(30);
  log(`explore (mainline, all modular, exhaustive): ${count(report.schedulesExplored, 'schedule')}, ${report.complete ? 'complete' : 'not complete'}, ${(exploreMs / 1000).toFixed(2)} s, ${Math.round(report.schedulesExplored / (exploreMs / 1000))} schedules/s, ${count(report.outcomes.length, 'outcome class', 'outcome classes')}`);
  log(`  without partial-order reduction: about ${naive.toExponential(2)} schedules (Knuth estimate), reduction factor ${(naive / report.schedulesExplored).toExponential(2)}`);

  const tree = findTree('mainline')!;
  await configMatrix(tree);
  const t1 = process.hrtime.bigint();
  const matrix = await configMatrix(tree);
  const matrixMs = ms(t1);
  log(`Kconfig matrix (mainline, ${count(matrix.valid, 'valid configuration')}, link check each): ${matrixMs.toFixed(1)} ms`);

  // Last: one scheduler living through 400,000 steps teaches V8 to allocate
  // the scheduler's arrays in the old generation, and measured first it made
  // every later boot's scheduler pin its machine (docs/performance.md).
  await schedulerStepsPerSecond(sizes.schedulerSteps / 4);
  const steps = await schedulerStepsPerSecond(sizes.schedulerSteps);
  log(`scheduler: ${Math.round(steps.stepsPerSecond).toLocaleString('en-US')} steps/s`);

  return {
    schedulerStepsPerSecond: Math.round(steps.stepsPerSecond),
    bootMedianMs: Number(boot.medianMs.toFixed(3)),
    bootsPerSecond: Math.round(boot.bootsPerSecond),
    bootsPerSecondCold: Math.round(boot.coldBootsPerSecond),
    bootColdBoots: boot.coldBoots,
    bootWarmupBoots: boot.warmupBoots,
    bootWarmupSettled: boot.warmupSettled,
    bootMachineUs: Math.round(boot.machineUs),
    bootsPerSecondOwnContainer: Math.round(own.bootsPerSecond),
    bootMachineUsOwnContainer: Math.round(own.machineUs),
    bootGcShare: Number(boot.gcShare.toFixed(3)),
    bootYoungSurvivorsKB: Number(survivors.toFixed(1)),
    exploreSchedules: report.schedulesExplored,
    exploreComplete: report.complete,
    exploreMs: Math.round(exploreMs),
    exploreSchedulesPerSecond: Math.round(report.schedulesExplored / (exploreMs / 1000)),
    naiveSchedulesEstimate: Number(naive.toPrecision(3)),
    porReductionFactor: Number((naive / report.schedulesExplored).toPrecision(3)),
    matrixMs: Number(matrixMs.toFixed(1)),
    matrixConfigs: matrix.valid,
  };
}
