// SPDX-License-Identifier: GPL-2.0-only
/** `kshim explore`: outcome classes of a scenario over many schedules. */
import cliProgress from 'cli-progress';
import { explainRun, explainSchedule } from '../harness/explore/explain.js';
import { Explorer, type ExploreOptions, type ExploreReport, type ExploreStrategy } from '../harness/explore/explorer.js';
import type { Scenario } from '../harness/scenario.js';
import { UsageError } from './errors.js';
import { loadScenario } from './load.js';
import { count } from './plural.js';
import { parseFailOn } from '../harness/fail-on.js';
import { applyFailOn, exploreFailOn, type FailOnVerdict } from './fail-on.js';

export interface ExploreArgs {
  strategy: string;
  runs?: string;
  seed?: string;
  bound?: string;
  depth?: string;
  untimed?: boolean;
  json?: boolean;
  tree?: string;
  set: string[];
  /** --cmdline: the kernel command line instead of the scenario's. */
  cmdline?: string;
  /** --fail-on conditions (harness/fail-on.ts). */
  failOn?: string[];
}

/** Deviations of a shortest schedule spelled out under it. */
const EXPLAINED = 8;

/** The run budget of an exhaustive exploration without --runs. */
export const EXHAUSTIVE_BUDGET = 20_000;
/** Runs of a random or PCT exploration without --runs. */
export const SAMPLED_RUNS = 100;
/** The seed and the PCT bug depth without --seed and --depth. */
export const DEFAULT_SEED = 1;
export const DEFAULT_DEPTH = 3;

/** Which options apply to which strategy. */
const APPLIES: Record<string, readonly ExploreStrategy[]> = { seed: ['random', 'pct'], depth: ['pct'], bound: ['exhaustive'] };

/** The largest --seed: the random and PCT strategies draw from a 32-bit generator. */
export const MAX_SEED = 0xffffffff;

/**
 * --NAME V as an integer from `min` to `max`, or undefined when not given;
 * anything else is a usage error. Without a `max`, the largest integer a
 * double holds exactly: above it two values would be one.
 */
export function int(v: string | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`--${name} ${v}: expected ${min === 0 ? 'a non-negative' : 'a positive'} integer`);
  if (Number(v) > max) throw new UsageError(`--${name} ${v}: expected an integer from ${min} to ${max}${name === 'seed' ? ' (the seed of a 32-bit generator)' : ''}`);
  return Number(v);
}

/**
 * Why an exhaustive search is not complete: it ran out of budget (then
 * even the bound's schedules may not all have run), or the bound left out
 * schedules with more deviations.
 */
function exhaustiveShortfall(report: ExploreReport, total: number, bound: number | undefined): string {
  if (bound === undefined || report.boundCut !== true) return `not complete: stopped at the budget of ${count(total, 'run')} (--runs N raises it)`;
  return `not complete: complete only up to ${count(bound, 'deviation')} from the default order (--bound ${bound} left out schedules with more)`;
}

/** What a progress display is told while the schedules run: the runs to expect (with a note: a budget) and the runs so far. */
export interface ExploreProgress {
  start(total: number, note: string): void;
  update(done: number): void;
  stop(): void;
}

/**
 * The progress bar on `stream` when it is a terminal ("exploring [...]
 * 12/3000 schedules"), else nothing. cli-progress fills {total} itself, so
 * the note has a placeholder of its own.
 */
export function progressBar(stream: NodeJS.WritableStream & { readonly isTTY?: boolean }): ExploreProgress | undefined {
  if (stream.isTTY !== true) return undefined;
  const bar = new cliProgress.SingleBar({ format: 'exploring [{bar}] {value}/{total} schedules{note}', hideCursor: true, clearOnComplete: true, stream }, cliProgress.Presets.shades_classic);
  return { start: (total, note) => bar.start(total, 0, { note }), update: (n) => bar.update(n), stop: () => bar.stop() };
}

export async function exploreCommand(file: string, opts: ExploreArgs): Promise<void> {
  const { stdout, verdict } = await exploreWithVerdict(file, opts, progressBar(process.stderr));
  process.stdout.write(stdout);
  applyFailOn(verdict);
}

/** The command line that replays `schedule` of this exploration (with its --tree and --set). */
export function replayCommand(file: string, opts: Pick<ExploreArgs, 'tree' | 'set' | 'cmdline'>, schedule: string): string {
  return `kshim replay ${file} --schedule ${schedule}${treeArgs(opts)}`;
}

/** " --tree T --set S=v ..." as given to explore, for the commands it prints; empty without them. */
function treeArgs(opts: Pick<ExploreArgs, 'tree' | 'set' | 'cmdline'>): string {
  const extra = [...(opts.tree ? [`--tree ${opts.tree}`] : []), ...opts.set.map((v) => `--set ${v}`), ...(opts.cmdline !== undefined ? [`--cmdline ${shellQuote(opts.cmdline)}`] : [])].join(' ');
  return extra ? ' ' + extra : '';
}

/** Explores a scenario; tests hand exploreOutput() one that remembers reports another suite already has. */
export type ExploreFn = (scenario: Scenario, options: ExploreOptions) => Promise<ExploreReport>;

const exploreOnce: ExploreFn = async (scenario, options) => await new Explorer(scenario, options).explore();

/** What `kshim explore` prints on stdout, and the verdict of its --fail-on conditions (checked before the exploration, which may take a while). */
export async function exploreWithVerdict(file: string, opts: ExploreArgs, progress?: ExploreProgress, explore: ExploreFn = exploreOnce): Promise<{ stdout: string; verdict: FailOnVerdict }> {
  const conds = parseFailOn(opts.failOn ?? []);
  let report: ExploreReport | undefined;
  const stdout = await exploreOutput(file, opts, progress, async (scenario, options) => (report = await explore(scenario, options)));
  return { stdout, verdict: exploreFailOn(report!, conds, (schedule) => `replay: ${replayCommand(file, opts, schedule)}`) };
}

/** Everything `kshim explore` prints on stdout for these arguments (the text or the --json object). */
export async function exploreOutput(file: string, opts: ExploreArgs, progress?: ExploreProgress, explore: ExploreFn = exploreOnce): Promise<string> {
  if (!['exhaustive', 'random', 'pct'].includes(opts.strategy)) throw new UsageError(`--strategy ${opts.strategy}: expected exhaustive, random or pct`);
  const strategy = opts.strategy as ExploreStrategy;
  for (const [name, strategies] of Object.entries(APPLIES)) {
    const v = opts[name as 'seed' | 'depth' | 'bound'];
    if (v !== undefined && !strategies.includes(strategy)) throw new UsageError(`--${name} ${v}: only with --strategy ${strategies.join(' or ')}, not ${strategy}`);
  }
  const runs = int(opts.runs, 'runs', 1);
  const seed = int(opts.seed, 'seed', 0, MAX_SEED);
  const bound = int(opts.bound, 'bound', 0);
  const depth = int(opts.depth, 'depth', 1);
  const scenario = loadScenario(file, { tree: opts.tree, set: opts.set, cmdline: opts.cmdline }, { adjustments: true });
  const total = runs ?? (strategy === 'exhaustive' ? EXHAUSTIVE_BUDGET : SAMPLED_RUNS);
  // An exhaustive search may end before its budget.
  progress?.start(total, strategy === 'exhaustive' ? ' at most (the budget of --runs)' : '');
  const report = await explore(scenario, {
    strategy,
    runs: total,
    seed: seed ?? DEFAULT_SEED,
    bound,
    depth: depth ?? DEFAULT_DEPTH,
    timeMode: opts.untimed ? 'untimed' : 'timed',
    progress: (n) => progress?.update(n),
  });
  progress?.stop();
  if (opts.json) {
    const out = {
      schedulesExplored: report.schedulesExplored,
      complete: report.complete,
      // With --bound: the bound asked for (complete is false when it cut the search).
      ...(bound !== undefined ? { bound } : {}),
      outcomes: [] as unknown[],
    };
    // deviations: every line the text prints under the shortest schedule (each deviation: which task ran before which),
    // one replay at a time.
    for (const o of report.outcomes) {
      out.outcomes.push({ signature: o.signature, owners: o.owners, warnings: o.warnings, count: o.count, schedule: o.shrunk, deviations: await explainSchedule(scenario, o.shrunk) });
    }
    return JSON.stringify(out, null, 2) + '\n';
  }
  const completeness = report.complete ? 'complete' : strategy === 'exhaustive' ? exhaustiveShortfall(report, total, bound) : 'not complete';
  const lines = [
    `${count(report.schedulesExplored, 'schedule')} explored (${strategy}${opts.untimed ? ', untimed' : ''}), ${completeness}; ${count(report.outcomes.length, 'outcome class', 'outcome classes')}:`,
  ];
  for (const o of report.outcomes) {
    lines.push('', `  ${o.signature}`, `    ${count(o.count, 'schedule')}; shortest: ${o.shrunk} (${count(o.deviations, 'deviation')} from the default order)`);
    const { deviations: why, end } = await explainRun(scenario, o.shrunk);
    for (const line of why.slice(0, EXPLAINED)) lines.push(`      ${line}`);
    if (why.length > EXPLAINED) lines.push(`      ... and ${count(why.length - EXPLAINED, 'more line')} (kshim timeline ${file} --schedule ${o.shrunk}${treeArgs(opts)} marks every deviation)`);
    // A class that does not end idle says why, as kshim run's "== end ==" does.
    if (end !== null) for (const line of end.split('\n')) lines.push(`    ${line}`);
    lines.push(`    replay: ${replayCommand(file, opts, o.shrunk)}`);
  }
  return lines.join('\n') + '\n';
}

/** `text` as one sh word: in single quotes unless it is plain, a quote inside as '\\'' (close, escaped quote, reopen). */
function shellQuote(text: string): string {
  return /^[\w.,=+:\/-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}
