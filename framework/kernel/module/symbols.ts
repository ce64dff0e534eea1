// SPDX-License-Identifier: GPL-2.0-only
/**
 * The kernel symbol table: what vmlinux and each loaded module export, and
 * the import tables through which ports call other objects' symbols.
 */
import type { ExportDecl } from './types.js';

/** An exported variable (bool dax_hmem_initial_probe): importers read and write it through accessors. */
export class ExportedVariable<T = unknown> {
  constructor(
    readonly get: () => T,
    readonly set: (v: T) => void,
  ) {}
}

/** EXPORT_SYMBOL of a variable: `exports: { flag: exportVariable(() => flag, (v) => (flag = v)) }`. */
export function exportVariable<T>(get: () => T, set: (v: T) => void): ExportedVariable<T> {
  return new ExportedVariable(get, set);
}

export interface KernelSymbol {
  readonly name: string;
  readonly decl: ExportDecl;
  /** Owning module, or null for vmlinux. */
  readonly owner: string | null;
  readonly value: unknown;
}

export class SymbolTable {
  private readonly symbols = new Map<string, KernelSymbol>();

  find(name: string): KernelSymbol | undefined {
    return this.symbols.get(name);
  }

  /** Add an object's exports; returns the name of a duplicate, if any (nothing is added then). */
  add(owner: string | null, decls: readonly ExportDecl[], values: Readonly<Record<string, unknown>>): string | null {
    for (const d of decls) if (this.symbols.has(d.symbol)) return d.symbol;
    for (const d of decls) this.symbols.set(d.symbol, { name: d.symbol, decl: d, owner, value: values[d.symbol] });
    return null;
  }

  removeOwner(owner: string): void {
    for (const [k, s] of this.symbols) if (s.owner === owner) this.symbols.delete(k);
  }

  /**
   * The import table of an object: one accessor per referenced symbol,
   * resolved at each access so that built-in objects can reference each
   * other regardless of the order they were instantiated in.
   */
  importTable(names: readonly string[]): Record<string, unknown> {
    return new (importTableClass(names))(this);
  }

  /** The value of a symbol for an importer (kept public for the import-table classes). */
  resolve(name: string): unknown {
    const s = this.symbols.get(name);
    if (s === undefined) throw new ReferenceError(`kshim: symbol ${name} is not resolved (its provider is gone)`);
    return s.value;
  }
}

/** An import table: the accessors live on a prototype shared by every table with the same names. */
type ImportTable = Record<string, unknown> & { readonly [TABLE]: SymbolTable };
const TABLE = Symbol('symbol table');
const importTableClasses = new Map<string, new (t: SymbolTable) => ImportTable>();
const importTableClassByList = new WeakMap<readonly string[], new (t: SymbolTable) => ImportTable>();

/**
 * One class per list of names, made once per process. The accessors are on
 * its prototype, not on each table: per-boot accessors would be allocated
 * in V8's old space and keep the finished machine alive (docs/performance.md).
 */
function importTableClass(names: readonly string[]): new (t: SymbolTable) => ImportTable {
  // The loader passes the same reference lists boot after boot: look the array up before joining it.
  let cls = importTableClassByList.get(names);
  if (cls !== undefined) return cls;
  const key = names.join(',');
  cls = importTableClasses.get(key);
  if (cls !== undefined) {
    importTableClassByList.set(names, cls);
    return cls;
  }
  cls = class {
    readonly [TABLE]: SymbolTable;
    constructor(t: SymbolTable) {
      this[TABLE] = t;
    }
  } as new (t: SymbolTable) => ImportTable;
  Object.setPrototypeOf(cls.prototype, UNDECLARED);
  for (const name of names) {
    Object.defineProperty(cls.prototype, name, {
      enumerable: true,
      configurable: true,
      get(this: ImportTable): unknown {
        const v = this[TABLE].resolve(name);
        return v instanceof ExportedVariable ? v.get() : v;
      },
      set(this: ImportTable, x: unknown): void {
        const v = this[TABLE].resolve(name);
        if (!(v instanceof ExportedVariable)) throw new TypeError(`${name} is not an exported variable`);
        v.set(x);
      },
    });
  }
  importTableClasses.set(key, cls);
  importTableClassByList.set(names, cls);
  return cls;
}

/**
 * A port that calls `sym.foo` without listing foo in its references() would
 * not compile in C (implicit declaration). The import tables' prototypes end
 * in this proxy, so the first such access names the symbol instead of
 * failing later as "sym.foo is not a function".
 */
export class UndeclaredSymbolError extends Error {
  constructor(readonly symbol: string) {
    super(`implicit declaration of ${symbol}: the object uses sym.${symbol}, but its references() does not list it`);
  }
}

/**
 * Names that Node, JSON and test libraries look up on any object they are
 * handed (await, JSON.stringify, util.inspect, chai, React-style checks):
 * absent, not undeclared.
 */
const PROBED_BY_HOSTS = new Set(['then', 'toJSON', 'inspect', 'href', 'nodeType', 'asymmetricMatch', '$$typeof', '_isMockFunction']);
/** What a C symbol can be called; anything else is not a kernel symbol. */
const C_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const UNDECLARED: object = new Proxy(Object.prototype, {
  get(target, key, receiver) {
    if (typeof key === 'symbol' || key in target || PROBED_BY_HOSTS.has(key) || !C_IDENTIFIER.test(key)) return Reflect.get(target, key, receiver);
    throw new UndeclaredSymbolError(key);
  },
});

/** Does `module` match the comma-separated glob list of EXPORT_SYMBOL_FOR_MODULES? */
export function moduleMatches(list: string, module: string): boolean {
  return list
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .some((p) => globMatch(p, module));
}

const globCache = new Map<string, RegExp>();

/** fnmatch-style glob with * and ? (MODULE_ALIAS patterns, EXPORT_SYMBOL_FOR_MODULES lists). */
export function globMatch(pattern: string, s: string): boolean {
  let re = globCache.get(pattern);
  if (re === undefined) {
    let src = '^';
    for (const c of pattern) {
      if (c === '*') src += '.*';
      else if (c === '?') src += '.';
      else src += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    re = new RegExp(src + '$');
    globCache.set(pattern, re);
  }
  return re.test(s);
}
