// SPDX-License-Identifier: GPL-2.0-only
/**
 * Enumerates the assignments of a set of symbols that Kconfig accepts as
 * they are: those `make olddefconfig` leaves unchanged.
 *
 * A symbol's value only reads symbols earlier in the evaluation order, so
 * the search assigns the symbols in that order and abandons a prefix as soon
 * as one value differs from the request; later choices cannot repair it.
 * Symbols that read no swept symbol are evaluated once, and those no swept
 * or fixed symbol reads only for configurations that passed. The search
 * reuses one set of typed arrays and allocates nothing per step.
 */
import type { Kconfig } from './ast.js';
import { calcRange, newCalcState } from './calc.js';
import { compileKconfig, type CompiledKconfig } from './compile.js';
import { setUser, type Requested } from './evaluate.js';
import { triName, type TristateName } from './tristate.js';

/** A read-only view of one evaluated configuration; valid only inside the visit callback. */
export class ConfigView {
  constructor(
    private readonly c: CompiledKconfig,
    /** Every symbol's value, indexed as in `id()`. */
    readonly values: Int8Array,
  ) {}

  /** The index of a symbol, for fast reads through `values`; throws if unknown. */
  id(symbol: string): number {
    const i = this.c.index.get(symbol);
    if (i === undefined) throw new Error(`unknown symbol ${symbol}`);
    return i;
  }

  /** A symbol's value as 0, 1 or 2. */
  tri(symbol: string): number {
    return this.values[this.id(symbol)]!;
  }

  /** A symbol's value as 'n', 'm' or 'y'. */
  get(symbol: string): TristateName {
    return triName(this.tri(symbol));
  }

  /** A copy of the values of the given symbols. */
  pick(symbols: readonly string[]): Record<string, TristateName> {
    const out: Record<string, TristateName> = {};
    for (const s of symbols) out[s] = this.get(s);
    return out;
  }
}

/**
 * Calls `visit` for every assignment of `symbols` (bool: n, y; tristate:
 * n, m, y) that olddefconfig leaves unchanged together with the `fixed`
 * values; all other symbols take their computed values. Assignments come
 * in a fixed order: the swept symbols in dependency order, the last one
 * varying fastest, values n before m before y. Returns how many were
 * visited.
 */
export function sweepValid(kconfig: Kconfig, symbols: readonly string[], fixed: Requested, visit: (cfg: ConfigView) => void): number {
  const c = compileKconfig(kconfig);
  const st = newCalcState(c);
  const unknown = [...setUser(c, st, fixed), ...symbols.filter((s) => !c.index.has(s))];
  if (unknown.length > 0) throw new Error(`unknown symbol ${unknown.join(', ')}`);
  // Symbols that read none of the swept ones are evaluated once; the search
  // runs over the rest, kept in dependency order.
  const swept = new Set(symbols.map((name) => c.index.get(name)!));
  const dynamic = new Uint8Array(c.names.length);
  for (const s of c.order) dynamic[s] = swept.has(s) || c.reads[s]!.some((r) => dynamic[r] === 1) ? 1 : 0;
  const staticOrder = c.order.filter((s) => dynamic[s] === 0);
  // The swept and fixed symbols, each right after what it reads, then the
  // remaining symbols, which only a configuration that passed needs.
  const placed = new Uint8Array(c.names.length);
  const seq: number[] = [];
  const place = (s: number): void => {
    if (dynamic[s] === 0 || placed[s] === 1) return;
    placed[s] = 1;
    for (const r of c.reads[s]!) place(r);
    seq.push(s);
  };
  for (const s of c.order) if (swept.has(s)) place(s);
  for (const name of Object.keys(fixed)) place(c.index.get(name)!);
  for (const s of c.order) if (dynamic[s] === 1 && placed[s] === 0) seq.push(s);
  const order = Int32Array.from(seq);
  const n = order.length;
  const position = new Int32Array(c.names.length).fill(-1);
  order.forEach((s, k) => (position[s] = k));
  const { v, user } = st;
  calcRange(c, st, staticOrder, 0, staticOrder.length);
  for (const name of Object.keys(fixed)) {
    const s = c.index.get(name)!;
    if (dynamic[s] === 0 && !swept.has(s) && v[s] !== st.user[s]) return 0;
  }
  // expected[k]: the value the symbol at position k of `order` must end with, or -1.
  const expected = new Int8Array(n).fill(-1);
  for (const name of Object.keys(fixed)) {
    const s = c.index.get(name)!;
    if (position[s]! >= 0) expected[position[s]!] = st.user[s]! < 0 ? 3 : st.user[s]!;
  }
  const ids = [...swept].sort((a, b) => position[a]! - position[b]!);
  const pos = Int32Array.from(ids, (s) => position[s]!);
  const step = Int8Array.from(ids, (s) => (c.tristate[s] === 1 ? 1 : 2));
  for (const s of ids) expected[position[s]!] = -1;
  const view = new ConfigView(c, v);
  let count = 0;

  /** Evaluates positions [from, to) and checks the fixed ones among them. */
  const segment = (from: number, to: number): boolean => {
    calcRange(c, st, order, from, to);
    for (let k = from; k < to; k++) if (expected[k]! >= 0 && v[order[k]!] !== expected[k]) return false;
    return true;
  };
  const search = (d: number, from: number): void => {
    if (d === ids.length) {
      if (segment(from, n)) {
        count++;
        visit(view);
      }
      return;
    }
    const at = pos[d]!;
    if (!segment(from, at)) return;
    const s = ids[d]!;
    for (let t = 0; t <= 2; t += step[d]!) {
      user[s] = t;
      calcRange(c, st, order, at, at + 1);
      if (v[s] === t) search(d + 1, at + 1);
    }
  };
  search(0, 0);
  return count;
}

/** Every assignment of `symbols` that Kconfig accepts as-is with the `fixed` values, as plain records (in sweepValid()'s order). */
export function* enumerateValid(kconfig: Kconfig, symbols: readonly string[], fixed: Requested = {}): Generator<Record<string, TristateName>> {
  const found: Record<string, TristateName>[] = [];
  sweepValid(kconfig, symbols, fixed, (cfg) => found.push(cfg.pick(symbols)));
  yield* found;
}
