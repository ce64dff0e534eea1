// SPDX-License-Identifier: GPL-2.0-only
/**
 * Compiles a parsed symbol table into closures over an Int8Array of symbol
 * values, in the shape scripts/kconfig/menu.c gives them after
 * menu_finalize(): per symbol a visibility (prompts), a direct dependency
 * (dir_dep), a reverse dependency (rev_dep, from select), an implied value
 * (from imply) and a default chain; plus an evaluation order in which every
 * symbol comes after every symbol it reads.
 *
 * As in menu.c's rewrite_m(), the constant m inside a dependency or `if`
 * condition means `m && MODULES`.
 */
import type { Atom, Dep, Entry, Expr, Kconfig, KSymbol, ReverseDep, SourceExpr } from './ast.js';
import { KconfigError } from './errors.js';
import { forEachSymbol } from './expr_parser.js';

/** A compiled expression: reads symbol values, returns 0, 1 or 2. */
export type ExprFn = (v: Int8Array) => number;

/** One default: the value and the condition under which it applies (entry deps && `if`). */
export interface CompiledDefault {
  readonly value: ExprFn;
  readonly visible: ExprFn;
  readonly source: SourceExpr;
}

/** One select or imply as seen by its target. */
export interface CompiledReverse {
  readonly selector: number;
  /** selector && selector's entry deps && `if` condition. */
  readonly fn: ExprFn;
  readonly text: string;
  /** The `select` or `imply` line itself. */
  readonly source: ReverseDep;
}

/** A symbol table compiled for fast evaluation. */
export interface CompiledKconfig {
  readonly kconfig: Kconfig;
  readonly names: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  readonly symbols: readonly KSymbol[];
  /** Evaluation order: dependencies first. */
  readonly order: Int32Array;
  /** Per symbol, the symbols its value reads (deps, prompts, defaults, selects, implies, MODULES). */
  readonly reads: readonly Int32Array[];
  /** 1 if the symbol is declared tristate. */
  readonly tristate: Uint8Array;
  /** Index of the symbol that enables modules, or -1 (modules then count as enabled). */
  readonly modules: number;
  readonly visibility: readonly (ExprFn | null)[];
  readonly dirDep: readonly (ExprFn | null)[];
  readonly revDep: readonly (ExprFn | null)[];
  readonly implied: readonly (ExprFn | null)[];
  readonly defaults: readonly (readonly CompiledDefault[])[];
  readonly selectedBy: readonly (readonly CompiledReverse[])[];
  /** Compiles an expression against this table (used for reasons and clauses). */
  compileExpr(e: Expr, cond: boolean): ExprFn;
}

const cache = new WeakMap<Kconfig, { files: number; compiled: CompiledKconfig }>();

/** The compiled form of a symbol table, cached until more files are parsed into it. */
export function compileKconfig(kconfig: Kconfig): CompiledKconfig {
  const hit = cache.get(kconfig);
  if (hit && hit.files === kconfig.files.length) return hit.compiled;
  const compiled = build(kconfig);
  cache.set(kconfig, { files: kconfig.files.length, compiled });
  return compiled;
}

const ZERO: ExprFn = () => 0;
const TWO: ExprFn = () => 2;

function and(a: ExprFn, b: ExprFn): ExprFn {
  return (v) => {
    const x = a(v);
    if (x === 0) return 0;
    const y = b(v);
    return x < y ? x : y;
  };
}

function or(a: ExprFn, b: ExprFn): ExprFn {
  return (v) => {
    const x = a(v);
    if (x === 2) return 2;
    const y = b(v);
    return x > y ? x : y;
  };
}

/** ANDs a list of functions; the empty list is y. */
export function andAll(fns: readonly ExprFn[]): ExprFn {
  return fns.length === 0 ? TWO : fns.reduce(and);
}

/** ORs a list of functions; the empty list is n. */
export function orAll(fns: readonly ExprFn[]): ExprFn {
  return fns.length === 0 ? ZERO : fns.reduce(or);
}

function build(kconfig: Kconfig): CompiledKconfig {
  const symbols = [...kconfig.symbols.values()];
  const names = symbols.map((s) => s.name);
  const index = new Map(names.map((n, i) => [n, i]));
  for (const s of symbols) {
    if (!s.type) throw new KconfigError(s.entries[0]!.file, s.entries[0]!.line, `config ${s.name} has no type: add bool, tristate, def_bool or def_tristate`);
  }
  let modules = symbols.findIndex((s) => s.isModules);
  if (modules < 0) modules = index.get('MODULES') ?? -1;
  const tristate = Uint8Array.from(symbols, (s) => (s.type === 'tristate' ? 1 : 0));

  const compileAtom = (a: Atom, cond: boolean): ExprFn => {
    if (a.kind === 'sym') {
      const i = index.get(a.name);
      return i === undefined ? ZERO : (v) => v[i]!;
    }
    if (a.kind === 'str') return ZERO;
    if (a.value === 1 && cond && modules >= 0) return (v) => (v[modules] === 0 ? 0 : 1);
    const k = a.value;
    return () => k;
  };
  const atomString = (a: Atom): string | undefined => (a.kind === 'str' ? a.value : undefined);
  const compileExpr = (e: Expr, cond: boolean): ExprFn => {
    switch (e.kind) {
      case 'sym':
      case 'const':
      case 'str':
        return compileAtom(e, cond);
      case 'not': {
        const f = compileExpr(e.arg, cond);
        return (v) => 2 - f(v);
      }
      case 'and':
        return and(compileExpr(e.left, cond), compileExpr(e.right, cond));
      case 'or':
        return or(compileExpr(e.left, cond), compileExpr(e.right, cond));
      case 'cmp':
        return compileCmp(e.op, e.left, e.right);
    }
  };
  const compileCmp = (op: string, left: Atom, right: Atom): ExprFn => {
    const ls = atomString(left);
    const rs = atomString(right);
    if (ls !== undefined || rs !== undefined) {
      // A string constant against a tristate compares the strings "n"/"m"/"y".
      const str = (s: string | undefined, f: ExprFn) => (v: Int8Array) => s ?? 'nmy'[f(v)]!;
      const lf = str(ls, compileAtom(left, false));
      const rf = str(rs, compileAtom(right, false));
      if (op === '=') return (v) => (lf(v) === rf(v) ? 2 : 0);
      if (op === '!=') return (v) => (lf(v) !== rf(v) ? 2 : 0);
      return ZERO;
    }
    const l = compileAtom(left, false);
    const r = compileAtom(right, false);
    switch (op) {
      case '=':
        return (v) => (l(v) === r(v) ? 2 : 0);
      case '!=':
        return (v) => (l(v) !== r(v) ? 2 : 0);
      case '<':
        return (v) => (l(v) < r(v) ? 2 : 0);
      case '>':
        return (v) => (l(v) > r(v) ? 2 : 0);
      case '<=':
        return (v) => (l(v) <= r(v) ? 2 : 0);
      default:
        return (v) => (l(v) >= r(v) ? 2 : 0);
    }
  };
  const deps = (entry: Entry): Dep[] => [...entry.parent, ...entry.own];
  const entryDep = (entry: Entry): ExprFn => andAll(deps(entry).map((d) => compileExpr(d.expr, true)));

  const visibility = symbols.map((s) =>
    s.prompts.length === 0
      ? null
      : orAll(
          s.prompts.map((p) =>
            andAll([entryDep(p.entry), ...p.entry.visibleIf.map((d) => compileExpr(d.expr, true)), ...(p.cond ? [compileExpr(p.cond.expr, true)] : [])]),
          ),
        ),
  );
  // menu.c ORs each entry's dependencies into dir_dep with expr_alloc_or(), which drops a NULL
  // operand: an entry without any dependency adds nothing (it does not make dir_dep y).
  const dirDep = symbols.map((s) => {
    const withDeps = s.entries.filter((e) => deps(e).length > 0);
    return withDeps.length === 0 ? null : orAll(withDeps.map(entryDep));
  });
  const defaults = symbols.map((s) =>
    s.defaults.map((d) => ({
      value: compileExpr(d.value.expr, false),
      visible: andAll([entryDep(d.entry), ...(d.cond ? [compileExpr(d.cond.expr, true)] : [])]),
      source: d.value,
    })),
  );
  const selectedBy: CompiledReverse[][] = symbols.map(() => []);
  const impliedBy: CompiledReverse[][] = symbols.map(() => []);
  symbols.forEach((s, i) => {
    for (const [list, into] of [
      [s.selects, selectedBy],
      [s.implies, impliedBy],
    ] as const) {
      for (const r of list) {
        const t = index.get(r.target);
        if (t === undefined) continue;
        const self: ExprFn = (v) => v[i]!;
        const fn = andAll([self, entryDep(r.entry), ...(r.cond ? [compileExpr(r.cond.expr, true)] : [])]);
        into[t]!.push({ selector: i, fn, text: r.cond ? `${s.name} && (${r.cond.text})` : s.name, source: r });
      }
    }
  });
  const revDep = selectedBy.map((l) => (l.length === 0 ? null : orAll(l.map((r) => r.fn))));
  const implied = impliedBy.map((l) => (l.length === 0 ? null : orAll(l.map((r) => r.fn))));

  const { order, reads } = evaluationOrder(symbols, index, modules, impliedBy, selectedBy);
  return { kconfig, names, index, symbols, order, reads, tristate, modules, visibility, dirDep, revDep, implied, defaults, selectedBy, compileExpr };
}

/** Reads, per symbol, which symbols its value depends on, and orders them depth first; a cycle is an error. */
function evaluationOrder(
  symbols: readonly KSymbol[],
  index: ReadonlyMap<string, number>,
  modules: number,
  impliedBy: readonly CompiledReverse[][],
  selectedBy: readonly CompiledReverse[][],
): { order: Int32Array; reads: Int32Array[] } {
  // why[i] maps each symbol i reads to the first reason, for cycle reports.
  const why: Map<number, string>[] = symbols.map(() => new Map());
  const add = (i: number, j: number, reason: string) => {
    if (!why[i]!.has(j)) why[i]!.set(j, reason);
  };
  const addExpr = (i: number, e: Expr | undefined, reason: string) => {
    if (e) forEachSymbol(e, (n) => index.get(n) !== undefined && add(i, index.get(n)!, `${reason} ${n}`));
  };
  symbols.forEach((s, i) => {
    if (modules >= 0 && i !== modules) add(i, modules, `depends on ${symbols[modules]!.name}`);
    for (const e of s.entries) for (const d of [...e.own, ...e.parent, ...e.visibleIf]) addExpr(i, d.expr, 'depends on');
    for (const p of s.prompts) addExpr(i, p.cond?.expr, 'has a prompt condition on');
    for (const d of s.defaults) {
      addExpr(i, d.value.expr, 'has a default value containing');
      addExpr(i, d.cond?.expr, 'has a default condition on');
    }
    // A selector's own dependencies are already read by the selector.
    for (const [list, verb] of [
      [selectedBy[i]!, 'is selected by'],
      [impliedBy[i]!, 'is implied by'],
    ] as const) {
      for (const rev of list) {
        const sel = symbols[rev.selector]!;
        add(i, rev.selector, `${verb} ${sel.name}`);
        for (const x of [...sel.selects, ...sel.implies]) if (x.target === s.name) addExpr(i, x.cond?.expr, `${verb} ${sel.name} if a condition on`);
      }
    }
  });
  const reads = why.map((m) => Int32Array.from([...m.keys()].sort((a, b) => a - b)));
  const order: number[] = [];
  const state = new Uint8Array(symbols.length); // 0 new, 1 on stack, 2 done
  const stack: number[] = [];
  const visit = (i: number): void => {
    if (state[i] === 2) return;
    if (state[i] === 1) {
      const cycle = [...stack.slice(stack.indexOf(i)), i];
      const lines = cycle.slice(0, -1).map((k, n) => `\tsymbol ${symbols[k]!.name} ${why[k]!.get(cycle[n + 1]!)!}`);
      const e = symbols[i]!.entries[0]!;
      throw new KconfigError(e.file, e.line, ['recursive dependency detected!', ...lines].join('\n'));
    }
    state[i] = 1;
    stack.push(i);
    for (const d of reads[i]!) visit(d);
    stack.pop();
    state[i] = 2;
    order.push(i);
  };
  if (modules >= 0) visit(modules);
  for (let i = 0; i < symbols.length; i++) visit(i);
  return { order: Int32Array.from(order), reads };
}
