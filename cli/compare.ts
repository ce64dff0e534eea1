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
import { EXHAUSTIVE_BUDGET, int, progressBar, replayCommand, type ExploreProgress } from './explore.js';
import { loadScenario } from './load.js';
import { count } from './plural.js';

export interface CompareArgs {
  /** --tree, given twice: A then B. */
  readonly tree: readonly string[];
  readonly set: string[];
  readonly cmdline?: string;
  readonly runs?: string;
  readonly bound?: string;
  readonly untimed?: boolean;
  readonly json?: boolean;
}

interface Side {
  readonly tree: string;
  readonly scenario: Scenario;
  report: ExploreReport | null;
}

/** Everything `kshim compare` prints on stdout. */
export async function compareOutput(file: string, opts: CompareArgs, progress?: ExploreProgress): Promise<string> {
  if (opts.tree.length !== 2) throw new UsageError(`compare: give --tree twice, the tree before and the tree after (got ${opts.tree.length === 0 ? 'none' : opts.tree.join(', ')})`);
  if (opts.tree[0] === opts.tree[1]) throw new UsageError(`compare: --tree ${opts.tree[0]} twice; give two different trees`);
  const runs = int(opts.runs, 'runs', 1) ?? EXHAUSTIVE_BUDGET;
  const bound = int(opts.bound, 'bound', 0);
  // Both trees are checked before either is explored.
  const sides: Side[] = opts.tree.map((tree) => ({ tree, scenario: loadScenario(file, { tree, set: opts.set, cmdline: opts.cmdline }, { adjustments: true, notePrefix: `--tree ${tree}: ` }), report: null }));
  for (const side of sides) {
    progress?.start(runs, ` at most, on ${side.tree}`);
    side.report = await new Explorer(side.scenario, { strategy: 'exhaustive', runs, bound, timeMode: opts.untimed ? 'untimed' : 'timed', progress: (n) => progress?.update(n) }).explore();
    progress?.stop();
  }
  const [a, b] = sides as [Side & { report: ExploreReport }, Side & { report: ExploreReport }];
  const inB = new Map(b.report.outcomes.map((o) => [o.signature, o]));
  const inA = new Map(a.report.outcomes.map((o) => [o.signature, o]));
  const onlyA = a.report.outcomes.filter((o) => !inB.has(o.signature));
  const onlyB = b.report.outcomes.filter((o) => !inA.has(o.signature));
  const both = a.report.outcomes.filter((o) => inB.has(o.signature)).map((o) => [o, inB.get(o.signature)!] as const);
  const replay = (side: Side, o: OutcomeClass): string => replayCommand(file, { tree: side.tree, set: opts.set, cmdline: opts.cmdline }, o.shrunk);

  if (opts.json) {
    const side = (s: Side & { report: ExploreReport }) => ({ tree: s.tree, schedulesExplored: s.report.schedulesExplored, complete: s.report.complete });
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

  const complete = a.report.complete && b.report.complete;
  const header = (s: Side & { report: ExploreReport }): string => `${count(s.report.schedulesExplored, 'schedule')}${s.report.complete ? '' : ', not complete'}`;
  const lines = [`${file}: ${a.tree} (${header(a)}) against ${b.tree} (${header(b)}), exhaustive${opts.untimed ? ', untimed' : ''}${bound !== undefined ? `, at most ${count(bound, 'deviation')}` : ''}`];
  const section = (title: string, side: Side & { report: ExploreReport }, classes: readonly OutcomeClass[]): void => {
    lines.push('', `${title}: ${classes.length === 0 ? 'none' : count(classes.length, 'outcome class', 'outcome classes')}`);
    for (const o of classes) {
      lines.push(
        `  ${o.signature}`,
        `    ${o.count} of ${count(side.report.schedulesExplored, 'schedule')}; shortest: ${o.shrunk} (${count(o.deviations, 'deviation')} from the default order)`,
        `    replay: ${replay(side, o)}`,
      );
    }
  };
  // "Gone" and "new" only when both explorations saw every schedule; else only what they saw.
  section(complete ? `only on ${a.tree} (gone on ${b.tree})` : `only on ${a.tree} (not seen on ${b.tree})`, a, onlyA);
  section(complete ? `only on ${b.tree} (new on ${b.tree})` : `only on ${b.tree} (not seen on ${a.tree})`, b, onlyB);
  lines.push('', `on both: ${both.length === 0 ? 'none' : count(both.length, 'outcome class', 'outcome classes')}`);
  for (const [x, y] of both) lines.push(`  ${x.signature}`, `    ${x.count} of ${count(a.report.schedulesExplored, 'schedule')} on ${a.tree}, ${y.count} of ${count(b.report.schedulesExplored, 'schedule')} on ${b.tree}`);
  if (!complete) {
    const cut = sides.filter((s) => !s.report!.complete).map((s) => s.tree).join(' and ');
    lines.push('', `not complete on ${cut}: stopped at the budget of ${count(runs, 'run')} (--runs N raises it)${bound !== undefined ? ' or cut by --bound' : ''}; a class listed on one side only may yet exist on the other`);
  }
  return lines.join('\n') + '\n';
}

export async function compareCommand(file: string, opts: CompareArgs): Promise<void> {
  process.stdout.write(await compareOutput(file, opts, progressBar(process.stderr)));
}
