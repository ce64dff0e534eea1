#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-only
/**
 * The kshim command line. Subcommands are thin shells over the harness the
 * suites use.
 */
import 'reflect-metadata';
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { FRAMEWORK_KNOBS } from '../framework/sim/timing.js';
import { runScenario, type Run } from '../harness/run.js';
import type { Scenario } from '../harness/scenario.js';
import { runWithSchedule } from './schedule.js';
import { DEFAULT_DEPTH, DEFAULT_SEED, EXHAUSTIVE_BUDGET, exploreCommand, SAMPLED_RUNS, type ExploreArgs } from './explore.js';
import { MATRIX_RUNS, matrixCommand, type MatrixArgs } from './matrix.js';
import { CXL_KNOBS } from '../mocks/cxl/mock_ops.js';
import { ALL_TREES as TREES, LOCAL_TREE_PROBLEMS } from '../trees/registry.js';
import { compareCommand, type CompareArgs } from './compare.js';
import { demo } from './demo.js';
import { failOnInputError, UsageError } from './errors.js';
import { applyFailOn, runFailOn } from './fail-on.js';
import { parseFailOn } from '../harness/fail-on.js';
import { runOutput, type RunView } from './format.js';
import { loadScenario } from './load.js';
import { collect, once } from './options.js';
import { shellCommand } from './shell.js';
import { startCommand, type StartArgs } from './start.js';
import { timelineCommand } from './timeline/command.js';

// A reader that stops early (kshim trees | head -1) closes the pipe: end quietly, as coreutils do, not with an EPIPE stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

/** The version of package.json (dist/cli/main.js is two levels below it). */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const program = new Command();
program
  .name('kshim')
  .description('A deterministic simulation of the Linux driver model')
  .version(VERSION, '-V, --version', 'print the version of kshim')
  // Usage errors as every other input error: one line, with where to look, and exit status 2.
  .configureOutput({ outputError: (str, write) => write(`kshim: ${str.replace(/^error: /, '').trim().replace(/\s*\n\s*/g, ' ')} (--help lists the commands and options)\n`) })
  .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));

// A tree of trees/local.ts that cannot be told apart from another is refused before anything runs.
if (LOCAL_TREE_PROBLEMS.length > 0) {
  process.stderr.write(`kshim: trees/local.ts: ${LOCAL_TREE_PROBLEMS[0]}\n`);
  process.exit(2);
}

const VIEWS = ['iomem', 'sysfs', 'dmesg', 'owners', 'config'];

/** --json and --show choose what run and replay print, so only one of them; checked before anything runs. */
function checkOutput(opts: { json?: boolean; show?: string }): void {
  if (opts.json && opts.show !== undefined) throw new UsageError(`--json and --show ${opts.show}: give one of them (--json prints everything as one JSON object)`);
  if (opts.show !== undefined && !VIEWS.includes(opts.show)) throw new UsageError(`--show ${opts.show}: expected iomem, sysfs, dmesg, owners or config`);
}

/** What kshim run and kshim replay print: the JSON contract, one view, or everything. */
function printRun(run: Run, scenario: Scenario, opts: RunView): void {
  process.stdout.write(runOutput(run, scenario.tree, opts));
}

/** Output without the full human view does not list the values Kconfig changed: they go to stderr as notes. */
const notesFor = (opts: { json?: boolean; show?: string }) => ({ adjustments: opts.json === true || opts.show !== undefined });

program
  .command('start')
  .description('the main job of `npm start`: the base expectations on every tree state, as a verdict table and an HTML report')
  .option('--out <dir>', 'where the HTML report and the scenario files of the five machines go', once('--out'), 'reports')
  .option('--tree <name>', 'only this tree (repeatable)', collect, [])
  .option('--check', 'exit 1 when a cell fails (for CI on your own tree: --tree my-patch --check)')
  .option('--json', 'print the verdicts as one JSON object')
  .action(async (opts: StartArgs) => {
    try {
      await startCommand(opts);
    } catch (e) {
      failOnInputError(e);
    }
  });

program
  .command('run')
  .description('boot a scenario and report owners, /proc/iomem, warnings and dmesg')
  .argument('<file>', 'scenario JSON file')
  .option('--json', 'print one JSON object')
  .option('--tree <name>', 'run on this tree instead of the scenario\'s', once('--tree'))
  .option('--set <SYM=v>', 'override a config symbol (repeatable)', collect, [])
  .option('--cmdline <text>', 'boot with this kernel command line instead of the scenario\'s, e.g. \'dyndbg="module dax_hmem +p"\'', once('--cmdline'))
  .option('--show <view>', 'only one view: iomem, sysfs, dmesg, owners, config', once('--show'))
  .option('--fail-on <FIELD=VALUE>', 'exit 1 when the outcome matches, e.g. owners=dax_hmem, warnings=any, leaks=any, end=deadlock (repeatable)', collect, [])
  .action(async (file: string, opts: { json?: boolean; tree?: string; set: string[]; cmdline?: string; show?: string; failOn: string[] }) => {
    try {
      checkOutput(opts);
      const conds = parseFailOn(opts.failOn);
      const scenario = loadScenario(file, { tree: opts.tree, set: opts.set, cmdline: opts.cmdline }, notesFor(opts));
      const run = await runScenario(scenario, { blockStacks: true });
      printRun(run, scenario, opts);
      applyFailOn(runFailOn(run, conds));
    } catch (e) {
      failOnInputError(e);
    }
  });

program
  .command('explore')
  .description('run a scenario under many schedules and group the runs by outcome')
  .argument('<file>', 'scenario JSON file')
  .option('--strategy <s>', 'exhaustive | random | pct', once('--strategy'), 'exhaustive')
  .option('--runs <n>', `runs of random and pct (default ${SAMPLED_RUNS}), or the run budget of exhaustive (default ${EXHAUSTIVE_BUDGET})`, once('--runs'))
  .option('--seed <s>', `random and pct: the seed (default ${DEFAULT_SEED})`, once('--seed'))
  .option('--bound <n>', 'exhaustive: at most this many deviations from the default order', once('--bound'))
  .option('--depth <d>', `pct: the bug depth, at least 1 (default ${DEFAULT_DEPTH})`, once('--depth'))
  .option('--untimed', 'durations are abstract: every order the blocking rules allow')
  .option('--json', 'print one JSON object')
  .option('--tree <name>', 'run on this tree instead of the scenario\'s', once('--tree'))
  .option('--set <SYM=v>', 'override a config symbol (repeatable)', collect, [])
  .option('--cmdline <text>', 'boot with this kernel command line instead of the scenario\'s, e.g. \'dyndbg="module dax_hmem +p"\'', once('--cmdline'))
  .option('--fail-on <FIELD=VALUE>', 'exit 1 when some outcome class matches, e.g. owners=dax_hmem, warnings=any, leaks=any, end=deadlock (repeatable)', collect, [])
  .action(async (file: string, opts: ExploreArgs) => {
    try {
      await exploreCommand(file, opts);
    } catch (e) {
      failOnInputError(e);
    }
  });

program
  .command('compare')
  .description('explore a scenario on two trees and list the outcome classes only one of them reaches, and those both do')
  .argument('<file>', 'scenario JSON file')
  .usage('<file> --tree BEFORE --tree AFTER [options]')
  .option('--tree <name>', 'a tree: give it twice, the one before and the one after', collect, [])
  .option('--set <SYM=v>', 'override a config symbol on both (repeatable)', collect, [])
  .option('--cmdline <text>', 'boot both with this kernel command line instead of the scenario\'s', once('--cmdline'))
  .option('--runs <n>', `the exploration budget on each tree (default ${EXHAUSTIVE_BUDGET})`, once('--runs'))
  .option('--bound <n>', 'at most this many deviations from the default order, on each tree', once('--bound'))
  .option('--untimed', 'durations are abstract: every order the blocking rules allow')
  .option('--json', 'print one JSON object')
  .action(async (file: string, opts: CompareArgs) => {
    try {
      await compareCommand(file, opts);
    } catch (e) {
      failOnInputError(e);
    }
  });

program
  .command('replay')
  .description('rerun exactly the schedule with this id (as printed by run or explore)')
  .argument('<file>', 'scenario JSON file')
  .requiredOption('--schedule <id>', 'schedule id', once('--schedule'))
  .option('--json', 'print one JSON object (the same as kshim run --json)')
  .option('--tree <name>', 'run on this tree instead of the scenario\'s', once('--tree'))
  .option('--set <SYM=v>', 'override a config symbol (repeatable)', collect, [])
  .option('--cmdline <text>', 'boot with this kernel command line instead of the scenario\'s, e.g. \'dyndbg="module dax_hmem +p"\'', once('--cmdline'))
  .option('--show <view>', 'only one view: iomem, sysfs, dmesg, owners, config', once('--show'))
  .option('--fail-on <FIELD=VALUE>', 'exit 1 when the outcome matches, e.g. owners=dax_hmem, warnings=any, leaks=any, end=deadlock (repeatable)', collect, [])
  .action(async (file: string, opts: { schedule: string; json?: boolean; tree?: string; set: string[]; cmdline?: string; show?: string; failOn: string[] }) => {
    try {
      checkOutput(opts);
      const conds = parseFailOn(opts.failOn);
      const scenario = loadScenario(file, { tree: opts.tree, set: opts.set, cmdline: opts.cmdline }, notesFor(opts));
      const run = await runWithSchedule(file, scenario, opts, { blockStacks: true });
      printRun(run, scenario, opts);
      applyFailOn(runFailOn(run, conds));
    } catch (e) {
      failOnInputError(e);
    }
  });

program
  .command('matrix')
  .description('every valid assignment of the user-visible CXL/DAX symbols for a tree, with its build result')
  .usage('--tree <name> [options]')
  .requiredOption('--tree <name>', 'the tree state (required)', once('--tree'))
  .option('--json', 'print one JSON object')
  .option('--explore', 'also explore a scenario under each configuration that links')
  .option('--scenario <file>', 'with --explore: the scenario to explore (default scenarios/mainline-builtin.json)', once('--scenario'))
  .option('--runs <n>', `with --explore: the exploration budget per configuration (default ${MATRIX_RUNS})`, once('--runs'))
  .option('--set <SYM=v>', 'hold a symbol fixed (repeatable), e.g. DEV_DAX=m; every row has that value', collect, [])
  .action(async (opts: MatrixArgs) => {
    try {
      await matrixCommand(opts);
    } catch (e) {
      failOnInputError(e);
    }
  });

program
  .command('timeline')
  .description('write one self-contained HTML page with the timeline of a run (tasks, initcalls, probes, work, modules, uevents)')
  .argument('<file>', 'scenario JSON file')
  .option('--out <page.html>', 'write the page here (default: standard output)', once('--out'))
  .option('--schedule <id>', 'replay this schedule id (as printed by run or explore)', once('--schedule'))
  .option('--tree <name>', 'run on this tree instead of the scenario\'s', once('--tree'))
  .option('--set <SYM=v>', 'override a config symbol (repeatable)', collect, [])
  .option('--cmdline <text>', 'boot with this kernel command line instead of the scenario\'s, e.g. \'dyndbg="module dax_hmem +p"\'', once('--cmdline'))
  .action(async (file: string, opts: { out?: string; schedule?: string; tree?: string; set: string[]; cmdline?: string }) => {
    try {
      await timelineCommand(file, opts);
    } catch (e) {
      failOnInputError(e);
    }
  });

program
  .command('shell')
  .description('boot a scenario, then explore it interactively: modprobe, rmmod, lsmod, cat, ls /sys, dmesg, step')
  .argument('<file>', 'scenario JSON file')
  .option('--schedule <id>', 'boot with this schedule id (as printed by run or explore)', once('--schedule'))
  .option('--tree <name>', 'run on this tree instead of the scenario\'s', once('--tree'))
  .option('--set <SYM=v>', 'override a config symbol (repeatable)', collect, [])
  .option('--cmdline <text>', 'boot with this kernel command line instead of the scenario\'s, e.g. \'dyndbg="module dax_hmem +p"\'', once('--cmdline'))
  .action(async (file: string, opts: { schedule?: string; tree?: string; set: string[]; cmdline?: string }) => {
    try {
      process.exitCode = await shellCommand(file, opts);
    } catch (e) {
      failOnInputError(e);
    }
  });

program
  .command('trees')
  .description('list the tree states, one per line')
  .action(() => {
    // Descriptions in one column, however long a local tree's name (v9-candidate).
    const w = Math.max(...TREES.map((t) => t.name.length)) + 2;
    for (const t of TREES) process.stdout.write(`${t.name.padEnd(w)}${t.description}\n`);
  });

program
  .command('knobs')
  .description('list the timing knobs with their defaults (milliseconds)')
  .action(() => {
    for (const k of [...FRAMEWORK_KNOBS, ...CXL_KNOBS].sort((a, b) => a.name.localeCompare(b.name))) {
      process.stdout.write(`${k.name.padEnd(16)} ${String(k.default).padStart(6)} ms  ${k.description}\n`);
    }
  });

program
  .command('bench')
  .description('measure: scheduler steps/s, boots/s, Kconfig matrix time')
  .option('--json', 'print one JSON object')
  .action(async (opts: { json?: boolean }) => {
    const { runBench } = await import('../bench/index.js');
    const report = await runBench(opts.json ? undefined : (l) => process.stdout.write(l + '\n'));
    if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  });

program
  .command('demo')
  .description('boot a tiny kernel: a platform device, a synchronous and an asynchronous driver, and show dmesg')
  .action(async () => {
    await demo();
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // An option parser's usage error (once()) surfaces here, before the command's action runs.
  failOnInputError(e);
}
