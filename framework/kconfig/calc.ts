// SPDX-License-Identifier: GPL-2.0-only
/**
 * The value of every symbol, after scripts/kconfig/symbol.c
 * sym_calc_visibility() and sym_calc_value(), for bool and tristate only:
 *
 * - visibility is the OR of the prompts' conditions (entry deps && `if`);
 *   dir_dep is the entry's `depends on`; rev_dep is the OR of the selects.
 *   Each is promoted from m to y for a bool (and for every tristate when
 *   modules are disabled), which is how a bool under an m dependency can be y.
 * - a visible symbol with a user value takes user && visibility; otherwise
 *   the first default whose condition holds (capped by it), raised by imply
 *   and capped again by dir_dep.
 * - the result is raised to rev_dep (select ignores dependencies), and m
 *   becomes y for a bool.
 *
 * One pass in dependency order reaches the fixed point, since no symbol
 * reads a symbol evaluated after it.
 */
import type { CompiledKconfig } from './compile.js';

/** Scratch arrays for one evaluation, reusable across calls. */
export interface CalcState {
  /** Symbol values, 0/1/2. */
  readonly v: Int8Array;
  /** User values, -1 for none. */
  readonly user: Int8Array;
  /** Visibility after promotion, filled by calc(). */
  readonly vis: Int8Array;
  /** rev_dep after promotion, filled by calc(). */
  readonly rev: Int8Array;
  /** dir_dep after promotion, filled by calc(). */
  readonly dir: Int8Array;
}

/** Fresh scratch arrays for a compiled table, with no user values. */
export function newCalcState(c: CompiledKconfig): CalcState {
  const n = c.names.length;
  return { v: new Int8Array(n), user: new Int8Array(n).fill(-1), vis: new Int8Array(n), rev: new Int8Array(n), dir: new Int8Array(n) };
}

/** Whether symbol `s` behaves as a tristate: declared tristate and modules enabled. */
export function isTristate(c: CompiledKconfig, v: Int8Array, s: number): boolean {
  return c.tristate[s] === 1 && (c.modules < 0 || v[c.modules] !== 0);
}

/** Computes every symbol's value from the user values, in dependency order. */
export function calc(c: CompiledKconfig, st: CalcState): void {
  calcRange(c, st, c.order, 0, c.order.length);
}

/**
 * Computes the symbols at positions [from, to) of `order`, a list in
 * dependency order; every symbol they read must already be current.
 */
export function calcRange(c: CompiledKconfig, st: CalcState, order: Int32Array, from: number, to: number): void {
  const { v, user, vis: visOut, rev: revOut, dir: dirOut } = st;
  const { tristate, modules, visibility, dirDep, revDep, implied, defaults } = c;
  for (let k = from; k < to; k++) {
    const s = order[k]!;
    const tri = tristate[s] === 1 && (modules < 0 || v[modules] !== 0);
    const visFn = visibility[s];
    let vis = visFn === null ? 0 : visFn!(v);
    if (vis === 1 && !tri) vis = 2;
    const dirFn = dirDep[s];
    let dir = dirFn === null ? 2 : dirFn!(v);
    if (dir === 1 && !tri) dir = 2;
    const revFn = revDep[s];
    let rev = revFn === null ? 0 : revFn!(v);
    if (rev === 1 && !tri) rev = 2;
    const u = user[s]!;
    let val: number;
    if (vis !== 0 && u >= 0) {
      val = u < vis ? u : vis;
    } else {
      val = 0;
      const defs = defaults[s]!;
      for (let d = 0; d < defs.length; d++) {
        const dv = defs[d]!.visible(v);
        if (dv !== 0) {
          const x = defs[d]!.value(v);
          val = x < dv ? x : dv;
          break;
        }
      }
      const impFn = implied[s];
      if (impFn !== null) {
        let imp = impFn!(v);
        if (imp === 1 && !tri) imp = 2;
        if (imp !== 0) {
          if (imp > val) val = imp;
          if (dir < val) val = dir;
        }
      }
    }
    if (rev > val) val = rev;
    if (val === 1 && !tri) val = 2;
    v[s] = val;
    visOut[s] = vis;
    revOut[s] = rev;
    dirOut[s] = dir;
  }
}
