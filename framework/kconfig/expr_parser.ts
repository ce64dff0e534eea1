// SPDX-License-Identifier: GPL-2.0-only
/**
 * The Kconfig expression grammar (scripts/kconfig/parser.y): `||` binds
 * loosest, then `&&`, then `!`; a comparison takes two symbols, so `!A = B`
 * is `!(A = B)`.
 */
import type { Atom, CmpOp, Expr } from './ast.js';
import { KconfigError } from './errors.js';
import type { Token } from './lexer.js';

const CMP_OPS = new Set(['=', '!=', '<', '>', '<=', '>=']);

/** A token cursor over one logical line. */
export class TokenCursor {
  pos: number;

  constructor(
    readonly file: string,
    readonly line: number,
    readonly tokens: readonly Token[],
    start = 0,
  ) {
    this.pos = start;
  }

  /** The next token, or undefined at the end of the line. */
  peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  /** Whether the next token is the operator or word `value`. */
  at(value: string): boolean {
    return this.tokens[this.pos]?.value === value && this.tokens[this.pos]?.kind !== 'string';
  }

  /** Consumes and returns the next token. */
  next(): Token | undefined {
    return this.tokens[this.pos++];
  }

  /** Whether every token has been consumed. */
  done(): boolean {
    return this.pos >= this.tokens.length;
  }

  /** A syntax error naming what was expected and what was found. */
  error(expected: string): KconfigError {
    const t = this.peek();
    const found = t ? `'${t.kind === 'string' ? `"${t.value}"` : t.value}'` : 'end of line';
    return new KconfigError(this.file, this.line, `syntax error: expected ${expected}, found ${found}`);
  }
}

/** Parses an expression at the cursor; stops before a trailing `if` or the end of the line. */
export function parseExpr(c: TokenCursor): Expr {
  let left = parseAnd(c);
  while (c.at('||')) {
    c.next();
    left = { kind: 'or', left, right: parseAnd(c) };
  }
  return left;
}

function parseAnd(c: TokenCursor): Expr {
  let left = parseUnary(c);
  while (c.at('&&')) {
    c.next();
    left = { kind: 'and', left, right: parseUnary(c) };
  }
  return left;
}

function parseUnary(c: TokenCursor): Expr {
  if (c.at('!')) {
    c.next();
    return { kind: 'not', arg: parseUnary(c) };
  }
  if (c.at('(')) {
    c.next();
    const e = parseExpr(c);
    if (!c.at(')')) throw c.error("')'");
    c.next();
    return e;
  }
  const left = parseAtom(c);
  const t = c.peek();
  if (t && t.kind === 'op' && CMP_OPS.has(t.value)) {
    c.next();
    return { kind: 'cmp', op: t.value as CmpOp, left, right: parseAtom(c) };
  }
  return left;
}

/** Parses a symbol or constant: y/m/n (quoted or not) are the tristate constants. */
export function parseAtom(c: TokenCursor): Atom {
  const t = c.peek();
  if (!t || t.kind === 'op' || (t.kind === 'word' && t.value === 'if')) throw c.error("a symbol, a constant, '(' or '!'");
  c.next();
  const v = t.value;
  if (v === 'y') return { kind: 'const', value: 2 };
  if (v === 'm') return { kind: 'const', value: 1 };
  if (v === 'n') return { kind: 'const', value: 0 };
  if (t.kind === 'string') return { kind: 'str', value: v };
  return { kind: 'sym', name: v };
}

/** Calls `fn` for every symbol an expression references. */
export function forEachSymbol(e: Expr, fn: (name: string) => void): void {
  switch (e.kind) {
    case 'sym':
      fn(e.name);
      return;
    case 'const':
    case 'str':
      return;
    case 'not':
      forEachSymbol(e.arg, fn);
      return;
    case 'and':
    case 'or':
      forEachSymbol(e.left, fn);
      forEachSymbol(e.right, fn);
      return;
    case 'cmp':
      forEachSymbol(e.left, fn);
      forEachSymbol(e.right, fn);
  }
}
