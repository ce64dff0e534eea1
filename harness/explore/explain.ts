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

/** What a task was doing at a deviation: the innermost span it had open, or, if none, the next one it started. */
interface Activity {
  readonly open: Span | null;
  /** How many spans the timeline had at the deviation, to find the next one afterwards. */
  readonly spansBefore: number;
}

/** A replay that also notes, at each deviation it follows, what the two tasks were in the middle of. */
class ExplainingStrategy extends DeviationStrategy {
  private sched: Scheduler | null = null;
  readonly activities: Array<{ chosen: Activity; postponed: Activity }> = [];

  attach(sched: Scheduler): void {
    this.sched = sched;
  }

  override choose(point: ChoicePoint): number {
    const before = this.taken.length;
    const a = super.choose(point);
    if (this.taken.length > before) {
      const d = this.taken[before]!;
      this.activities.push({ chosen: this.activity(d.chosen.pid), postponed: this.activity(d.postponed.pid) });
    }
    return a;
  }

  private activity(pid: number): Activity {
    const spans = this.sched?.trace.spans ?? [];
    let open: Span | null = null;
    for (const s of spans) if (s.pid === pid && s.end < 0) open = s;
    return { open, spansBefore: spans.length };
  }
}

/** One line per deviation of `id` in the order the run took them; repeats of the same line are counted, not listed. */
export async function explainSchedule(scenario: Scenario, id: string): Promise<string[]> {
  return (await explainRun(scenario, id)).deviations;
}

/** The deviations of `id` in words, and, for a run that did not reach idle, what the scheduler said about its end (the deadlock's wait chain). */
export async function explainRun(scenario: Scenario, id: string): Promise<{ deviations: string[]; end: string | null }> {
  const spec = decodeSchedule(id);
  const strategy = new ExplainingStrategy(spec.deviations);
  const run = await runScenario(scenario, { strategy, timeMode: spec.timeMode, trace: true, powerOff: true });
  const spans = run.machine?.kernel.sched.trace.spans ?? [];
  const lines = strategy.taken.map((d, i) => {
    const act = strategy.activities[i]!;
    if (d.race !== undefined) return `at ${formatSeconds(d.now)}: ${describe(d.chosen, act.chosen, spans)} ${d.race} ${describe(d.postponed, act.postponed, spans)}`;
    return `at ${formatSeconds(d.now)}: ${describe(d.chosen, act.chosen, spans)} ran before ${describe(d.postponed, act.postponed, spans)}`;
  });
  const stuck = run.outcomes.find((o) => o.status !== 'idle');
  const end = stuck === undefined ? null : (stuck.deadlock?.message ?? stuck.runaway?.message ?? stuck.status);
  return { deviations: countRepeats(lines), end };
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

/** The task, with the span it was inside ("in probe ...") or else the first one it started afterwards. */
function describe(t: TaskLabel, act: Activity, spans: readonly Span[]): string {
  if (act.open !== null) return `${t.comm}[${t.pid}] (in ${act.open.kind} ${act.open.name})`;
  const next = spans.slice(act.spansBefore).find((s) => s.pid === t.pid);
  return `${t.comm}[${t.pid}]${next ? ` (${next.kind} ${next.name})` : ''}`;
}
