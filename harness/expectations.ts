// SPDX-License-Identifier: GPL-2.0-only
/**
 * The canned test of base expectations Dan Williams asked for in the
 * v8 3/9 thread ("a canned unit test that verifies the base
 * expectations"), as data and a runner: five machines, each booted once on
 * every tree state, and six expectations judged from what a kernel
 * developer would look at (who owns each Soft Reserved range, dmesg, the
 * live dax regions, WARNs and leaks).
 *
 *   E1  CXL owns a Soft Reserved range that a committed region fully contains
 *   E2  HMEM owns the range when region assembly fails
 *   E3  HMEM owns everything with CONFIG_CXL_REGION=n
 *   E4  a range split between a committed region and an uncovered part of
 *       the window is decided per range
 *   E5  a range outside every CXL window goes to HMEM at once
 *   E6  in every case: no WARN, no leak, no range claimed twice, no range
 *       left without an owner
 *
 * Every machine is modular (CXL and DAX as modules, CXL_REGION=y unless
 * the expectation says otherwise) with cxl_core, cxl_port and cxl_acpi in
 * the initramfs, as on the QEMU setups of the thread: the CXL windows then
 * exist before the real root is mounted and udev loads dax_hmem. (Without
 * that, udev loads cxl_acpi and dax_hmem concurrently; a current kmod makes
 * dax_hmem's request_module("cxl_acpi") wait for that load, so the outcome
 * is the same, but every boot explores more interleavings.) The built-in
 * configuration is not a base expectation: with initcalls that take time,
 * mainline ends with HMEM owning the range in every schedule, and for any
 * timing the owner depends on the order of PID 1 and the hmem work
 * (docs/findings.md §2).
 *
 * The verdicts come out of the simulation; nothing here knows which tree
 * should pass what. suites/expectations/base-expectations.spec.ts states
 * the expected verdict of each tree.
 *
 * Usable from mocha (runBaseExpectations) and from the command line:
 * `node dist/harness/expectations.js [tree ...]` prints the table.
 */
import { pathToFileURL } from 'node:url';
import { runScenario, type Run, type RunResult } from './run.js';
import { validateScenario, type Scenario, type Tristate } from './scenario.js';
import { ALL_TREES as TREES, lookupTree as findTree } from '../trees/registry.js';
import type { Tree } from '../trees/tree.js';

export type ExpectationId = 'E1' | 'E2' | 'E3' | 'E4' | 'E5' | 'E6';

export interface Expectation {
  readonly id: ExpectationId;
  readonly title: string;
}

export const EXPECTATIONS: readonly Expectation[] = [
  { id: 'E1', title: 'CXL owns a Soft Reserved range that a committed region fully contains' },
  { id: 'E2', title: 'HMEM owns the Soft Reserved range when region assembly fails' },
  { id: 'E3', title: 'HMEM owns every Soft Reserved range with CONFIG_CXL_REGION=n' },
  { id: 'E4', title: 'a range split between a committed region and the rest of the CXL window is decided per range (dax_cxl and dax_hmem)' },
  { id: 'E5', title: 'a Soft Reserved range outside every CXL window goes to HMEM at once, while dax_hmem loads' },
  { id: 'E6', title: 'in every case: no WARN, no leak, no range claimed twice, no range left without an owner' },
];

export interface Verdict {
  readonly pass: boolean;
  /** What was seen, in kernel words: why it passed, or what went wrong. */
  readonly reason: string;
  /**
   * The machines whose boots failed the cell, in E1..E5 order, so that a
   * failure can be rerun without reading the reason: the one machine of
   * E1..E5, each machine E6 found a problem on; [] when the cell passes.
   */
  readonly machines: readonly BaseScenarioId[];
}

/** What a judge of one machine says; judgeTree() adds the machine. */
type Judgement = Omit<Verdict, 'machines'>;

export interface BaseExpectationsResult {
  readonly trees: string[];
  readonly expectations: Expectation[];
  readonly verdicts: Record<string, Record<ExpectationId, Verdict>>;
}

/** The machines E1..E5 boot: scenario objects as a scenario file would hold them, without the tree. */
export type BaseScenarioId = 'E1' | 'E2' | 'E3' | 'E4' | 'E5';

/** The cover letter's 128 GiB range, which is also CXL Window 0. */
const WINDOW0 = { start: '0x850000000', end: '0x284fffffff' } as const;
/** E4: the committed region covers the first 8 GiB of the window, the second Soft Reserved range the rest. */
const LOW = { start: '0x850000000', end: '0x104fffffff' } as const;
const HIGH = { start: '0x1050000000', end: '0x284fffffff' } as const;
/** E5: a Soft Reserved range (4 GiB) far above every window. */
const OUTSIDE = { start: '0x3000000000', end: '0x30ffffffff' } as const;

/** CXL and DAX as modules; each machine adds CXL_REGION and DEV_DAX_CXL. */
export const MODULAR: Readonly<Record<string, Tristate>> = {
  CXL_BUS: 'm',
  CXL_ACPI: 'm',
  CXL_PCI: 'm',
  CXL_MEM: 'm',
  DAX: 'm',
  DEV_DAX: 'm',
  DEV_DAX_HMEM: 'm',
  DEV_DAX_KMEM: 'm',
};

/** cxl_acpi and what it needs, packed into the initramfs. */
export const CXL_ACPI_EARLY: readonly string[] = ['cxl_core', 'cxl_port', 'cxl_acpi'];

export const BASE_SCENARIOS: Readonly<Record<BaseScenarioId, Readonly<Record<string, unknown>>>> = {
  E1: {
    description: 'cover letter [1]: a committed region fully contains the Soft Reserved range',
    config: { ...MODULAR, CXL_REGION: 'y', DEV_DAX_CXL: 'm' },
    firmware: { softReserved: [{ ...WINDOW0, nid: 1 }], cfmws: [WINDOW0] },
    cxl: { regions: [{ ...WINDOW0, assembly: 'commit' }] },
    initramfs: CXL_ACPI_EARLY,
  },
  E2: {
    description: 'cover letter [3]: the auto region misses a member (fail_autoassemble)',
    config: { ...MODULAR, CXL_REGION: 'y', DEV_DAX_CXL: 'm' },
    firmware: { softReserved: [{ ...WINDOW0, nid: 1 }], cfmws: [WINDOW0] },
    cxl: { regions: [{ ...WINDOW0, assembly: 'fail' }] },
    initramfs: CXL_ACPI_EARLY,
  },
  E3: {
    description: 'cover letter [2]: CONFIG_CXL_REGION=n, although the BIOS committed a region',
    config: { ...MODULAR, CXL_REGION: 'n' },
    firmware: { softReserved: [{ ...WINDOW0, nid: 1 }], cfmws: [WINDOW0] },
    cxl: { regions: [{ ...WINDOW0, assembly: 'commit' }] },
    initramfs: CXL_ACPI_EARLY,
  },
  E4: {
    description: 'two Soft Reserved ranges in CXL Window 0: one is a committed region, the other is not covered by any region',
    config: { ...MODULAR, CXL_REGION: 'y', DEV_DAX_CXL: 'm' },
    firmware: { softReserved: [{ ...LOW, nid: 1 }, { ...HIGH, nid: 1 }], cfmws: [WINDOW0] },
    cxl: { regions: [{ ...LOW, assembly: 'commit' }] },
    initramfs: CXL_ACPI_EARLY,
  },
  E5: {
    description: 'a Soft Reserved range outside every CXL window, next to one that a committed region contains',
    config: { ...MODULAR, CXL_REGION: 'y', DEV_DAX_CXL: 'm' },
    firmware: { softReserved: [{ ...OUTSIDE, nid: 0 }, { ...WINDOW0, nid: 1 }], cfmws: [WINDOW0] },
    cxl: { regions: [{ ...WINDOW0, assembly: 'commit' }] },
    initramfs: CXL_ACPI_EARLY,
  },
};

const validated = new Map<BaseScenarioId, Scenario>();

/** The scenario of a base expectation on a tree (known by name, or a Tree built by a test); validated once per process. */
export function baseScenario(id: BaseScenarioId, tree: string | Tree): Scenario {
  let s = validated.get(id);
  if (s === undefined) {
    s = validateScenario({ tree: 'base', ...BASE_SCENARIOS[id] }, `base expectation ${id}`);
    validated.set(id, s);
  }
  const t = typeof tree === 'string' ? findTree(tree) : tree;
  if (t === undefined) throw new Error(`base expectations: unknown tree "${String(tree)}"; known trees: ${TREES.map((x) => x.name).join(', ')}`);
  return { ...s, tree: t, file: `base expectation ${id} on ${t.name}` };
}

/** Run one base-expectation machine on a tree (E5 records the timeline its verdict needs). */
export async function runBaseScenario(id: BaseScenarioId, tree: string | Tree): Promise<Run> {
  return await runScenario(baseScenario(id, tree), { trace: id === 'E5' });
}

// ---- judging -----------------------------------------------------------------

/** "0x850000000-0x284fffffff", as %pr prints it inside "[mem ... flags ...]". */
function span(r: { start: string; end: string }): string {
  return `${r.start}-${r.end}`;
}

/** hmem.c's four dev_dbg messages about what it does with a range (each followed by ": %pr"). */
export const HMEM_DECISIONS = ['await CXL initial probe', 'deferring range to CXL', 'CXL claims resource, dropping', 'CXL did not claim resource, registering'] as const;

function decisionsFor(r: RunResult, range: { start: string; end: string }): string[] {
  const needle = `[mem ${span(range)} `;
  return r.dmesg.filter((l) => l.includes(needle) && HMEM_DECISIONS.some((d) => l.includes(`: ${d}: `))).map((l) => l.replace(/^\[[ 0-9.]+\] /, ''));
}

function ownerOf(r: RunResult, range: { start: string; end: string }): string | null {
  return r.softReserved.find((s) => s.start === range.start && s.end === range.end)?.owner ?? null;
}

/** What hmem.c said about a range, as `"deferring range to CXL", then "..."`, or null. */
function saidAbout(r: RunResult, range: { start: string; end: string }): string | null {
  const said = decisionsFor(r, range).map((l) => `"${l.replace(/^.*?: ([^:]+): \[mem.*$/, '$1')}"`);
  return said.length > 0 ? said.join(', then ') : null;
}

/** Why a range has no owner, from what hmem.c said about it. */
function noOwnerWhy(r: RunResult, range: { start: string; end: string }): string {
  const said = saidAbout(r, range);
  return `${span(range)} has no owner${said !== null ? ` (hmem_platform said ${said})` : ''}`;
}

function ownedBy(r: RunResult, range: { start: string; end: string }, want: 'dax_cxl' | 'dax_hmem'): Judgement {
  const got = ownerOf(r, range);
  if (got === want) {
    const region = r.daxRegions.find((d) => d.owner === want && BigInt(d.start) <= BigInt(range.start) && BigInt(d.end) >= BigInt(range.end));
    const said = saidAbout(r, range);
    return { pass: true, reason: `${want} owns ${span(range)}${region ? ` (dax_region ${region.path})` : ''}${said !== null ? ` after hmem_platform said ${said}` : ''}` };
  }
  if (got === null) return { pass: false, reason: noOwnerWhy(r, range) };
  return { pass: false, reason: `${got} owns ${span(range)}, expected ${want}` };
}

function both(...vs: Judgement[]): Judgement {
  const failed = vs.filter((v) => !v.pass);
  if (failed.length > 0) return { pass: false, reason: failed.map((v) => v.reason).join('; ') };
  return { pass: true, reason: vs.map((v) => v.reason).join('; ') };
}

function broken(run: Run): string | null {
  const r = run.result;
  if (!r.build.ok) return `the build fails: ${r.build.errors.join('; ')}`;
  const bad = run.outcomes.find((o) => o.status !== 'idle');
  if (bad !== undefined) return `the boot ends in ${bad.status}`;
  return null;
}

function judgeE1(run: Run): Judgement {
  return ownedBy(run.result, WINDOW0, 'dax_cxl');
}

function judgeE2(run: Run): Judgement {
  return ownedBy(run.result, WINDOW0, 'dax_hmem');
}

function judgeE3(run: Run): Judgement {
  const r = run.result;
  if (r.config.values['CXL_REGION'] !== 'n') return { pass: false, reason: `CONFIG_CXL_REGION=${r.config.values['CXL_REGION']}` };
  return both(...r.softReserved.map((s) => ownedBy(r, s, 'dax_hmem')));
}

function judgeE4(run: Run): Judgement {
  return both(ownedBy(run.result, LOW, 'dax_cxl'), ownedBy(run.result, HIGH, 'dax_hmem'));
}

/**
 * E5: dax_hmem owns the outside range, hmem.c never put it on the CXL
 * path, and the hmem device that holds it was probed by the task loading
 * dax_hmem, before that load finished (not later from a work item).
 */
function judgeE5(run: Run): Judgement {
  const r = run.result;
  const owned = ownedBy(r, OUTSIDE, 'dax_hmem');
  if (!owned.pass) return owned;
  const said = decisionsFor(r, OUTSIDE);
  if (said.length > 0) return { pass: false, reason: `hmem_platform put ${span(OUTSIDE)} on the CXL path: "${said[0]}"` };
  const region = r.daxRegions.find((d) => d.owner === 'dax_hmem' && d.start === OUTSIDE.start && d.end === OUTSIDE.end)!;
  const host = region.path.split('/').pop()!;
  const trace = run.machine!.kernel.sched.trace;
  const probe = trace.spans.find((s) => s.kind === 'probe' && s.name === `hmem ${host}` && s.detail === '0');
  const load = trace.spans.find((s) => (s.kind === 'module' && s.name === 'dax_hmem') || (s.kind === 'initcall' && s.name === 'dax_hmem_init'));
  if (probe === undefined || load === undefined) return { pass: false, reason: `no timeline of the ${host} probe or of the dax_hmem load` };
  if (probe.pid !== load.pid || probe.start < load.start || probe.end > load.end) {
    return { pass: false, reason: `${host} (${span(OUTSIDE)}) was probed by pid ${probe.pid} at ${probe.start / 1e6} s, outside the dax_hmem load (pid ${load.pid})` };
  }
  return { pass: true, reason: `dax_hmem owns ${span(OUTSIDE)}: ${host} bound while dax_hmem loaded, no deferral line for it` };
}

/** E6 over every machine: WARNs, leaks, double claims, ranges without an owner; the machines that had any. */
function judgeE6(runs: ReadonlyArray<[BaseScenarioId, Run]>): Verdict {
  const found = runs.map(([id, run]) => ({ id, problems: problemsOf(run) })).filter((m) => m.problems.length > 0);
  if (found.length > 0) return { pass: false, reason: found.flatMap((m) => m.problems.map((p) => `${m.id}: ${p}`)).join('; '), machines: found.map((m) => m.id) };
  return { pass: true, reason: 'no WARN, no leak, no double claim, every range owned', machines: [] };
}

/** What E6 finds wrong with one boot, in kernel words. */
function problemsOf(run: Run): string[] {
  const b = broken(run);
  if (b !== null) return [b];
  const r = run.result;
  const problems: string[] = [];
  for (const w of r.warnings) problems.push(`${w.message} (${w.function})`);
  for (const l of r.leaks) problems.push(`leak: ${l}`);
  const live = r.daxRegions;
  for (let i = 0; i < live.length; i++) {
    for (let j = i + 1; j < live.length; j++) {
      const a = live[i]!;
      const c = live[j]!;
      if (BigInt(a.start) <= BigInt(c.end) && BigInt(c.start) <= BigInt(a.end)) {
        problems.push(`claimed twice: ${a.path} (${a.owner}) and ${c.path} (${c.owner}) overlap`);
      }
    }
  }
  for (const s of r.softReserved) if (s.owner === null) problems.push(noOwnerWhy(r, s));
  return problems;
}

const JUDGES: Record<BaseScenarioId, (run: Run) => Judgement> = { E1: judgeE1, E2: judgeE2, E3: judgeE3, E4: judgeE4, E5: judgeE5 };

/** Boot the five machines on one tree and judge E1..E6. */
export async function judgeTree(tree: string | Tree): Promise<Record<ExpectationId, Verdict>> {
  const runs: Array<[BaseScenarioId, Run]> = [];
  const out = {} as Record<ExpectationId, Verdict>;
  for (const id of Object.keys(BASE_SCENARIOS) as BaseScenarioId[]) {
    const run = await runBaseScenario(id, tree);
    runs.push([id, run]);
    const b = broken(run);
    const j = b !== null ? { pass: false, reason: b } : JUDGES[id](run);
    out[id] = { ...j, machines: j.pass ? [] : [id] };
  }
  out.E6 = judgeE6(runs);
  return out;
}

/** Every tree (default: all, in series order) against E1..E6. */
export async function runBaseExpectations(trees?: string[]): Promise<BaseExpectationsResult> {
  const names = trees ?? TREES.map((t) => t.name);
  for (const n of names) if (findTree(n) === undefined) throw new Error(`base expectations: unknown tree "${n}"; known trees: ${TREES.map((t) => t.name).join(', ')}`);
  const verdicts: Record<string, Record<ExpectationId, Verdict>> = {};
  for (const n of names) verdicts[n] = await judgeTree(n);
  return { trees: names.slice(), expectations: EXPECTATIONS.slice(), verdicts };
}

/** A tree x expectation table with ✓ and ✗, the expectations' titles, then why each failed (trees failing the same way share a line). */
export function formatVerdictTable(result: BaseExpectationsResult): string {
  const ids = result.expectations.map((e) => e.id);
  const w = Math.max(4, ...result.trees.map((t) => t.length));
  const lines: string[] = [];
  lines.push(`${'tree'.padEnd(w)}  ${ids.join('  ')}`);
  for (const t of result.trees) {
    const v = result.verdicts[t]!;
    lines.push(`${t.padEnd(w)}  ${ids.map((id) => (v[id]!.pass ? '✓' : '✗').padEnd(id.length)).join('  ')}`.trimEnd());
  }
  lines.push('');
  for (const e of result.expectations) lines.push(`${e.id}  ${e.title}`);
  // One line per (expectation, reason), naming every tree that failed it that way.
  const groups = new Map<string, { id: ExpectationId; reason: string; trees: string[] }>();
  for (const id of ids) {
    for (const t of result.trees) {
      const v = result.verdicts[t]![id]!;
      if (v.pass) continue;
      const key = `${id}\0${v.reason}`;
      const g = groups.get(key) ?? { id, reason: v.reason, trees: [] };
      g.trees.push(t);
      groups.set(key, g);
    }
  }
  if (groups.size > 0) {
    lines.push('');
    lines.push('failures:');
    for (const g of groups.values()) lines.push(`  ${g.id} on ${g.trees.join(', ')}: ${g.reason}`);
  }
  return lines.join('\n');
}

/** `node dist/harness/expectations.js [tree ...]`: print the table. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const result = await runBaseExpectations(argv.length > 0 ? argv.slice() : undefined);
    process.stdout.write(formatVerdictTable(result) + '\n');
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
