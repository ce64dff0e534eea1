// SPDX-License-Identifier: GPL-2.0-only
/**
 * Dynamic debug (lib/dynamic_debug.c): whether a pr_debug() or dev_dbg()
 * callsite prints, and with which prefix, decided by the queries of the
 * command line's `dyndbg=` and `module.dyndbg=` and of a module load's
 * `dyndbg=` parameter.
 *
 * Semantics kept:
 * - A query is a list of match-specs (`module`, `file`, `func`, `format`,
 *   wildcards `*` and `?`) and one flags change (`+`, `-` or `=` with
 *   `p`, `m`, `f`, `s`, `t`, `_`); `;` separates queries; an empty list of
 *   match-specs selects every callsite.
 * - The boot queries (bare `dyndbg=` and every `module.dyndbg=`) are
 *   applied once, at dynamic_debug_init(), to the callsites built into
 *   the kernel. A module loaded later is not touched by them: it gets the
 *   queries of its own `dyndbg` parameter (modprobe passes
 *   `module.dyndbg=` from /proc/cmdline), and only for that load.
 * - `module.dyndbg=QUERY` implies `module module`; naming a module in it,
 *   or any keyword twice, is an error.
 *
 * Deviations:
 * - kshim's callsites are not in a table: one exists once it first
 *   prints, and a query applies to it if it was in force when and where
 *   the callsite lives (the kernel, or that load of a module). There is
 *   no <debugfs>/dynamic_debug/control.
 * - Callsites have no line numbers: `line` and the `l` flag are refused,
 *   as is `class`. The function of a callsite (for `func` and the `f`
 *   flag) is read from the stack, only when a query needs it.
 * - With no command line at all, kshim's kernel behaves as if every file
 *   were built with -DDEBUG: every callsite prints. A scenario that gives
 *   a command line gets the kernel's default: no callsite prints unless a
 *   query enables it.
 */
import { globMatch } from '../kernel/module/symbols.js';

export const _DPRINTK_FLAGS_PRINT = 1 << 0;
export const _DPRINTK_FLAGS_INCL_MODNAME = 1 << 1;
export const _DPRINTK_FLAGS_INCL_FUNCNAME = 1 << 2;
export const _DPRINTK_FLAGS_INCL_SOURCENAME = 1 << 3;
export const _DPRINTK_FLAGS_INCL_TID = 1 << 4;
const _DPRINTK_FLAGS_INCL_ANY = _DPRINTK_FLAGS_INCL_MODNAME | _DPRINTK_FLAGS_INCL_FUNCNAME | _DPRINTK_FLAGS_INCL_SOURCENAME | _DPRINTK_FLAGS_INCL_TID;

const OPT_ARRAY: readonly (readonly [number, string])[] = [
  [_DPRINTK_FLAGS_PRINT, 'p'],
  [_DPRINTK_FLAGS_INCL_MODNAME, 'm'],
  [_DPRINTK_FLAGS_INCL_FUNCNAME, 'f'],
  [_DPRINTK_FLAGS_INCL_SOURCENAME, 's'],
  [_DPRINTK_FLAGS_INCL_TID, 't'],
  [0, '_'],
];

/** Where a pr_debug()/dev_dbg() lives: KBUILD_MODNAME and the source file. */
export interface DdebugSite {
  readonly modname: string;
  /** Kernel-relative path, "drivers/base/dd.c". */
  readonly filename: string;
  /** 0 for code built into the kernel; for a module, the load it belongs to. */
  readonly instance: number;
}

export interface DdebugQuery {
  readonly module: string | null;
  readonly filename: string | null;
  readonly func: string | null;
  readonly format: string | null;
  readonly op: '+' | '-' | '=';
  readonly flags: number;
}

export class DdebugQueryError extends Error {}

/** ddebug_exec_queries()'s parsing: the queries of `text`, with `modname` implied (module.dyndbg=). Throws DdebugQueryError. */
export function ddebug_parse_queries(text: string, modname: string | null): DdebugQuery[] {
  const out: DdebugQuery[] = [];
  for (const raw of text.split(/[;\n]/)) {
    const q = raw.trim();
    if (q === '' || q.startsWith('#')) continue;
    out.push(ddebug_parse_query(ddebug_tokenize(q), modname, q));
  }
  return out;
}

/** Words of one query: blanks separate them, quotes ('"' or "'") keep blanks in one, '#' starts a comment. */
function ddebug_tokenize(q: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < q.length) {
    while (i < q.length && /\s/.test(q[i]!)) i++;
    if (i >= q.length || q[i] === '#') break;
    const c = q[i]!;
    if (c === '"' || c === "'") {
      const end = q.indexOf(c, i + 1);
      if (end < 0) throw new DdebugQueryError(`unclosed quote: ${q.slice(i)}`);
      words.push(q.slice(i + 1, end));
      i = end + 1;
    } else {
      let j = i;
      while (j < q.length && !/\s/.test(q[j]!)) j++;
      words.push(q.slice(i, j));
      i = j;
    }
  }
  return words;
}

function ddebug_parse_flags(word: string, q: string): { op: '+' | '-' | '='; flags: number } {
  const op = word[0];
  if (op !== '+' && op !== '-' && op !== '=') throw new DdebugQueryError(`expected a flags change (+p, -p, =p, ...) at the end of "${q}", got "${word}"`);
  let flags = 0;
  for (const c of word.slice(1)) {
    const opt = OPT_ARRAY.find(([, ch]) => ch === c);
    if (opt === undefined) {
      if (c === 'l') throw new DdebugQueryError(`flag 'l' (line number) in "${q}": kshim's callsites have no line numbers`);
      throw new DdebugQueryError(`unknown flag '${c}' in "${word}" (flags: p m f s t _)`);
    }
    flags |= opt[0];
  }
  if (word.length === 1) throw new DdebugQueryError(`flags change "${word}" in "${q}" names no flag`);
  return { op, flags };
}

function ddebug_parse_query(words: string[], modname: string | null, q: string): DdebugQuery {
  if (words.length === 0) throw new DdebugQueryError(`empty query "${q}"`);
  const { op, flags } = ddebug_parse_flags(words[words.length - 1]!, q);
  const specs = words.slice(0, -1);
  if (specs.length % 2 !== 0) throw new DdebugQueryError(`expecting pairs of match-spec <value> before the flags in "${q}"`);
  const set: { module: string | null; filename: string | null; func: string | null; format: string | null } = { module: modname, filename: null, func: null, format: null };
  const seen = new Set<string>();
  for (let i = 0; i < specs.length; i += 2) {
    const key = specs[i]!;
    const arg = specs[i + 1]!;
    const field = key === 'file' ? 'filename' : key;
    if (key === 'line' || key === 'class') throw new DdebugQueryError(`match-spec '${key}' in "${q}" is not modelled (kshim's callsites have no line or class)`);
    if (key !== 'func' && key !== 'file' && key !== 'module' && key !== 'format') throw new DdebugQueryError(`unknown keyword "${key}" in "${q}" (func, file, module, format)`);
    if (key === 'module' && modname !== null) throw new DdebugQueryError(`"module ${arg}" in "${q}": ${modname}.dyndbg= names its module already; leave the match-spec out`);
    if (seen.has(key)) throw new DdebugQueryError(`match-spec ${key} given twice in "${q}" (${set[field as keyof typeof set]}, then ${arg})`);
    seen.add(key);
    set[field as keyof typeof set] = key === 'format' ? unescapeOctal(arg) : arg;
  }
  return { ...set, op, flags };
}

/** string_unescape_inplace(UNESCAPE_OCTAL): "\040" is a blank. */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{1,3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

function kbasename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** ddebug_change()'s test of one callsite against one query. */
function ddebug_matches(query: DdebugQuery, site: DdebugSite, fmt: string, func: () => string): boolean {
  if (query.filename !== null && !globMatch(query.filename, kbasename(site.filename)) && !globMatch(query.filename, site.filename)) return false;
  if (query.module !== null && !globMatch(query.module, site.modname)) return false;
  if (query.format !== null) {
    if (query.format.startsWith('^') ? !fmt.startsWith(query.format.slice(1)) : !fmt.includes(query.format)) return false;
  }
  if (query.func !== null && !globMatch(query.func, func())) return false;
  return true;
}

interface Applied {
  readonly query: DdebugQuery;
  /** 0: the kernel's built-in callsites; else that module load's. */
  readonly instance: number;
}

/** The dynamic debug state of one kernel. */
export class DynamicDebug {
  private readonly applied: Applied[] = [];
  /** Flags by callsite, valid while `applied` has `memoFor` entries. */
  private readonly memo = new Map<string, number>();
  private memoFor = 0;

  /**
   * @param everyCallsite kshim's kernel without a command line: every
   *   callsite prints (as if built with -DDEBUG), no query can change it.
   */
  constructor(readonly everyCallsite: boolean) {}

  /** dynamic_debug_init() / a module's `dyndbg` parameter: apply `queries` to the callsites of `instance` (0: built in). */
  exec(queries: readonly DdebugQuery[], instance: number): void {
    for (const query of queries) this.applied.push({ query, instance });
  }

  /** The flags of a callsite printing `fmt` now; `func` names the calling function when a query needs it. */
  flags(site: DdebugSite, fmt: string, func: () => string): number {
    if (this.everyCallsite) return _DPRINTK_FLAGS_PRINT;
    if (this.applied.length === 0) return 0;
    if (this.memoFor !== this.applied.length) {
      this.memo.clear();
      this.memoFor = this.applied.length;
    }
    const key = `${site.instance}\0${site.modname}\0${site.filename}\0${fmt}`;
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    let flags = 0;
    let usesFunc = false;
    for (const a of this.applied) {
      if (a.instance !== site.instance) continue;
      if (a.query.func !== null) usesFunc = true;
      if (!ddebug_matches(a.query, site, fmt, func)) continue;
      flags = a.query.op === '+' ? flags | a.query.flags : a.query.op === '-' ? flags & ~a.query.flags : a.query.flags;
    }
    // A callsite is one place in the code; two functions printing the same format from one file are two callsites.
    if (!usesFunc) this.memo.set(key, flags);
    return flags;
  }

  /** __dynamic_emit_prefix(): "[pid] " and "module:func:file: " as the flags ask. */
  prefix(flags: number, site: DdebugSite, pid: number, func: () => string): string {
    if ((flags & _DPRINTK_FLAGS_INCL_ANY) === 0) return '';
    let s = '';
    if (flags & _DPRINTK_FLAGS_INCL_TID) s += `[${pid}] `;
    const afterTid = s.length;
    if (flags & _DPRINTK_FLAGS_INCL_MODNAME) s += `${site.modname}:`;
    if (flags & _DPRINTK_FLAGS_INCL_FUNCNAME) s += `${func()}:`;
    if (flags & _DPRINTK_FLAGS_INCL_SOURCENAME) s += `${site.filename}:`;
    if (s.length > afterTid) s += ' ';
    return s;
  }
}
