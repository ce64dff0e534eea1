// SPDX-License-Identifier: GPL-2.0-only
/**
 * Printing expressions the way scripts/kconfig/expr.c expr_print() does
 * into a gstr for warnings: operators with the C's spacing (" && ", " || ",
 * "!", "=", ">=", ...), parentheses only where a weaker operator sits
 * inside a stronger one (expr_compare_type()), and each symbol followed by
 * " [=<value>]" (y, m and n are symbols of type tristate too, so they get
 * one; a string constant does not).
 *
 * Deviation: the C prints the expression after menu_finalize()'s
 * expr_transform() and expr_eliminate_dups(); here it is printed as
 * written, with only rewrite_m() applied.
 */
import type { Atom, Expr } from './ast.js';
import { triName } from './tristate.js';

/** The expression kinds of expr_print(), from the strongest binding to the weakest. */
type Kind = 'cmp' | 'not' | 'and' | 'or' | 'none';

/** expr_compare_type(outer, inner) > 0: the inner expression needs parentheses. */
const RANK: Record<Kind, number> = { cmp: 3, not: 2, and: 1, or: 0, none: -1 };

function needsParens(outer: Kind, inner: Expr): boolean {
  const k: Kind = inner.kind === 'and' || inner.kind === 'or' || inner.kind === 'not' || inner.kind === 'cmp' ? inner.kind : 'none';
  if (k === 'none' || outer === 'none' || outer === k) return false;
  // A comparison is stronger than !, which is stronger than &&, than ||.
  return RANK[outer] > RANK[k];
}

/**
 * expr_print() with the gstr helper: `value(name)` is the symbol's value
 * (0, 1, 2) or undefined for a name the Kconfig does not define.
 */
export function exprPrint(e: Expr, value: (name: string) => number | undefined, outer: Kind = 'none'): string {
  const atom = (a: Atom): string => {
    if (a.kind === 'str') return a.value;
    if (a.kind === 'const') return `${triName(a.value)} [=${triName(a.value)}]`;
    const v = value(a.name);
    return v === undefined ? a.name : `${a.name} [=${triName(v)}]`;
  };
  let out: string;
  switch (e.kind) {
    case 'sym':
    case 'const':
    case 'str':
      out = atom(e);
      break;
    case 'not':
      out = `!${exprPrint(e.arg, value, 'not')}`;
      break;
    case 'cmp':
      out = `${atom(e.left)}${e.op}${atom(e.right)}`;
      break;
    case 'and':
      out = `${exprPrint(e.left, value, 'and')} && ${exprPrint(e.right, value, 'and')}`;
      break;
    case 'or':
      out = `${exprPrint(e.left, value, 'or')} || ${exprPrint(e.right, value, 'or')}`;
      break;
  }
  return needsParens(outer, e) ? `(${out})` : out;
}

/** The expressions joined by && as expr_alloc_and() chains them (left to right); null for none. */
export function andChain(list: readonly Expr[]): Expr | null {
  return list.reduce<Expr | null>((acc, e) => (acc === null ? e : { kind: 'and', left: acc, right: e }), null);
}

/** The expressions joined by || (expr_alloc_or()); null for none. */
export function orChain(list: readonly Expr[]): Expr | null {
  return list.reduce<Expr | null>((acc, e) => (acc === null ? e : { kind: 'or', left: acc, right: e }), null);
}

/** rewrite_m(): the constant m in a dependency is `m && MODULES`. */
export function rewriteM(e: Expr, modules: string | null): Expr {
  if (modules === null) return e;
  switch (e.kind) {
    case 'const':
      return e.value === 1 ? { kind: 'and', left: e, right: { kind: 'sym', name: modules } } : e;
    case 'not':
      return { kind: 'not', arg: rewriteM(e.arg, modules) };
    case 'and':
    case 'or':
      return { kind: e.kind, left: rewriteM(e.left, modules), right: rewriteM(e.right, modules) };
    default:
      return e;
  }
}
