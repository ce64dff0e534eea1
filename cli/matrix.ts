// SPDX-License-Identifier: GPL-2.0-only
/** `kshim matrix`: the Kconfig and link matrix of a tree. */
import { configMatrix } from '../harness/matrix.js';
import { treeKconfig, unknownSymbolProblem, type Tristate } from '../harness/scenario.js';
import { closest } from '../harness/suggest.js';
import { lookupTree as findTree } from '../trees/registry.js';
import { UsageError } from './errors.js';
import { loadScenario, parseSet, unknownTree } from './load.js';
import { count } from './plural.js';

export interface MatrixArgs {
  readonly tree: string;
  readonly json?: boolean;
  readonly explore?: boolean;
  readonly scenario?: string;
  readonly runs?: string;
  readonly set: string[];
}

/** Exploration budget per configuration when --runs is not given. */
export const MATRIX_RUNS = 200;

export async function matrixCommand(opts: MatrixArgs): Promise<void> {
  const tree = findTree(opts.tree);
  if (tree === undefined) throw unknownTree(opts.tree);
  if (!opts.explore) {
    if (opts.scenario !== undefined) throw new UsageError(`--scenario ${opts.scenario}: only with --explore (the scenario is what each configuration explores)`);
    if (opts.runs !== undefined) throw new UsageError(`--runs ${opts.runs}: only with --explore (it is the exploration budget per configuration)`);
  }
  if (opts.runs !== undefined && !/^[1-9]\d*$/.test(opts.runs)) throw new UsageError(`--runs ${opts.runs}: expected a positive integer (runs per configuration)`);
  // The held values must be the tree's: a symbol it lacks or m for a bool cannot be held (exit 2);
  // values that contradict each other are a legitimate question whose answer is "none".
  const kconfig = treeKconfig(tree);
  const fixed: Record<string, Tristate> = { DAX: 'y', DEV_DAX: 'y' };
  for (const [key, value] of Object.entries(parseSet(opts.set))) {
    const name = key.replace(/^CONFIG_/, '');
    const option = `--set ${key}=${value}`;
    if (value !== 'y' && value !== 'm' && value !== 'n') throw new UsageError(`${option}: expected SYMBOL=y, SYMBOL=m or SYMBOL=n`);
    const sym = kconfig.symbols.get(name);
    if (sym === undefined) {
      const problem = unknownSymbolProblem(name);
      const near = closest(name, kconfig.symbols.keys());
      throw new UsageError(`${option}: ${problem ?? `not a Kconfig symbol of tree ${tree.name}${near !== undefined ? `; did you mean ${near}?` : ''}`}`);
    }
    if (value === 'm' && sym.type === 'bool') throw new UsageError(`${option}: ${name} is a bool in tree ${tree.name}: hold it at y or n`);
    fixed[name] = value;
  }
  const explore = opts.explore ? loadScenario(opts.scenario ?? 'scenarios/mainline-builtin.json') : undefined;
  const m = await configMatrix(tree, { fixed, explore, runs: opts.runs === undefined ? MATRIX_RUNS : Number(opts.runs) });
  if (opts.json) {
    if (m.why !== undefined) process.stderr.write(`kshim: ${tree.name}: no valid configuration: ${m.why}\n`);
    process.stdout.write(JSON.stringify(m, null, 2) + '\n');
    return;
  }
  const held = Object.entries(fixed).map(([k, v]) => `${k}=${v}`).join(' ');
  if (m.why !== undefined) {
    process.stdout.write(`${tree.name}: 0 valid configurations (${held}): ${m.why}\n`);
    return;
  }
  const symbols = Object.keys(m.configs[0]?.values ?? {});
  // Column names that fit a tab stop: CXL_ dropped from the CXL core's symbols, DEV_ from DEV_DAX_CXL so that
  // its column does not read as the CXL core's ("CXL"), DEV_DAX_ from DEV_DAX_HMEM.
  const short = (s: string): string => (s === 'DEV_DAX_CXL' ? 'DAX_CXL' : s.replace(/^DEV_DAX_/, '').replace(/^CXL_/, ''));
  const failing = m.configs.filter((c) => !c.build.ok).length;
  const lines = [`${tree.name}: ${count(m.valid, 'valid configuration')} (${held}); ${failing} ${failing === 1 ? 'fails' : 'fail'} to build`];
  // A key to the short column names and, with --explore, to the counts in the outcome cells.
  lines.push(`columns: ${symbols.map((s) => `${short(s)} = ${s}`).join(', ')} (Kconfig symbols, each y, m or n); build: ok or the first link error`);
  if (explore) {
    const runs = opts.runs ?? String(MATRIX_RUNS);
    lines.push(`outcomes: per outcome class, the owner of each Soft Reserved range (none: nobody owns it; -: the scenario has none; n/a: not booted, the configuration does not link) and WARN with the functions that warned, then (N): the number of explored schedules with that outcome; (N+): that configuration's exploration stopped at its budget of ${count(Number(runs), 'schedule')} (--runs), so N is a lower bound and other classes may exist; then the id of one such schedule (kshim replay SCENARIO --tree ${tree.name} --set SYMBOL=VALUE ... --schedule ID)`);
  }
  lines.push('');
  lines.push([...symbols.map(short), 'build', ...(explore ? ['outcomes'] : [])].join('\t'));
  for (const c of m.configs) {
    const cells = [...symbols.map((s) => c.values[s]!), c.build.ok ? 'ok' : c.build.errors[0]!];
    if (explore) cells.push(c.outcomes ? c.outcomes.map((o) => `${ownersOf(o.signature)}${o.warnings.length ? ` WARN ${o.warnings.join(',')}` : ''} (${o.count}${o.complete ? '' : '+'}) ${o.schedule}`).join('; ') : '-');
    lines.push(cells.join('\t'));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

/** The owners as the outcome signature spells them: "dax_cxl,none", "-" (no range), "n/a" (not booted). */
function ownersOf(signature: string): string {
  return /^owners=(\S*)/.exec(signature)![1]!;
}
