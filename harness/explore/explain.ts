// SPDX-License-Identifier: GPL-2.0-only
/**
 * A schedule id in words: for each deviation from the default order, when
 * it happened, which task ran and which one the default order would have
 * run, each with what it went on to do (its next initcall, probe, work item
 * or module load on the timeline). This is what `kshim explore` prints
 * under the shortest schedule of an outcome class.
 */
import { formatSeconds } from '../../framework/kernel/printk.js';
import type { Scheduler } from '../../framework/sim/scheduler.js';
import { DeviationStrategy, type ChoicePoint, type TaskLabel } from '../../framework/sim/strategy.js';
import type { Span } from '../../framework/sim/trace.js';
import { runScenario } from '../run.js';
import type { Scenario } from '../scenario.js';
import { decodeSchedule } from '../schedule.js';

/** A replay that also notes how long the timeline was at each deviation it followed. */
class ExplainingStrategy extends DeviationStrategy {
  private sched: Scheduler | null = null;
  readonly spansBefore: number[] = [];

  attach(sched: Scheduler): void {
    this.sched = sched;
  }

  override choose(point: ChoicePoint): number {
    const before = this.taken.length;
    const a = super.choose(point);
    if (this.taken.length > before) this.spansBefore.push(this.sched?.trace.spans.length ?? 0);
    return a;
  }
}

/** One line per deviation of `id` in the order the run took them; repeats of the same line are counted, not listed. */
export async function explainSchedule(scenario: Scenario, id: string): Promise<string[]> {
  const spec = decodeSchedule(id);
  const strategy = new ExplainingStrategy(spec.deviations);
  const run = await runScenario(scenario, { strategy, timeMode: spec.timeMode, trace: true, powerOff: true });
  const spans = run.machine?.kernel.sched.trace.spans ?? [];
  const lines = strategy.taken.map((d, i) => {
    const from = strategy.spansBefore[i] ?? 0;
    return `at ${formatSeconds(d.now)}: ${describe(d.chosen, from, spans)} ran before ${describe(d.postponed, from, spans)}`;
  });
  return countRepeats(lines);
}

/** Consecutive equal lines as one line with a count. */
export function countRepeats(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let n = 1;
    while (lines[i + n] === lines[i]) n++;
    out.push(n > 1 ? `${lines[i]} (${n} times)` : lines[i]!);
    i += n;
  }
  return out;
}

/** The task and the first thing it starts after the choice point. */
function describe(t: TaskLabel, from: number, spans: readonly Span[]): string {
  const next = spans.slice(from).find((s) => s.pid === t.pid);
  return `${t.comm}[${t.pid}]${next ? ` (${next.kind} ${next.name})` : ''}`;
}
