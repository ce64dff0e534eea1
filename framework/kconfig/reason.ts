// SPDX-License-Identifier: GPL-2.0-only
/**
 * Why a requested value changed: the dependency clause that capped it (as
 * written in the Kconfig file), or the selects that raised it.
 */
import type { SourceExpr } from './ast.js';
import { isTristate, type CalcState } from './calc.js';
import type { CompiledKconfig, ExprFn } from './compile.js';

const clauseCache = new WeakMap<SourceExpr, ExprFn>();

function clauseValue(c: CompiledKconfig, e: SourceExpr, v: Int8Array): number {
  let f = clauseCache.get(e);
  if (!f) {
    f = c.compileExpr(e.expr, true);
    clauseCache.set(e, f);
  }
  return f(v);
}

/**
 * The text of the clause that keeps symbol `s` below `want`: among its own
 * `depends on` lines, then enclosing if/menu conditions, then `visible if`
 * and prompt conditions, the first with the smallest value below `want` (m
 * counting as y for a bool). With several prompts, the first prompt's
 * clauses are searched.
 */
export function limitingClause(c: CompiledKconfig, st: CalcState, s: number, want: number): string | undefined {
  const sym = c.symbols[s]!;
  const prompt = sym.prompts[0];
  if (!prompt) return undefined;
  const clauses: SourceExpr[] = [...prompt.entry.own, ...prompt.entry.parent, ...prompt.entry.visibleIf, ...(prompt.cond ? [prompt.cond] : [])];
  const tri = isTristate(c, st.v, s);
  let best: SourceExpr | undefined;
  let bestVal = want;
  for (const cl of clauses) {
    let x = clauseValue(c, cl, st.v);
    if (x === 1 && !tri) x = 2;
    if (x < bestVal) {
      best = cl;
      bestVal = x;
    }
  }
  return best?.text;
}

/**
 * "selected by A, B" for the selects that set symbol `s` above `want` (the
 * ones reaching its final value); else, for a symbol without a prompt, the
 * default that gave the value.
 */
export function raisingReason(c: CompiledKconfig, st: CalcState, s: number, want: number): string | undefined {
  const tri = isTristate(c, st.v, s);
  const actual = st.v[s]!;
  const active = c.selectedBy[s]!.filter((r) => {
    const x = r.fn(st.v);
    return x > want && (x === actual || (x === 1 && !tri));
  });
  if (active.length > 0) return `selected by ${active.map((r) => r.text).join(', ')}`;
  if (c.visibility[s] === null) {
    const d = c.defaults[s]!.find((x) => x.visible(st.v) !== 0);
    if (d) return `default ${d.source.text}`;
  }
  return undefined;
}
