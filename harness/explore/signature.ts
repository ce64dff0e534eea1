// SPDX-License-Identifier: GPL-2.0-only
/**
 * The outcome of a run, reduced to what a kernel developer compares: the
 * owner of every Soft Reserved range, whether the build linked, which
 * functions warned, leaks, and how the run ended (idle, deadlock, runaway).
 */
import type { Run } from '../run.js';

export interface Outcome {
  readonly signature: string;
  readonly owners: ReadonlyArray<string | null>;
  readonly warnings: readonly string[];
  readonly leaks: number;
  readonly status: string;
}

export function outcomeOf(run: Run): Outcome {
  const r = run.result;
  const owners = r.softReserved.map((s) => s.owner);
  const warnings = [...new Set(r.warnings.map((w) => w.function))].sort();
  const status = run.outcomes.find((o) => o.status !== 'idle')?.status ?? 'idle';
  const build = r.build.ok ? 'ok' : 'link-error';
  const signature = `owners=${owners.length ? owners.map((o) => o ?? 'none').join(',') : '-'} build=${build} warnings=${warnings.join(',') || 'none'} leaks=${r.leaks.length} end=${status}`;
  return { signature, owners, warnings, leaks: r.leaks.length, status };
}
