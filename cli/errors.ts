// SPDX-License-Identifier: GPL-2.0-only
/** How the CLI reports bad input: one line on stderr, exit status 2, never a stack trace. */
import { KconfigError } from '../framework/kconfig/errors.js';
import { ScenarioError } from '../harness/scenario.js';
import { MatrixError } from '../harness/matrix.js';
import { ScheduleIdError } from '../harness/schedule.js';
import { FailOnError } from '../harness/fail-on.js';
import { UndeclaredSymbolError } from '../framework/kernel/module/symbols.js';
import { sourceLocation } from '../framework/kernel/stacktrace.js';
import { TaskCrash } from '../framework/sim/scheduler.js';

export class UsageError extends Error {}

/**
 * Print an input error and exit 2; a port that uses a symbol it does not
 * declare is one (its C would not compile). Any other crash of a task is a
 * bug in kshim, or in a port in a way the kernel model cannot show as an
 * oops: one line with the task, where it was thrown and the schedule, exit 1.
 * Rethrow anything else (a bug in kshim).
 */
export function failOnInputError(e: unknown): never {
  // Every schedule id the CLI decodes came with --schedule.
  if (e instanceof ScheduleIdError) {
    process.stderr.write(`kshim: --schedule ${e.id}: ${e.problem}\n`);
    process.exit(2);
  }
  if (e instanceof ScenarioError || e instanceof UsageError || e instanceof FailOnError || e instanceof MatrixError || e instanceof KconfigError) {
    process.stderr.write(`kshim: ${e.message}\n`);
    process.exit(2);
  }
  if (e instanceof TaskCrash) {
    process.stderr.write(`kshim: ${describeCrash(e)}\n`);
    process.exit(e.cause instanceof UndeclaredSymbolError ? 2 : 1);
  }
  throw e;
}

/** The one line a crashed task is reported with. */
export function describeCrash(e: TaskCrash): string {
  const cause = e.cause;
  const stack = cause instanceof Error ? (cause.stack ?? '') : '';
  const schedule = e.schedule === null ? '' : ` (schedule ${e.schedule})`;
  if (cause instanceof UndeclaredSymbolError) {
    const where = sourceLocation(stack, (f) => f.includes('/kernel/module/symbols.'));
    return `${where === null ? '' : `${where}: `}${cause.message}${schedule}`;
  }
  const where = sourceLocation(stack);
  const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return `task ${e.task.comm} (pid ${e.task.pid}) crashed${where === null ? '' : ` at ${where}`}: ${what}${schedule}`;
}
