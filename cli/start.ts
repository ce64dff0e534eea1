// SPDX-License-Identifier: GPL-2.0-only
/**
 * `kshim start` (what `npm start` runs): the base expectations on every
 * tree state, printed as a verdict table, with an HTML report and the five
 * machines as scenario files, so any failing cell can be rerun with
 * `kshim run`, and the timeline page of every boot that failed a cell.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { BASE_SCENARIOS, baseScenario, formatVerdictTable, runBaseExpectations, type BaseScenarioId, type ExpectationId } from '../harness/expectations.js';
import { runScenario } from '../harness/run.js';
import { lookupTree } from '../trees/registry.js';
import { UsageError } from './errors.js';
import { count } from './plural.js';
import { unknownTree } from './load.js';
import { bootsOf, failedBoots, failingCells } from './report/failures.js';
import { renderReport } from './report/html.js';
import { renderTimeline } from './timeline/render.js';

export interface StartArgs {
  readonly out: string;
  readonly tree: string[];
  readonly json?: boolean;
  /** Exit 1 when a cell fails. */
  readonly check?: boolean;
}

export async function startCommand(opts: StartArgs): Promise<void> {
  for (const t of opts.tree) if (lookupTree(t) === undefined) throw unknownTree(t);
  const dir = opts.out;
  const scenarios = join(dir, 'base-expectations');
  // Where the report goes is checked before the expectations run.
  outputDirectory(dir, scenarios);
  // A tree named twice is one row of the table, as a value given twice is one value everywhere else.
  const trees = [...new Set(opts.tree)];
  const result = await runBaseExpectations(trees.length > 0 ? trees : undefined);

  for (const [id, s] of Object.entries(BASE_SCENARIOS)) {
    write(dir, join(scenarios, `${id}.json`), JSON.stringify({ tree: 'mainline', ...s }, null, 2) + '\n');
  }
  // Paths as the user can type them here: relative to the working directory, unless an absolute --out lies outside it.
  const rel = (p: string): string => {
    const r = relative(process.cwd(), p) || '.';
    return isAbsolute(dir) && r.startsWith('..') ? p : r;
  };
  const reproduce = (tree: string, id: ExpectationId): string[] =>
    bootsOf(result, tree, id).map((b) => `npx kshim run ${rel(join(scenarios, `${b.machine}.json`))} --tree ${tree}`);
  // A timeline page per machine and tree that failed a cell, next to its scenario file, linked from the report.
  const timelineName = (tree: string, m: BaseScenarioId): string => `${m}-${tree.replace(/[^A-Za-z0-9._-]/g, '-')}.timeline.html`;
  // Pages of an earlier run whose cell passes now would be stale: they go.
  for (const f of readdirSync(scenarios)) if (/^E[1-5]-[A-Za-z0-9._-]+\.timeline\.html$/.test(f)) rmSync(join(scenarios, f), { force: true });
  for (const { tree, machine: m } of failedBoots(result)) {
    const run = await runScenario(baseScenario(m, tree), { trace: true });
    write(dir, join(scenarios, timelineName(tree, m)), renderTimeline(run, { scenario: `${m}.json` }));
  }
  const timelines = (tree: string, id: ExpectationId): Array<{ machine: string; href: string }> =>
    bootsOf(result, tree, id).map((b) => ({ machine: b.machine, href: `base-expectations/${timelineName(tree, b.machine)}` }));
  const page = join(dir, 'base-expectations.html');
  write(dir, page, renderReport(result, { reproduce, timelines }));

  const failing = failingCells(result);
  if (opts.json) process.stdout.write(JSON.stringify({ ...result, report: rel(page) }, null, 2) + '\n');
  else {
    process.stdout.write(formatVerdictTable(result) + '\n\n');
    if (failing.length > 0) {
      const { tree, id } = failing[0]!;
      process.stdout.write(`rerun a failing cell: ${reproduce(tree, id)[0]}\n`);
      process.stdout.write(`its timeline: ${rel(join(dir, timelines(tree, id)[0]!.href))}\n`);
    }
    process.stdout.write(`HTML report: ${rel(page)}\n`);
  }
  // --check leaves stdout as it is: the verdict goes to stderr and the exit status.
  if (opts.check === true && failing.length > 0) {
    process.stderr.write(`kshim: --check: ${count(failing.length, 'cell')} failed: ${failing.map((c) => `${c.id} on ${c.tree}`).join(', ')}\n`);
    process.exitCode = 1;
  }
}

/** Make the report directory (and its scenario folder), or say with --out why it cannot be. */
function outputDirectory(dir: string, scenarios: string): void {
  let isDir: boolean | undefined;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = undefined;
  }
  if (isDir === false) throw new UsageError(`--out ${dir}: exists and is not a directory; name a directory for the HTML report (default reports)`);
  try {
    makeDirectories(scenarios);
  } catch (e) {
    throw new UsageError(`--out ${dir}: cannot create the report directory (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/**
 * mkdir -p, one level at a time from the deepest directory that exists.
 * Node's mkdirSync(..., { recursive: true }) never returns for a path
 * under /proc, where mkdir fails with ENOENT although the parent exists.
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) mkdirSync(d);
}

function write(dir: string, file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new UsageError(`--out ${dir}: cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
