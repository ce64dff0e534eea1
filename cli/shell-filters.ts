// SPDX-License-Identifier: GPL-2.0-only
/**
 * The commands `kshim shell` lets follow a pipe: grep [-E] [-v] [-i] [-c]
 * PATTERN, head and tail [-n N | -N] (tail also -n +N), and wc -l, as GNU
 * grep and coreutils behave on their standard input: the same defaults (10
 * lines), the same messages for a bad option or count, the same exit status
 * (grep: 0 when a line is selected, 1 when none is, 2 for an error).
 */
import { getopt, hasOption, lastOption } from './shell-syntax.js';

/** A filter ready to run on the lines of the command before it. */
export type Filter = (lines: readonly string[]) => { readonly lines: readonly string[]; readonly status: number };

/** A filter, or why it cannot run: the message and the status it exits with. */
export type ParsedFilter = { readonly filter: Filter } | { readonly error: string; readonly status: number };

export const PIPE_ONLY = 'kshim shell: only grep, head, tail and wc -l can follow a pipe';

const TRY = (tool: string): string => `Try 'help ${tool}' for more information.`;

/** The filter a pipeline stage names, or why it cannot run. */
export function parseFilter(words: readonly string[]): ParsedFilter {
  const [cmd, ...args] = words as [string, ...string[]];
  switch (cmd) {
    case 'grep':
      return grep(args);
    case 'head':
    case 'tail':
      return headTail(cmd, args);
    case 'wc': {
      const p = getopt('wc', args, { flags: 'l', long: { lines: 'l' } });
      if (typeof p !== 'object' || !hasOption(p, 'l') || p.operands.length > 0) return { error: PIPE_ONLY, status: 2 };
      return { filter: (lines) => ({ lines: [String(lines.length)], status: 0 }) };
    }
    default:
      return { error: PIPE_ONLY, status: 2 };
  }
}

/** A filter's usage error. */
function refuse(tool: string, message: string, status: number): ParsedFilter {
  return { error: `${message}\n${TRY(tool)}`, status };
}

function readsOnlyThePipe(tool: string): ParsedFilter {
  return { error: `kshim shell: ${tool}: after a pipe it reads only the pipe, not files`, status: 2 };
}

function grep(args: readonly string[]): ParsedFilter {
  const p = getopt('grep', args, { flags: 'Evic', long: { 'extended-regexp': 'E', 'invert-match': 'v', 'ignore-case': 'i', count: 'c' } });
  if (typeof p !== 'object') return refuse('grep', p, 2);
  if (p.operands.length === 0) return refuse('grep', 'Usage: grep [OPTION]... PATTERNS [FILE]...', 2);
  if (p.operands.length > 1) return readsOnlyThePipe('grep');
  let re: RegExp;
  try {
    re = new RegExp(posixRegExp(p.operands[0]!, hasOption(p, 'E')), hasOption(p, 'i') ? 'i' : '');
  } catch (e) {
    return { error: `grep: ${e instanceof Error ? e.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '') : String(e)}`, status: 2 };
  }
  const invert = hasOption(p, 'v');
  const count = hasOption(p, 'c');
  return {
    filter: (lines) => {
      const hits = lines.filter((l) => re.test(l) !== invert);
      return { lines: count ? [String(hits.length)] : hits, status: hits.length > 0 ? 0 : 1 };
    },
  };
}

function headTail(tool: 'head' | 'tail', args: readonly string[]): ParsedFilter {
  // The obsolete -N is -n N (unless it is the argument of -n).
  const words = args.flatMap((a, i) => (/^-\d+$/.test(a) && !['-n', '--lines'].includes(args[i - 1] ?? '') ? ['-n', a.slice(1)] : [a]));
  const p = getopt(tool, words, { withArg: 'n', long: { lines: 'n' } });
  if (typeof p !== 'object') return refuse(tool, p, 1);
  if (p.operands.length > 0) return readsOnlyThePipe(tool);
  const arg = lastOption(p, 'n') ?? '10';
  // head -n -N: all but the last N; tail -n +N: from line N on (and -n -N is -n N).
  const m = (tool === 'head' ? /^(-?)(\d+)$/ : /^([-+]?)(\d+)$/).exec(arg);
  if (m === null) return { error: `${tool}: invalid number of lines: '${arg}'`, status: 1 };
  const n = Number(m[2]);
  const from = tool === 'head' ? m[1] === '-' : m[1] === '+';
  const pick = (lines: readonly string[]): readonly string[] => {
    if (tool === 'head') return from ? lines.slice(0, Math.max(0, lines.length - n)) : lines.slice(0, n);
    return from ? lines.slice(Math.max(0, n - 1)) : n === 0 ? [] : lines.slice(-n);
  };
  return { filter: (lines) => ({ lines: pick(lines), status: 0 }) };
}

/** POSIX character classes inside a bracket expression, as JavaScript writes them. */
const CLASSES: Readonly<Record<string, string>> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  blank: ' \\t',
  digit: '0-9',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
};

/**
 * A GNU regular expression as a JavaScript one. Basic (grep): ( ) { } + ?
 * | are literal and special when escaped, and a leading * is literal.
 * Extended (grep -E): the other way round, as in JavaScript. In both, a
 * backslash in a bracket expression is literal, [:class:] names a class,
 * \< \> are word boundaries. Throws SyntaxError for what neither accepts.
 */
export function posixRegExp(bre: string, extended = false): string {
  let out = '';
  for (let i = 0; i < bre.length; i++) {
    const c = bre[i]!;
    if (c === '\\') {
      const n = bre[++i];
      if (n === undefined) throw new SyntaxError('Trailing backslash');
      if ('+?|(){}'.includes(n)) out += extended ? '\\' + n : n;
      else if (n === '<') out += '\\b(?=\\w)';
      else if (n === '>') out += '\\b(?<=\\w)';
      else if ('wWsSbB123456789'.includes(n)) out += '\\' + n;
      else out += /[A-Za-z0-9]/.test(n) ? n : '\\' + n;
    } else if (c === '[') {
      let j = i + 1;
      let cls = '[';
      if (bre[j] === '^') {
        cls += '^';
        j++;
      }
      if (bre[j] === ']') {
        cls += '\\]';
        j++;
      }
      for (; j < bre.length && bre[j] !== ']'; j++) {
        const m = /^\[:([a-z]+):\]/.exec(bre.slice(j));
        if (m !== null) {
          const named = CLASSES[m[1]!];
          if (named === undefined) throw new SyntaxError('Invalid character class name');
          cls += named;
          j += m[0].length - 1;
        } else {
          cls += '\\[]^'.includes(bre[j]!) ? '\\' + bre[j] : bre[j];
        }
      }
      if (j >= bre.length) throw new SyntaxError('Unmatched [, [^, [:, [., or [=');
      out += cls + ']';
      i = j;
    } else if ((!extended && '+?|(){}'.includes(c)) || (c === '*' && (out === '' || out === '^'))) {
      out += '\\' + c;
    } else {
      out += c;
    }
  }
  return out;
}
