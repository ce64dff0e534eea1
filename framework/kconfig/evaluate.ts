// SPDX-License-Identifier: GPL-2.0-only
/**
 * The evaluator's public face: `make olddefconfig` on a requested set of
 * values, the values a user could assign to one symbol, and the warnings
 * scripts/kconfig prints for a select that ignores dependencies.
 */
import type { Entry, Expr, Kconfig } from './ast.js';
import { andChain, exprPrint, orChain, rewriteM } from './expr_print.js';
import { calc, isTristate, newCalcState, type CalcState } from './calc.js';
import { compileKconfig, type CompiledKconfig } from './compile.js';
import { limitingClause, raisingReason } from './reason.js';
import { triName, triValue, type TristateName } from './tristate.js';

/** One requested value olddefconfig did not keep, and the Kconfig text that decided it. */
export interface Adjustment {
  readonly symbol: string;
  readonly requested: TristateName;
  readonly actual: TristateName;
  /**
   * Why: the dependency expression that capped the value, as written
   * (e.g. "CXL_ACPI || !CXL_ACPI"); or "selected by X" when a select raised
   * it; "no prompt; ..." for a symbol the user cannot set; "MODULES=n" when
   * m became y; "symbol value 'm' invalid for X" for m on a bool.
   */
  readonly reason: string;
}

/** The result of olddefconfig. */
export interface OlddefconfigResult {
  /** Every symbol's value after evaluation. */
  readonly values: Record<string, TristateName>;
  /** Requested values that changed, in the order requested. */
  readonly adjusted: Adjustment[];
  /** Requested symbols the Kconfig does not define. */
  readonly unknown: string[];
  /** "WARNING: unmet direct dependencies detected for X" blocks, in evaluation order. */
  readonly warnings: string[];
}

/** Requested values by symbol name. */
export type Requested = Readonly<Record<string, TristateName>>;

/**
 * Loads the requested values as a .config would and evaluates every symbol
 * like `make olddefconfig`. Throws on a value that is not y, m or n.
 */
export function olddefconfig(kconfig: Kconfig, requested: Requested): OlddefconfigResult {
  const { c, st, unknown } = evaluated(kconfig, requested);
  const values: Record<string, TristateName> = {};
  for (let i = 0; i < c.names.length; i++) values[c.names[i]!] = triName(st.v[i]!);
  const adjusted: Adjustment[] = [];
  for (const [name, want] of Object.entries(requested)) {
    const s = c.index.get(name);
    if (s === undefined || values[name] === want) continue;
    adjusted.push({ symbol: name, requested: want, actual: values[name]!, reason: reasonFor(c, st, s, triValue(want) as number) });
  }
  return { values, adjusted, unknown, warnings: unmetWarnings(c, st) };
}

/**
 * The values a user could give `symbol` given the other values (as
 * scripts/kconfig sym_tristate_within_range() allows): from its select floor
 * up to its visibility, without m for a bool; just the forced value when a
 * select pins it; nothing when it has no visible prompt.
 */
export function assignable(kconfig: Kconfig, values: Requested, symbol: string): TristateName[] {
  const { c, st } = evaluated(kconfig, values);
  const s = c.index.get(symbol);
  if (s === undefined) throw new Error(`assignable: unknown symbol ${symbol}`);
  const vis = st.vis[s]!;
  const rev = st.rev[s]!;
  if (vis === 0) return [];
  if (vis <= rev) return [triName(rev)];
  const tri = isTristate(c, st.v, s);
  const out: TristateName[] = [];
  for (let t = rev; t <= vis; t++) if (tri || t !== 1) out.push(triName(t));
  return out;
}

/** What .config holds of some Kconfig files: the symbols written, and those left out with the reason. */
export interface WrittenConfig {
  readonly written: string[];
  /** Symbols with no value and no visible prompt (conf_write() skips them), with the clause that hides them. */
  readonly hidden: { readonly symbol: string; readonly reason: string }[];
}

/**
 * The symbols of `files` that `make olddefconfig` writes to .config for a
 * configuration, in definition order: those with a value, and those left
 * at n that have a visible prompt (conf_write()'s SYMBOL_WRITE). A symbol
 * whose dependencies hide it and that nothing selects is not written at all.
 */
export function writtenSymbols(kconfig: Kconfig, values: Requested, files: readonly string[]): WrittenConfig {
  const { c, st } = evaluated(kconfig, values);
  const written: string[] = [];
  const hidden: { symbol: string; reason: string }[] = [];
  c.names.forEach((name, i) => {
    const sym = kconfig.symbols.get(name);
    if (sym === undefined || !sym.entries.some((e) => files.includes(e.file))) return;
    if (st.v[i] !== 0 || st.vis[i] !== 0) written.push(name);
    else {
      const clause = limitingClause(c, st, i, 1);
      hidden.push({ symbol: name, reason: clause === undefined ? 'no prompt, and nothing selects it' : `depends on ${clause}` });
    }
  });
  return { written, hidden };
}

/** Every symbol of `kconfig` evaluated with `requested` as the user's values; `unknown` names what the table lacks. */
function evaluated(kconfig: Kconfig, requested: Requested): { c: CompiledKconfig; st: CalcState; unknown: string[] } {
  const c = compileKconfig(kconfig);
  const st = newCalcState(c);
  const unknown = setUser(c, st, requested);
  calc(c, st);
  return { c, st, unknown };
}

/** Copies requested values into the user array; returns the names the table lacks. */
export function setUser(c: CompiledKconfig, st: CalcState, requested: Requested): string[] {
  const unknown: string[] = [];
  for (const [name, want] of Object.entries(requested)) {
    const t = triValue(want);
    if (t < 0) throw new Error(`invalid value '${String(want)}' for ${name}: expected y, m or n`);
    const s = c.index.get(name);
    if (s === undefined) {
      unknown.push(name);
      continue;
    }
    // conf_set_sym_val() rejects m for a bool: the symbol keeps no user value.
    st.user[s] = t === 1 && c.tristate[s] === 0 ? -1 : t;
  }
  return unknown;
}

function reasonFor(c: CompiledKconfig, st: CalcState, s: number, want: number): string {
  const name = c.names[s]!;
  const actual = st.v[s]!;
  const noPrompt = c.visibility[s] === null;
  if (want === 1 && c.tristate[s] === 0) return `symbol value 'm' invalid for ${name}`;
  if (noPrompt) return `no prompt; ${raisingReason(c, st, s, want) ?? 'no default applies'}`;
  if (actual < want) return limitingClause(c, st, s, want) ?? `visibility ${triName(st.vis[s]!)}`;
  const raised = st.rev[s]! > want ? raisingReason(c, st, s, want) : undefined;
  if (raised) return raised;
  if (want === 1 && !isTristate(c, st.v, s)) return 'MODULES=n';
  if (st.vis[s] === 0) return `not visible: ${limitingClause(c, st, s, 1) ?? 'no visible prompt'}`;
  return 'value from its defaults';
}

/**
 * sym_warn_unmet_dep(): the dir_dep expression, then the select terms
 * (selector && its entry's dependencies && the select's `if`) whose value
 * is y, under "Selected by [y]:", then those whose value is m, under
 * "Selected by [m]:"; every symbol annotated with its value.
 */
function unmetWarnings(c: CompiledKconfig, st: CalcState): string[] {
  const out: string[] = [];
  const modules = c.modules >= 0 ? c.names[c.modules]! : null;
  const value = (name: string): number | undefined => {
    const i = c.index.get(name);
    return i === undefined ? undefined : st.v[i]!;
  };
  const entryDeps = (e: Entry): Expr | null => andChain([...e.parent, ...e.own].map((d) => rewriteM(d.expr, modules)));
  for (const s of c.order) {
    if (st.dir[s]! >= st.rev[s]!) continue;
    const sym = c.symbols[s]!;
    const dir = orChain(sym.entries.map(entryDeps).filter((e): e is Expr => e !== null));
    const lines = [`WARNING: unmet direct dependencies detected for ${sym.name}`, `  Depends on [${st.dir[s] === 1 ? 'm' : 'n'}]: ${dir === null ? 'y' : exprPrint(dir, value)}`];
    const terms: Array<{ expr: Expr; v: number }> = [];
    for (const r of c.selectedBy[s]!) {
      const parts: Expr[] = [{ kind: 'sym', name: c.names[r.selector]! }];
      const deps = entryDeps(r.source.entry);
      if (deps !== null) parts.push(deps);
      if (r.source.cond) parts.push(rewriteM(r.source.cond.expr, modules));
      terms.push({ expr: andChain(parts)!, v: r.fn(st.v) });
    }
    for (const [want, title] of [
      [2, '  Selected by [y]:'],
      [1, '  Selected by [m]:'],
    ] as const) {
      const hit = terms.filter((t) => t.v === want);
      if (hit.length === 0) continue;
      lines.push(title);
      for (const t of hit) lines.push(`  - ${exprPrint(t.expr, value)}`);
    }
    out.push(lines.join('\n'));
  }
  return out;
}
