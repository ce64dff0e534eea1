// SPDX-License-Identifier: GPL-2.0-only
/** Running a scenario under a schedule id given with --schedule (replay, timeline, shell). */
import type { Scenario } from '../harness/scenario.js';
import { runScenario, strategyFor, type Run, type RunOptions } from '../harness/run.js';
import { decodeSchedule } from '../harness/schedule.js';
import { UsageError } from './errors.js';

export interface ScheduleArgs {
  readonly schedule?: string;
  readonly tree?: string;
  readonly set: readonly string[];
}

/**
 * Run `scenario` under the schedule id of `args`, or the default order
 * without one. An id the scenario cannot have produced is an input error;
 * under --tree or --set the choice points are another build's, so what fits
 * is applied and the rest is reported on stderr with the id that ran.
 */
export async function runWithSchedule(file: string, scenario: Scenario, args: ScheduleArgs, opts: RunOptions = {}): Promise<Run> {
  if (args.schedule === undefined) return await runScenario(scenario, opts);
  const spec = decodeSchedule(args.schedule);
  const strategy = strategyFor(spec);
  const run = await runScenario(scenario, { ...opts, strategy, timeMode: spec.timeMode });
  const trace = run.machine?.kernel.sched.trace;
  if (trace?.enabled) {
    // The deviations on the timeline: on the task that ran, saying which task the default order would have run.
    strategy.taken.forEach((d, i) => {
      trace.marks.push({ kind: 'choice', name: `deviation ${i + 1} of ${strategy.taken.length}`, pid: d.chosen.pid, time: d.now, text: `ran before ${d.postponed.comm} (pid ${d.postponed.pid}), the default order's pick at choice point ${d.index}` });
    });
  }
  const misfits = strategy.misfits(run.choices.length);
  if (misfits.length > 0) {
    const what = `schedule ${args.schedule} does not fit this run: ${misfits.join('; ')}`;
    if (args.tree === undefined && args.set.length === 0) throw new UsageError(`${file}: --schedule: ${what}; kshim explore ${file} prints the ids of this scenario`);
    process.stderr.write(`kshim: ${what}; what ran is ${run.result.schedule}\n`);
  }
  return run;
}
