// SPDX-License-Identifier: GPL-2.0-only
/**
 * The outcome of a run, reduced to what a kernel developer compares: the
 * owner of every Soft Reserved range, whether the build linked, which
 * functions warned, leaks, and how the run ended (idle, deadlock, runaway,
 * or not-booted when the build failed).
 */
import type { Run } from '../run.js';

export interface Outcome {
  readonly signature: string;
  readonly owners: ReadonlyArray<string | null>;
  readonly build: 'ok' | 'link-error';
  readonly warnings: readonly string[];
  readonly leaks: number;
  readonly status: string;
}

/**
 * How a run ended: "not-booted" when the build failed (no machine ran),
 * else the first step that did not end idle ("deadlock", "runaway"), else
 * "idle".
 */
export function endOf(run: Pick<Run, 'result' | 'outcomes'>): string {
  if (!run.result.build.ok) return 'not-booted';
  return run.outcomes.find((o) => o.status !== 'idle')?.status ?? 'idle';
}

export function outcomeOf(run: Run): Outcome {
  const r = run.result;
  const owners = r.softReserved.map((s) => s.owner);
  const warnings = [...new Set(r.warnings.map((w) => w.function))].sort();
  const status = endOf(run);
  const build = r.build.ok ? 'ok' as const : 'link-error' as const;
  // Nothing booted, so nobody could take a range: "n/a", not "none" (a boot where nobody took it).
  const ownerText = !r.build.ok ? 'n/a' : owners.length ? owners.map((o) => o ?? 'none').join(',') : '-';
  const signature = `owners=${ownerText} build=${build} warnings=${warnings.join(',') || 'none'} leaks=${r.leaks.length} end=${status}`;
  return { signature, owners, build, warnings, leaks: r.leaks.length, status };
}
