// SPDX-License-Identifier: GPL-2.0-only
/**
 * The Kconfig lexer: splits a file into logical lines (joining backslash
 * continuations, dropping `#` comments) and a line into tokens. Help text is
 * not tokenized; the parser skips it by indentation.
 */
import { KconfigError } from './errors.js';

/** A token kind: a word (keyword or symbol), a quoted string, or an operator. */
export type TokenKind = 'word' | 'string' | 'op';

/** One token with its column span in the logical line. */
export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** A logical line: its text (continuations joined, comment removed), tokens and first physical line number. */
export interface LogicalLine {
  readonly line: number;
  readonly text: string;
  readonly tokens: Token[];
  /** Indentation of the physical line in columns (a tab advances to the next multiple of 8). */
  readonly indent: number;
  /** Index of the first physical line in the file. */
  readonly index: number;
  /** Index of the last physical line (differs from index after continuations). */
  readonly lastIndex: number;
}

const OPS = ['&&', '||', '!=', '<=', '>=', '=', '<', '>', '!', '(', ')'];

/** The indentation of a physical line in columns, tabs to multiples of 8. */
export function indentOf(raw: string): number {
  let col = 0;
  for (const ch of raw) {
    if (ch === ' ') col++;
    else if (ch === '\t') col = (col & ~7) + 8;
    else break;
  }
  return col;
}

/** Splits a file into physical lines. */
export function physicalLines(text: string): string[] {
  return text.split(/\r?\n/);
}

/** Builds the logical line starting at physical line `index` and tokenizes it. */
export function logicalLine(file: string, lines: readonly string[], index: number): LogicalLine {
  let text = lines[index]!;
  let last = index;
  while (text.endsWith('\\') && last + 1 < lines.length) {
    last++;
    text = text.slice(0, -1) + ' ' + lines[last]!;
  }
  const tokens = tokenize(file, index + 1, text);
  const cut = commentStart(text);
  return { line: index + 1, text: cut < 0 ? text : text.slice(0, cut), tokens, indent: indentOf(lines[index]!), index, lastIndex: last };
}

function commentStart(text: string): number {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#') return i;
  }
  return -1;
}

function isWordChar(ch: string): boolean {
  return /[A-Za-z0-9_\-.\/]/.test(ch);
}

/** Tokenizes one logical line; a `#` outside quotes ends it. */
export function tokenize(file: string, line: number, text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch === '#') break;
    if (ch === '"' || ch === "'") {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== ch; j++) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j];
      }
      if (j >= text.length) throw new KconfigError(file, line, `unterminated string: missing closing ${ch}`);
      out.push({ kind: 'string', value, start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) {
      out.push({ kind: 'op', value: op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    if (isWordChar(ch)) {
      let j = i;
      while (j < text.length && isWordChar(text[j]!)) j++;
      out.push({ kind: 'word', value: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    throw new KconfigError(file, line, `invalid character '${ch}'`);
  }
  return out;
}
