// SPDX-License-Identifier: GPL-2.0-only
/** Option parsers shared by the subcommands. */
import { UsageError } from './errors.js';

/** A repeatable option (--set, start's --tree): every value, in order. */
export const collect = (v: string, prev: string[]): string[] => [...prev, v];

/**
 * An option that takes one value. commander keeps the last of several
 * (--tree v8 --tree mainline ran on mainline without a word); given twice
 * with different values it is a usage error, naming both.
 */
export function once(flag: string): (value: string) => string {
  let given: string | undefined;
  return (value: string): string => {
    if (given !== undefined && given !== value) throw new UsageError(`${flag} ${value}: ${flag} ${given} is given too; give ${flag} once`);
    given = value;
    return value;
  };
}
