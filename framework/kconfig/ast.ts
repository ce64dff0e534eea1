// SPDX-License-Identifier: GPL-2.0-only
/**
 * The parsed form of Kconfig files: expressions, symbols and the menu
 * entries that define them (after scripts/kconfig/expr.h and lkc.h, much
 * reduced: only bool and tristate symbols).
 */
import type { Tristate } from './tristate.js';

/** Comparison operators of Kconfig expressions. */
export type CmpOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

/** An operand of a comparison, or a lone symbol: a symbol reference, y/m/n, or another quoted constant. */
export type Atom =
  | { readonly kind: 'sym'; readonly name: string }
  | { readonly kind: 'const'; readonly value: Tristate }
  | { readonly kind: 'str'; readonly value: string };

/** A Kconfig expression tree. */
export type Expr =
  | Atom
  | { readonly kind: 'not'; readonly arg: Expr }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'cmp'; readonly op: CmpOp; readonly left: Atom; readonly right: Atom };

/** An expression with where it was written and its text (whitespace normalized). */
export interface SourceExpr {
  readonly expr: Expr;
  readonly text: string;
  readonly file: string;
  readonly line: number;
}

/** Where a dependency came from: the entry's own `depends on`, an enclosing `if`, or an enclosing `menu`. */
export type DepOrigin = 'depends' | 'if' | 'menu';

/** One dependency clause of a menu entry. */
export interface Dep extends SourceExpr {
  readonly origin: DepOrigin;
}

/** One `config`/`menuconfig` block; a symbol may be defined by several. */
export interface Entry {
  readonly file: string;
  readonly line: number;
  /** The entry's own `depends on` lines, in file order. */
  readonly own: Dep[];
  /** Conditions of enclosing `if` blocks and `menu`s, outermost first. */
  readonly parent: readonly Dep[];
  /** `visible if` conditions of enclosing menus: they limit prompts only. */
  readonly visibleIf: readonly Dep[];
}

/** A `prompt` (or the prompt of a type line), with its optional `if`. */
export interface Prompt {
  readonly entry: Entry;
  readonly text: string;
  readonly cond?: SourceExpr;
}

/** A `default` (or the value of `def_bool`/`def_tristate`), with its optional `if`. */
export interface Default {
  readonly entry: Entry;
  readonly value: SourceExpr;
  readonly cond?: SourceExpr;
}

/** A `select` or `imply` written on the symbol that selects. */
export interface ReverseDep {
  readonly entry: Entry;
  readonly target: string;
  readonly cond?: SourceExpr;
  readonly file: string;
  readonly line: number;
}

/** A bool or tristate config symbol and everything its entries say about it. */
export interface KSymbol {
  readonly name: string;
  type?: 'bool' | 'tristate';
  readonly entries: Entry[];
  readonly prompts: Prompt[];
  readonly defaults: Default[];
  readonly selects: ReverseDep[];
  readonly implies: ReverseDep[];
  /** Set by the `modules` attribute: this symbol is the one that enables modules. */
  isModules: boolean;
}

/** A symbol referenced from an expression, for the check pass. */
export interface SymbolRef {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly context: string;
}

/** Every symbol of one or more parsed Kconfig files. */
export interface Kconfig {
  readonly symbols: Map<string, KSymbol>;
  readonly files: string[];
  readonly refs: SymbolRef[];
}
