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
 * - `module.dyndbg=QUERY` implies `module module` for a query that names
 *   no module itself; a keyword given twice is an error, and a query that
 *   does not parse is logged and skipped, the others still apply.
 * - `file name.c:func` is `file name.c func func`.
 *
 * Deviations:
 * - kshim's callsites are not in a table: one exists once it first
 *   prints, and a query applies to it if it was in force when and where
 *   the callsite lives (the kernel, or that load of a module). There is
 *   no <debugfs>/dynamic_debug/control.
 * - Callsites have no line numbers: `line`, `file name.c:LINES` and the
 *   `l` flag are refused, as is `class`. The function of a callsite (for `func` and the `f`
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

/** pr_debug()/dev_dbg() called through the kernel API by code that is not a port's file (a test): one callsite for all of them. */
export const UNNAMED_SITE: DdebugSite = { modname: 'kshim', filename: 'kshim.c', instance: 0 };

export interface DdebugQuery {
  readonly module: string | null;
  readonly filename: string | null;
  readonly func: string | null;
  readonly format: string | null;
  readonly op: '+' | '-' | '=';
  readonly flags: number;
}

/**
 * A query that does not parse: `kernel` is what lib/dynamic_debug.c logs
 * for it (pr_err lines, "dyndbg: " prefixed), the message says where.
 */
export class DdebugQueryError extends Error {
  constructor(
    readonly kernel: readonly string[],
    where: string,
  ) {
    super(`${kernel[0]!.replace(/^dyndbg: /, '')} in "${where}"`);
  }
}

/** A query kshim does not model (line numbers, classes): refused before a boot, logged and skipped in one. */
function notModelled(what: string, q: string): DdebugQueryError {
  return new DdebugQueryError([`dyndbg: ${what} is not modelled (kshim's callsites have no line numbers or classes)`], q);
}

/** The queries of `text`: split on ';' and newlines, blank ones and comments dropped. */
export function ddebug_split_queries(text: string): string[] {
  return text
    .split(/[;\n]/)
    .map((q) => q.trim())
    .filter((q) => q !== '' && !q.startsWith('#'));
}

/** Every query of `text`, with `modname` the module of those that name none (module.dyndbg=). Throws the first DdebugQueryError. */
export function ddebug_parse_queries(text: string, modname: string | null): DdebugQuery[] {
  return ddebug_split_queries(text).map((q) => ddebug_parse_one(q, modname));
}

/** ddebug_exec_query()'s parsing of one query. Throws DdebugQueryError. */
export function ddebug_parse_one(q: string, modname: string | null): DdebugQuery {
  const words = ddebug_tokenize(q);
  if (words.length === 0) throw new DdebugQueryError(['dyndbg: empty query', 'dyndbg: query parse failed'], q);
  const { op, flags } = ddebug_parse_flags(words[words.length - 1]!, q);
  return ddebug_parse_query(words.slice(0, -1), modname, q, op, flags);
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
      if (end < 0) throw new DdebugQueryError([`dyndbg: unclosed quote: ${q.slice(i)}`, 'dyndbg: tokenize failed'], q);
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
  if (op !== '+' && op !== '-' && op !== '=') throw new DdebugQueryError([`dyndbg: bad flag-op ${op}, at start of ${word}`, 'dyndbg: flags parse failed'], q);
  let flags = 0;
  for (const c of word.slice(1)) {
    const opt = OPT_ARRAY.find(([, ch]) => ch === c);
    if (opt === undefined) {
      if (c === 'l') throw notModelled("flag 'l' (line number)", q);
      throw new DdebugQueryError([`dyndbg: unknown flag '${c}'`, 'dyndbg: flags parse failed'], q);
    }
    flags |= opt[0];
  }
  return { op, flags };
}

type QueryFields = { module: string | null; filename: string | null; func: string | null; format: string | null };

/** check_set(): a match-spec may be given once. */
function check_set(set: QueryFields, field: keyof QueryFields, value: string, name: string, q: string): void {
  const prev = set[field];
  if (prev !== null) throw new DdebugQueryError([`dyndbg: match-spec:${name} val:${prev} overridden by ${value}`, 'dyndbg: query parse failed'], q);
  set[field] = value;
}

function ddebug_parse_query(specs: string[], modname: string | null, q: string, op: '+' | '-' | '=', flags: number): DdebugQuery {
  if (specs.length % 2 !== 0) throw new DdebugQueryError(['dyndbg: expecting pairs of match-spec <value>', 'dyndbg: query parse failed'], q);
  const set: QueryFields = { module: null, filename: null, func: null, format: null };
  for (let i = 0; i < specs.length; i += 2) {
    const key = specs[i]!;
    const arg = specs[i + 1]!;
    if (key === 'func') check_set(set, 'func', arg, 'func', q);
    else if (key === 'file') {
      // "file name.c:tail": a tail that starts like a function name is one; anything else would be a line range.
      const colon = arg.indexOf(':');
      check_set(set, 'filename', colon < 0 ? arg : arg.slice(0, colon), 'file', q);
      if (colon < 0) continue;
      const tail = arg.slice(colon + 1);
      if (/^[A-Za-z*?]/.test(tail)) check_set(set, 'func', tail, 'func', q);
      else throw notModelled(`the line range of "file ${arg}"`, q);
    } else if (key === 'module') check_set(set, 'module', arg, 'module', q);
    else if (key === 'format') check_set(set, 'format', string_unescape(arg), 'format', q);
    else if (key === 'line' || key === 'class') throw notModelled(`match-spec '${key}'`, q);
    else throw new DdebugQueryError([`dyndbg: unknown keyword "${key}"`, 'dyndbg: query parse failed'], q);
  }
  // module.dyndbg= names the module of a query that names none itself.
  if (set.module === null && modname !== null) set.module = modname;
  return { ...set, op, flags };
}

const SPECIAL_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', '\\': '\\', '"': '"', a: '\x07', e: '\x1b' };

/** string_unescape_inplace(UNESCAPE_SPACE | UNESCAPE_OCTAL | UNESCAPE_SPECIAL): "\040" and "\n" as the characters. */
function string_unescape(s: string): string {
  return s.replace(/\\([0-7]{1,3}|[ntrfv\\"ae])/g, (_, e: string) => (/^[0-7]/.test(e) ? String.fromCharCode(parseInt(e, 8)) : SPECIAL_ESCAPES[e]!));
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
  /** The loads before it (0: applied at boot): it acts on the callsites of the kernel and of those loads. */
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

  /** Apply `queries` to the callsites that exist after load `instance` (0: at boot, the built-in ones). */
  exec(queries: readonly DdebugQuery[], instance: number): void {
    for (const query of queries) this.applied.push({ query, instance });
  }

  /**
   * ddebug_exec_queries(): each query of `text` on its own; one that does
   * not parse is skipped. Returns what the kernel logs for those.
   */
  ddebug_exec_queries(text: string, modname: string | null, instance: number): string[] {
    const errors: string[] = [];
    for (const q of ddebug_split_queries(text)) {
      try {
        this.exec([ddebug_parse_one(q, modname)], instance);
      } catch (e) {
        if (!(e instanceof DdebugQueryError)) throw e;
        errors.push(...e.kernel);
      }
    }
    return errors;
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
      // A query acts on the callsites that existed when it was applied: the kernel's, and those of the loads up to then.
      if (site.instance > a.instance) continue;
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
