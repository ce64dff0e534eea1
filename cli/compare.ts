// SPDX-License-Identifier: GPL-2.0-only
/**
 * `kshim compare FILE --tree A --tree B`: one scenario explored
 * exhaustively on two trees (a patch and the one before it, a fix and the
 * tree it fixes), and the outcome classes split three ways: those only A
 * reaches (what B removes), those only B reaches (what B brings in), and
 * those both reach, with their share of schedules on each side. A class
 * is its outcome signature, so two trees compare even though their
 * schedules differ.
 */
import { Explorer, type ExploreReport, type OutcomeClass } from '../harness/explore/explorer.js';
import type { Scenario } from '../harness/scenario.js';
import { UsageError } from './errors.js';
import { EXHAUSTIVE_BUDGET, progressBar, replayCommand, type ExploreProgress } from './explore.js';
import { loadScenario } from './load.js';
import { count } from './plural.js';

export interface CompareArgs {
  /** --tree, given twice: A then B. */
  readonly tree: readonly string[];
  readonly set: string[];
  readonly cmdline?: string;
  readonly runs?: string;
  readonly untimed?: boolean;
  readonly json?: boolean;
}

interface Side {
  readonly tree: string;
  readonly scenario: Scenario;
  readonly report: ExploreReport;
}

/** Everything `kshim compare` prints on stdout. */
export async function compareOutput(file: string, opts: CompareArgs, progress?: ExploreProgress): Promise<string> {
  if (opts.tree.length !== 2) throw new UsageError(`kshim compare: give --tree twice, the tree before and the tree after (got ${opts.tree.length === 0 ? 'none' : opts.tree.join(', ')})`);
  if (opts.tree[0] === opts.tree[1]) throw new UsageError(`kshim compare: --tree ${opts.tree[0]} twice; give two different trees`);
  let runs = EXHAUSTIVE_BUDGET;
  if (opts.runs !== undefined) {
    if (!/^\d+$/.test(opts.runs) || Number(opts.runs) < 1) throw new UsageError(`--runs ${opts.runs}: expected a positive integer`);
    runs = Number(opts.runs);
  }
  const sides: Side[] = [];
  for (const tree of opts.tree) {
    const scenario = loadScenario(file, { tree, set: opts.set, cmdline: opts.cmdline }, { adjustments: true });
    progress?.start(runs, ` at most, on ${tree}`);
    const report = await new Explorer(scenario, { strategy: 'exhaustive', runs, timeMode: opts.untimed ? 'untimed' : 'timed', progress: (n) => progress?.update(n) }).explore();
    progress?.stop();
    sides.push({ tree, scenario, report });
  }
  const [a, b] = sides as [Side, Side];
  const inB = new Map(b.report.outcomes.map((o) => [o.signature, o]));
  const inA = new Map(a.report.outcomes.map((o) => [o.signature, o]));
  const onlyA = a.report.outcomes.filter((o) => !inB.has(o.signature));
  const onlyB = b.report.outcomes.filter((o) => !inA.has(o.signature));
  const both = a.report.outcomes.filter((o) => inB.has(o.signature)).map((o) => [o, inB.get(o.signature)!] as const);
  const replay = (side: Side, o: OutcomeClass): string => replayCommand(file, { tree: side.tree, set: opts.set, cmdline: opts.cmdline }, o.shrunk);

  if (opts.json) {
    const side = (s: Side) => ({ tree: s.tree, schedulesExplored: s.report.schedulesExplored, complete: s.report.complete });
    const cls = (o: OutcomeClass) => ({ signature: o.signature, owners: o.owners, warnings: o.warnings, count: o.count, schedule: o.shrunk });
    return (
      JSON.stringify(
        {
          a: side(a),
          b: side(b),
          onlyA: onlyA.map(cls),
          onlyB: onlyB.map(cls),
          both: both.map(([x, y]) => ({ signature: x.signature, countA: x.count, countB: y.count })),
        },
        null,
        2,
      ) + '\n'
    );
  }

  const completeness = (s: Side): string => `${count(s.report.schedulesExplored, 'schedule')}${s.report.complete ? '' : ' (not complete: stopped at the budget; --runs N raises it)'}`;
  const lines = [`${file}: ${a.tree} (${completeness(a)}) against ${b.tree} (${completeness(b)}), exhaustive${opts.untimed ? ', untimed' : ''}`];
  const section = (title: string, side: Side, classes: readonly OutcomeClass[]): void => {
    lines.push('', `${title}: ${classes.length === 0 ? 'none' : count(classes.length, 'outcome class', 'outcome classes')}`);
    for (const o of classes) {
      lines.push(`  ${o.signature}`, `    ${o.count} of ${count(side.report.schedulesExplored, 'schedule')}; shortest: ${o.shrunk}`, `    replay: ${replay(side, o)}`);
    }
  };
  section(`only on ${a.tree} (gone on ${b.tree})`, a, onlyA);
  section(`only on ${b.tree} (new on ${b.tree})`, b, onlyB);
  lines.push('', `on both: ${both.length === 0 ? 'none' : count(both.length, 'outcome class', 'outcome classes')}`);
  for (const [x, y] of both) lines.push(`  ${x.signature}`, `    ${x.count} of ${a.report.schedulesExplored} on ${a.tree}, ${y.count} of ${b.report.schedulesExplored} on ${b.tree}`);
  if (!a.report.complete || !b.report.complete) lines.push('', 'an exploration stopped at its budget: a class listed on one side only may yet exist on the other');
  return lines.join('\n') + '\n';
}

export async function compareCommand(file: string, opts: CompareArgs): Promise<void> {
  process.stdout.write(await compareOutput(file, opts, progressBar(process.stderr)));
}
