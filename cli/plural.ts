// SPDX-License-Identifier: GPL-2.0-only
/** Counts in what the CLI prints: "1 outcome class", "2 outcome classes". */

/** `n` with the noun that goes with it: `plural` (default: `singular` + "s") unless n is 1. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
