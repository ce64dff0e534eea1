// SPDX-License-Identifier: GPL-2.0-only
/**
 * What `--fail-on` prints and the exit status it sets: 1 when a condition
 * matched (git bisect run counts it as bad), 0 otherwise. The verdict goes
 * to stderr so that stdout, text or --json, stays what it is without the
 * option.
 */
import type { ExploreReport } from '../harness/explore/explorer.js';
import { outcomeOf } from '../harness/explore/signature.js';
import { failOnMatched, type FailOnCondition } from '../harness/fail-on.js';
import type { Run } from '../harness/run.js';
import { count } from './plural.js';

export interface FailOnVerdict {
  /** 1 when some condition matched, else 0. */
  readonly status: 0 | 1;
  /** Lines for stderr, without the "kshim: " prefix. */
  readonly lines: string[];
}

const listed = (conds: readonly FailOnCondition[]): string => conds.map((c) => `--fail-on ${c.text}`).join(', ');

/** One run (kshim run, kshim replay): fails when its outcome matches a condition. */
export function runFailOn(run: Run, conds: readonly FailOnCondition[]): FailOnVerdict {
  if (conds.length === 0) return { status: 0, lines: [] };
  const outcome = outcomeOf(run);
  const hit = failOnMatched(conds, outcome);
  if (hit.length === 0) return { status: 0, lines: [] };
  return { status: 1, lines: [`${listed(hit)}: the run ended ${outcome.signature}`] };
}

/**
 * An exploration: fails when some outcome class matches, naming each such
 * class with its count and the command that replays its shortest
 * schedule. When nothing matched and the search was not complete, says
 * that an unexplored schedule may still match.
 */
export function exploreFailOn(report: ExploreReport, conds: readonly FailOnCondition[], replay: (schedule: string) => string): FailOnVerdict {
  if (conds.length === 0) return { status: 0, lines: [] };
  const lines: string[] = [];
  for (const o of report.outcomes) {
    const hit = failOnMatched(conds, o);
    if (hit.length === 0) continue;
    lines.push(`${listed(hit)}: ${count(o.count, 'schedule')} of ${report.schedulesExplored} ended ${o.signature}; ${replay(o.shrunk)}`);
  }
  if (lines.length > 0) return { status: 1, lines };
  if (!report.complete) return { status: 0, lines: [`${listed(conds)}: no explored schedule matched, but the exploration is not complete: a schedule it did not run may still match`] };
  return { status: 0, lines: [] };
}

/** Print a verdict's lines on stderr and set the exit status. */
export function applyFailOn(v: FailOnVerdict): void {
  for (const l of v.lines) process.stderr.write(`kshim: ${l}\n`);
  if (v.status !== 0) process.exitCode = v.status;
}
