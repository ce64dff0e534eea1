// SPDX-License-Identifier: GPL-2.0-only
/** Reading a scenario file given on the command line. */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASELINE_CONFIG, resolveConfig } from '../harness/run.js';
import { parseScenario, type Scenario } from '../harness/scenario.js';
import { closest, hintTree } from '../harness/suggest.js';
import { ALL_TREES, lookupTree } from '../trees/registry.js';
import { UsageError } from './errors.js';

export interface ScenarioArgs {
  readonly tree?: string;
  readonly set?: readonly string[];
  /** --cmdline: the kernel command line instead of the scenario's. */
  readonly cmdline?: string;
}

export interface LoadOptions {
  /** Also note on stderr the values Kconfig changed (for output that does not show them itself: --json, --show, explore). */
  readonly adjustments?: boolean;
  /** Put this in front of each note ("--tree v8: "), when several loads of one file print theirs. */
  readonly notePrefix?: string;
}

const ROOT = new URL('../../', import.meta.url);

/** The hint for a tree name that trees/local.ts may define but the build in dist/ predates. */
export function rebuildHint(source = fileURLToPath(new URL('trees/local.ts', ROOT)), built = fileURLToPath(new URL('dist/trees/local.js', ROOT))): string {
  try {
    return statSync(source).mtimeMs > statSync(built).mtimeMs ? ' (trees/local.ts is newer than the build: did you run npm run build?)' : '';
  } catch {
    return '';
  }
}

/** The checkout's scenarios/ as the user can type it here: relative inside the checkout, absolute outside it. */
export function examplesDir(cwd = process.cwd()): string {
  const dir = fileURLToPath(new URL('scenarios/', ROOT));
  const rel = relative(cwd, dir);
  if (rel === '') return './';
  return rel.startsWith('..') || isAbsolute(rel) ? dir : `${rel}/`;
}

/** The message for an unknown --tree, naming the option. */
export function unknownTree(name: string): UsageError {
  const names = ALL_TREES.map((t) => t.name);
  return new UsageError(`--tree ${name}: unknown tree${hintTree(name, names)} (known: ${names.join(', ')})${rebuildHint()}`);
}

/** The --set options as SYMBOL: value, in order; a symbol given twice with different values is an error. */
export function parseSet(args: readonly string[]): Record<string, string> {
  const set: Record<string, string> = {};
  const given = new Map<string, string>();
  for (const s of args) {
    const m = /^([^=]*)=(.*)$/.exec(s);
    if (m === null) throw new UsageError(`--set ${s}: expected SYMBOL=y, SYMBOL=m or SYMBOL=n`);
    const name = m[1]!.replace(/^CONFIG_/, '');
    const earlier = given.get(name);
    if (earlier !== undefined && set[earlier] !== m[2]) throw new UsageError(`--set ${s}: contradicts --set ${earlier}=${set[earlier]}`);
    if (earlier !== undefined) delete set[earlier];
    given.set(name, m[1]!);
    set[m[1]!] = m[2]!;
  }
  return set;
}

export function loadScenario(file: string, args: ScenarioArgs = {}, opts: LoadOptions = {}): Scenario {
  if (args.tree !== undefined && lookupTree(args.tree) === undefined) throw unknownTree(args.tree);
  const set = parseSet(args.set ?? []);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${file}: cannot read the scenario file (${(e as NodeJS.ErrnoException).code ?? 'error'}); ${examplesDir()} has examples`);
  }
  const scenario = parseScenario(text, file, { tree: args.tree, set, ...(args.cmdline !== undefined ? { cmdline: args.cmdline } : {}) });
  const prefix = opts.notePrefix ?? '';
  for (const note of scenarioNotes(scenario)) process.stderr.write(`kshim: ${prefix}${note}\n`);
  if (opts.adjustments === true) for (const note of adjustmentNotes(scenario)) process.stderr.write(`kshim: ${prefix}${note}\n`);
  return scenario;
}

/** Who asked for the value of `symbol`: the file's config, a --set, or kshim's baseline. */
function origin(scenario: Scenario, symbol: string): string {
  if (!(symbol in scenario.config) && symbol in BASELINE_CONFIG) {
    return `kshim's baseline ${symbol}=${BASELINE_CONFIG[symbol]} (every scenario starts from ${Object.entries(BASELINE_CONFIG).map(([k, v]) => `${k}=${v}`).join(' ')})`;
  }
  return scenario.configOrigin?.[symbol] ?? `${scenario.file}: config.${symbol}`;
}

/**
 * What is legal but probably not what the user meant, with what to do
 * next: Kconfig symbols the tree does not have (olddefconfig drops them;
 * a name no tree has is an error, see validateScenario()), and a machine
 * whose file does not mention Soft Reserved ranges at all (an explicit
 * empty list says the machine has none on purpose).
 */
export function scenarioNotes(scenario: Scenario): string[] {
  const notes: string[] = [];
  const cfg = resolveConfig(scenario.tree, scenario.config);
  for (const u of cfg.unknown) {
    const near = closest(u, Object.keys(cfg.values));
    notes.push(`${origin(scenario, u)}: not a Kconfig symbol of tree ${scenario.tree.name}, ignored${near !== undefined ? `; did you mean ${near}?` : ''} (kshim run FILE --show config lists the CXL/DAX symbols)`);
  }
  if (scenario.softReserved.length === 0 && scenario.softReservedOmitted === true) {
    notes.push(`${scenario.file}: firmware.softReserved: no Soft Reserved range, so hmem_platform.0 is not created and neither dax_hmem nor dax_cxl has a range to own; add one, e.g. { "start": "0x850000000", "end": "0x284fffffff", "nid": 1 }, or write "softReserved": [] if the machine has none on purpose`);
  }
  return notes;
}

/** The values Kconfig changed, one line each, blamed on where each was asked for (what kshim run's full output lists under the first line). */
export function adjustmentNotes(scenario: Scenario): string[] {
  return resolveConfig(scenario.tree, scenario.config).adjusted.map((a) => `${origin(scenario, a.symbol)}: ${a.symbol}=${a.requested} requested, ${a.actual} used (limited by ${a.reason})`);
}
