// SPDX-License-Identifier: GPL-2.0-only
/**
 * What `kshim shell` needs of a shell's syntax and of getopt: the words of a
 * command line, and a command's options parsed as glibc's getopt_long()
 * parses them, with its messages for an option it does not know.
 */

/** How a command's options are spelled. */
export interface OptionSpec {
  /** Short options without an argument, e.g. "lr". */
  readonly flags?: string;
  /** Short options that take an argument, e.g. "n". */
  readonly withArg?: string;
  /** Long options: the name (without "--") and the short option it stands for. */
  readonly long?: Readonly<Record<string, string>>;
}

export interface ParsedOptions {
  /** The options in the order given, each with its argument (null for a flag). */
  readonly options: ReadonlyArray<readonly [string, string | null]>;
  /** The arguments that are not options. */
  readonly operands: readonly string[];
}

export function hasOption(p: ParsedOptions, c: string): boolean {
  return p.options.some(([o]) => o === c);
}

/** The argument of the last `c` given, as getopt leaves it in optarg. */
export function lastOption(p: ParsedOptions, c: string): string | undefined {
  let v: string | undefined;
  for (const [o, a] of p.options) if (o === c) v = a ?? undefined;
  return v;
}

/**
 * Parse `args` as getopt_long() does: options and operands in any order
 * ("--" ends the options, "-" alone is an operand), short options grouped
 * ("-rq"), an option's argument attached or in the next word ("-n5", "-n 5",
 * "--lines=5", "--lines 5"), a long option abbreviated to any unambiguous
 * prefix. Returns the error getopt prints ("ls: invalid option -- 'z'"),
 * or the parsed options.
 */
export function getopt(tool: string, args: readonly string[], spec: OptionSpec): ParsedOptions | string {
  const flags = spec.flags ?? '';
  const withArg = spec.withArg ?? '';
  const long = spec.long ?? {};
  const options: Array<[string, string | null]> = [];
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const exact = Object.hasOwn(long, name) ? [name] : [];
      const hits = exact.length > 0 ? exact : Object.keys(long).filter((l) => l.startsWith(name));
      if (hits.length === 0) return `${tool}: unrecognized option '${eq < 0 ? a : a.slice(0, eq)}'`;
      if (hits.length > 1) return `${tool}: option '${a}' is ambiguous; possibilities: ${hits.map((h) => `'--${h}'`).join(' ')}`;
      const full = hits[0]!;
      const c = long[full]!;
      if (withArg.includes(c)) {
        if (eq >= 0) options.push([c, a.slice(eq + 1)]);
        else if (i + 1 < args.length) options.push([c, args[++i]!]);
        else return `${tool}: option '--${full}' requires an argument`;
      } else {
        if (eq >= 0) return `${tool}: option '--${full}' doesn't allow an argument`;
        options.push([c, null]);
      }
      continue;
    }
    if (a.startsWith('-') && a !== '-') {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        if (withArg.includes(c)) {
          if (j + 1 < a.length) options.push([c, a.slice(j + 1)]);
          else if (i + 1 < args.length) options.push([c, args[++i]!]);
          else return `${tool}: option requires an argument -- '${c}'`;
          break;
        }
        if (!flags.includes(c)) return `${tool}: invalid option -- '${c}'`;
        options.push([c, null]);
      }
      continue;
    }
    operands.push(a);
  }
  return { options, operands };
}

/** A word of a command line, or an operator (|, &, ;, >, ...). */
export type Token = { readonly word: string } | { readonly op: string };

/** Operators as sh reads them, longest first. */
const OPERATORS = ['&&', '||', ';;', '>>', '<<', '>&', '<&', '>|', '&>', '<>', '|', '&', ';', '<', '>', '(', ')'];

/**
 * Split a command line into words and operators as sh does: blanks
 * separate words; '...' quotes everything, "..." everything but \" \\ \$
 * and \`; a backslash outside quotes quotes the next character; an
 * unquoted # at the start of a word starts a comment. The one expansion is
 * $?, to `status` (the exit status of the last command), outside '...'.
 * Returns sh's message for an unterminated quote.
 */
export function tokenize(line: string, status = 0): Token[] | string {
  const tokens: Token[] = [];
  let word: string | null = null;
  const end = (): void => {
    if (word !== null) tokens.push({ word });
    word = null;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      end();
    } else if (c === '#' && word === null) {
      break;
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) return "unexpected EOF while looking for matching `''";
      word = (word ?? '') + line.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`'.includes(line[j + 1]!)) j++;
        else if (line.startsWith('$?', j)) {
          text += String(status);
          j++;
          continue;
        }
        text += line[j];
      }
      if (j >= line.length) return 'unexpected EOF while looking for matching `"\'';
      word = (word ?? '') + text;
      i = j;
    } else if (c === '\\') {
      word = (word ?? '') + (line[i + 1] ?? '');
      i++;
    } else if (c === '$' && line[i + 1] === '?') {
      word = (word ?? '') + String(status);
      i++;
    } else if ('|&;<>()'.includes(c)) {
      end();
      const op = OPERATORS.find((o) => line.startsWith(o, i))!;
      tokens.push({ op });
      i += op.length - 1;
    } else {
      word = (word ?? '') + c;
    }
  }
  end();
  return tokens;
}
