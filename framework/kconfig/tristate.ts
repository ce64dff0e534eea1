// SPDX-License-Identifier: GPL-2.0-only
/**
 * Kconfig tristate values (scripts/kconfig/expr.h): n=0 < m=1 < y=2, with
 * the operators of kconfig-language.rst: `&&` is min, `||` is max, `!x` is
 * 2-x.
 */

/** A tristate value as an ordinal: n=0, m=1, y=2. */
export type Tristate = 0 | 1 | 2;

/** A tristate value as written in a .config or a Kconfig expression. */
export type TristateName = 'n' | 'm' | 'y';

/** n: the option is off. */
export const no: Tristate = 0;
/** m: built as a module. */
export const mod: Tristate = 1;
/** y: built in. */
export const yes: Tristate = 2;

const NAMES: readonly TristateName[] = ['n', 'm', 'y'];

/** The name ('n', 'm' or 'y') of a tristate ordinal. */
export function triName(t: number): TristateName {
  return NAMES[t]!;
}

/** The ordinal of a tristate name, or -1 if the string is not y, m or n. */
export function triValue(s: string): Tristate | -1 {
  return s === 'y' ? 2 : s === 'm' ? 1 : s === 'n' ? 0 : -1;
}

/** `a && b` in Kconfig: the smaller of the two. */
export function triAnd(a: Tristate, b: Tristate): Tristate {
  return a < b ? a : b;
}

/** `a || b` in Kconfig: the larger of the two. */
export function triOr(a: Tristate, b: Tristate): Tristate {
  return a > b ? a : b;
}

/** `!a` in Kconfig: 2-a, so `!m` is m. */
export function triNot(a: Tristate): Tristate {
  return (2 - a) as Tristate;
}
