// SPDX-License-Identifier: GPL-2.0-only
/** `kshim timeline FILE [--out page.html]`: trace one run and write its timeline page. */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import { loadScenario } from '../load.js';
import { runWithSchedule } from '../schedule.js';
import { renderTimeline } from './render.js';
import { count } from '../plural.js';

export interface TimelineArgs {
  readonly out?: string;
  readonly schedule?: string;
  readonly tree?: string;
  readonly set: readonly string[];
  readonly cmdline?: string;
}

export async function timelineCommand(file: string, opts: TimelineArgs): Promise<void> {
  const scenario = loadScenario(file, { tree: opts.tree, set: opts.set, cmdline: opts.cmdline });
  const run = await runWithSchedule(file, scenario, opts, { trace: true, blockStacks: true });
  // A build that failed boots nothing: there is no timeline to draw, and an empty page would read like a boot that did nothing.
  if (!run.result.build.ok) {
    const how = [...(opts.tree !== undefined ? [`--tree ${opts.tree}`] : []), ...opts.set.map((v) => `--set ${v}`)].join(' ');
    const errors = run.result.build.errors;
    throw new UsageError(`${file}: nothing booted, so there is no timeline: the build failed (${errors[0]}${errors.length > 1 ? `, and ${errors.length - 1} more` : ''}); kshim run ${file}${how ? ` ${how}` : ''} shows the build errors`);
  }
  const html = renderTimeline(run, { scenario: basename(file) });
  if (opts.out === undefined) {
    process.stdout.write(html);
    return;
  }
  try {
    writeFileSync(opts.out, html);
  } catch (e) {
    throw new UsageError(`--out ${opts.out}: cannot write the page (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const trace = run.machine?.kernel.sched.trace;
  const tasks = new Set([...(trace?.spans ?? []), ...(trace?.marks ?? [])].map((x) => x.pid)).size;
  process.stdout.write(`${opts.out}: timeline of ${basename(file)} (tree ${run.result.tree}, schedule ${run.result.schedule}): ${count(tasks, 'task')}, ${count(trace?.spans.length ?? 0, 'span')}, ${count(trace?.marks.length ?? 0, 'mark')}\n`);
}
