// SPDX-License-Identifier: GPL-2.0-only
/** How the CLI reports bad input: one line on stderr, exit status 2, never a stack trace. */
import { KconfigError } from '../framework/kconfig/errors.js';
import { ScenarioError } from '../harness/scenario.js';
import { ScheduleIdError } from '../harness/schedule.js';

export class UsageError extends Error {}

/** Print an input error and exit 2; rethrow anything else (a bug in kshim). */
export function failOnInputError(e: unknown): never {
  if (e instanceof ScenarioError || e instanceof UsageError || e instanceof ScheduleIdError || e instanceof KconfigError) {
    process.stderr.write(`kshim: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
