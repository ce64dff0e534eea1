// SPDX-License-Identifier: GPL-2.0-only
/**
 * `--fail-on FIELD=VALUE`: turn an outcome into an exit status, for CI and
 * `git bisect run`. FIELD is a field of the outcome signature that
 * `kshim explore` prints (owners=dax_hmem build=ok warnings=none leaks=0
 * end=idle), so a user copies the part of a signature they care about:
 *
 *   owners=DRIVER    some Soft Reserved range ends owned by DRIVER
 *                    (dax_hmem or dax_cxl; none: a range nobody took)
 *   warnings=FUNC    some WARN, BUG, oops or KASAN report names FUNC (any: any at all)
 *   leaks=any        something leaked (leaks=N: exactly N leaks)
 *   build=link-error the configuration did not link
 *   end=STATUS       the run ended deadlock, runaway or not-booted (or idle)
 *
 * Several conditions fail when any of them matches.
 */
import type { Outcome } from './explore/signature.js';
import { OWNERS } from './run.js';
import { closest } from './suggest.js';

export type FailOnField = 'owners' | 'warnings' | 'leaks' | 'build' | 'end';

export interface FailOnCondition {
  readonly field: FailOnField;
  readonly value: string;
  /** As the user wrote it, for messages. */
  readonly text: string;
}

/** Bad --fail-on text; the CLI prints the message and exits 2. */
export class FailOnError extends Error {}

const FIELDS: readonly FailOnField[] = ['owners', 'warnings', 'leaks', 'build', 'end'];
const BUILDS = ['ok', 'link-error'];
const ENDS = ['idle', 'deadlock', 'runaway', 'not-booted'];
/** What owners= can match: an owner's name, or none for a range nobody took. */
const OWNER_VALUES: readonly string[] = [...OWNERS, 'none'];

/** The conditions of every --fail-on given, in order; throws FailOnError naming the bad one. */
export function parseFailOn(texts: readonly string[]): FailOnCondition[] {
  return texts.map(parseOne);
}

function parseOne(text: string): FailOnCondition {
  const bad = (problem: string): never => {
    throw new FailOnError(`--fail-on ${text}: ${problem}`);
  };
  const eq = text.indexOf('=');
  if (eq < 0) bad(`expected FIELD=VALUE with FIELD one of ${FIELDS.join(', ')} (as in an outcome signature, e.g. owners=dax_hmem)`);
  const field = text.slice(0, eq);
  const value = text.slice(eq + 1);
  if (!(FIELDS as readonly string[]).includes(field)) bad(`unknown field ${JSON.stringify(field)}; expected one of ${FIELDS.join(', ')}`);
  if (value === '') bad('empty value');
  if (field === 'leaks' && value !== 'any' && !/^\d+$/.test(value)) bad('expected any or a number of leaks');
  if (field === 'build' && !BUILDS.includes(value)) bad(`expected ${BUILDS.join(' or ')}`);
  if (field === 'end' && !ENDS.includes(value)) bad(`expected one of ${ENDS.join(', ')}`);
  if (field === 'owners' && !OWNER_VALUES.includes(value)) bad(ownersProblem(value));
  return { field: field as FailOnField, value, text };
}

/**
 * Why owners=VALUE can never match. A signature of a build that did not
 * link says owners=n/a, and one of a machine without Soft Reserved ranges
 * owners=-: neither is an owner, so say which condition the user wants.
 */
function ownersProblem(value: string): string {
  const expected = `expected ${OWNER_VALUES.slice(0, -1).join(', ')} or none (a range nobody took), as an outcome signature names owners`;
  if (value === 'n/a') return `${expected}; owners=n/a there means the build did not link: use build=link-error`;
  if (value === '-') return `${expected}; owners=- there means the machine has no Soft Reserved range, so no owner to match`;
  const near = closest(value, OWNER_VALUES);
  return `unknown owner ${JSON.stringify(value)}${near !== undefined ? ` (did you mean ${near}?)` : ''}; ${expected}`;
}

/** Whether `outcome` matches `cond`. */
export function failOnMatches(cond: FailOnCondition, outcome: Omit<Outcome, 'signature'>): boolean {
  switch (cond.field) {
    case 'owners':
      // A build that failed booted nothing: no range has an owner, not even "none".
      return outcome.build === 'ok' && outcome.owners.some((o) => (o ?? 'none') === cond.value);
    case 'warnings':
      return cond.value === 'any' ? outcome.warnings.length > 0 : outcome.warnings.includes(cond.value);
    case 'leaks':
      return cond.value === 'any' ? outcome.leaks > 0 : outcome.leaks === Number(cond.value);
    case 'build':
      return outcome.build === cond.value;
    case 'end':
      return outcome.status === cond.value;
  }
}

/** The conditions `outcome` matches. */
export function failOnMatched(conds: readonly FailOnCondition[], outcome: Omit<Outcome, 'signature'>): FailOnCondition[] {
  return conds.filter((c) => failOnMatches(c, outcome));
}
