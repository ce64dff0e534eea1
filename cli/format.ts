// SPDX-License-Identifier: GPL-2.0-only
/** Human-readable views of a run: ownership table, warnings, build errors, dmesg, /proc/iomem. */
import { endOf } from '../harness/explore/signature.js';
import type { Run, RunResult, StepReport } from '../harness/run.js';
import { dotConfigSymbols } from '../harness/scenario.js';
import type { Tree } from '../trees/tree.js';
import { CXL_DAX_SYMBOLS } from '../framework/kconfig/texts/index.js';
import { formatSysfs } from './sysfs.js';

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

export function formatOwners(r: Pick<RunResult, 'softReserved' | 'daxRegions'>): string {
  const rows = [['Soft Reserved range', 'owner']];
  for (const sr of r.softReserved) rows.push([`${sr.start}-${sr.end}`, sr.owner ?? 'none']);
  const out = [table(rows)];
  if (r.softReserved.length === 0) out.push('(none: the firmware has no Soft Reserved range)');
  if (r.daxRegions.length > 0) {
    const dr = [['dax region id', 'range', 'owner', 'path']];
    for (const d of r.daxRegions) dr.push([String(d.id), `${d.start}-${d.end}`, d.owner ?? '?', d.path]);
    out.push('', table(dr));
  }
  return out.join('\n');
}

/**
 * The symbols as a .config writes them: CONFIG_X=y or m, and "# CONFIG_X is
 * not set" for n. `hidden` symbols, which .config leaves out, follow as
 * kshim's own comments, with what hides them.
 */
export function formatConfig(r: RunResult, symbols: readonly string[], hidden: readonly { symbol: string; reason: string }[] = []): string {
  const lines = symbols.map((s) => {
    const v = r.config.values[s] ?? 'n';
    return v === 'n' ? `# CONFIG_${s} is not set` : `CONFIG_${s}=${v}`;
  });
  for (const h of hidden) lines.push(`# ${h.symbol}: not in .config (${h.reason})`);
  for (const a of r.config.adjusted) lines.push(`# ${a.symbol}: requested ${a.requested}, got ${a.actual} (${a.reason})`);
  for (const u of r.config.unknown) lines.push(`# ${u}: not a Kconfig symbol of this tree`);
  return lines.join('\n');
}

/**
 * `--show config`: what .config holds of drivers/cxl and drivers/dax for
 * the run's values, then a comment for each symbol of the series that
 * .config leaves out (unmet dependencies), and the adjustments.
 */
export function formatDotConfig(r: RunResult, tree: Tree): string {
  const dot = dotConfigSymbols(tree, r.config.values);
  const hidden = dot.hidden.filter((h) => (CXL_DAX_SYMBOLS as readonly string[]).includes(h.symbol));
  return formatConfig(r, dot.written, hidden);
}

/** What `kshim run` and `kshim replay` print: --json, one --show view, or the human report. */
export interface RunView {
  readonly json?: boolean;
  readonly show?: string;
}

/**
 * The object `kshim run --json` and `kshim replay --json` print: every key
 * of the run's result, then `steps` (each step after boot as "== steps =="
 * lists it: the command, its exit status, the lines modprobe printed) and
 * `end`, how the run ended as explore's signature says it (idle, deadlock,
 * runaway, not-booted).
 */
export function runJson(run: Pick<Run, 'result' | 'outcomes' | 'steps'>): RunResult & { steps: StepReport[]; end: string } {
  return { ...run.result, steps: (run.steps ?? []).map((s) => ({ command: s.command, exit: s.exit, output: [...s.output] })), end: endOf(run) };
}

/** The text `kshim run` and `kshim replay` write to stdout for `run`. */
export function runOutput(run: Run, tree: Tree, view: RunView): string {
  const { result, machine, steps } = run;
  if (view.json) return JSON.stringify(runJson(run), null, 2) + '\n';
  if (view.show === 'iomem') return result.iomem;
  if (view.show === 'sysfs') return machine === null ? 'nothing booted: the build failed (kshim run shows why)\n' : formatSysfs(machine.kernel) + '\n';
  if (view.show === 'dmesg') return result.dmesg.join('\n') + '\n';
  if (view.show === 'owners') return formatOwners(result) + '\n';
  if (view.show === 'config') return formatDotConfig(result, tree) + '\n';
  return formatRun(result, warningDetails(run), steps, endReport(run)) + '\n';
}

/**
 * `details`, aligned with r.warnings, adds a line under a warning: for an
 * oops from a NULL dereference in a port, the JavaScript error and the
 * source line it came from. `steps` are the scenario's steps after boot,
 * each with its exit status and what modprobe printed.
 */
/** For a run that did not end idle, what the scheduler said about it: the deadlock's wait chain, or the runaway. */
export function endReport(run: Pick<Run, 'outcomes'>): string | null {
  const o = run.outcomes.find((x) => x.status !== 'idle');
  if (o === undefined) return null;
  return o.deadlock?.message ?? o.runaway?.message ?? o.status;
}

export function formatRun(r: RunResult, details: ReadonlyArray<string | null> = [], steps: readonly StepReport[] = [], end: string | null = null): string {
  const out: string[] = [];
  out.push(`tree ${r.tree}, schedule ${r.schedule}`);
  for (const a of r.config.adjusted) out.push(`config: ${a.symbol}=${a.requested} requested, ${a.actual} used (limited by ${a.reason})`);
  for (const u of r.config.unknown) out.push(`config: ${u} is not a Kconfig symbol of this tree`);
  if (!r.build.ok) {
    out.push('', 'build failed:', ...r.build.errors.map((e) => `  ${e}`), '', 'nothing booted.');
    return out.join('\n');
  }
  out.push('', '== dmesg ==', ...r.dmesg);
  if (steps.length > 0) out.push('', '== steps ==', ...steps.map(formatStep));
  // An empty /proc/iomem (nothing claimed a range) prints no line at all, as cat prints nothing.
  const iomem = r.iomem.trimEnd();
  out.push('', '== /proc/iomem ==', ...(iomem === '' ? [] : [iomem]), '', '== owners ==', formatOwners(r));
  const warnings = warningLines(r, details);
  out.push('', '== warnings ==', ...(warnings.length ? warnings : ['(none)']));
  if (r.leaks.length) out.push('', '== leaks ==', ...r.leaks);
  if (end !== null) out.push('', '== end ==', 'the run did not reach idle:', ...end.split('\n'));
  return out.join('\n');
}

/** One step: "modprobe dax_cxl: exit 1: modprobe: FATAL: ...", with each further line of output indented under it. */
export function formatStep(s: StepReport): string {
  const [first, ...more] = s.output;
  return [`${s.command}: exit ${s.exit}${first !== undefined ? `: ${first}` : ''}`, ...more.map((l) => `    ${l}`)].join('\n');
}

/**
 * What an oops adds under its headline (the JavaScript error of a NULL
 * dereference in a port and the source line it came from), aligned with
 * the run's warnings; null for a WARN.
 */
export function warningDetails(run: Pick<Run, 'machine'>): Array<string | null> {
  return run.machine?.kernel.panic.warnings.map((w) => (w.kind === 'oops' ? w.text : null)) ?? [];
}

/** The warnings of a run, each as its dmesg line reads, with its detail (see warningDetails()) indented under it. */
export function warningLines(r: Pick<RunResult, 'warnings'>, details: ReadonlyArray<string | null> = []): string[] {
  return r.warnings.flatMap((w, i) => {
    const detail = details[i];
    return detail ? [warningLine(w), `    ${detail}`] : [warningLine(w)];
  });
}

/** A warning's headline as its dmesg line reads: "[    3.278000] WARNING: ...". */
export function warningLine(w: { readonly time: string; readonly message: string }): string {
  return `[${w.time.padStart(12, ' ')}] ${w.message}`;
}
