// SPDX-License-Identifier: GPL-2.0-only
/**
 * The link check: which builds fail to link, given the objects a
 * configuration builds. vmlinux links built-in objects only, so a built-in
 * reference to a symbol that only a module (or nothing) provides is an
 * undefined reference at the vmlinux link. Modules are checked by modpost
 * (scripts/mod/modpost.c check_exports()): the symbol must be exported by
 * vmlinux or a module, its namespace imported, and a GPL-only export used by
 * a GPL-compatible module. EXPORT_SYMBOL_FOR_MODULES() (6.18+) is a GPL
 * export in the namespace "module:<list>", which only the listed modules
 * (tail globs, '-' equal to '_') may use without an import; built-in
 * callers are not restricted.
 *
 * Deviations: the ld message leaves out "in function" and the section
 * offset; a module referencing its own export is not reported.
 */

/** One exported symbol. */
export interface LinkExport {
  readonly symbol: string;
  /** 'gpl' for EXPORT_SYMBOL_GPL, 'any' (the default) for EXPORT_SYMBOL. */
  readonly license?: 'gpl' | 'any';
  /** EXPORT_SYMBOL_NS(_GPL) namespace. */
  readonly namespace?: string;
  /** EXPORT_SYMBOL_FOR_MODULES() module name patterns. */
  readonly forModules?: readonly string[];
}

/** One object the configuration builds: a built-in object or a module. */
export interface LinkObject {
  /** Module name, e.g. "dax_hmem". */
  readonly name: string;
  /** Object path, e.g. "drivers/dax/hmem/hmem.o" or "drivers/dax/hmem/dax_hmem.ko". */
  readonly file: string;
  readonly builtIn: boolean;
  readonly exports: readonly LinkExport[];
  /** Symbols the object's code calls or reads from other objects. */
  readonly references: readonly string[];
  /** MODULE_IMPORT_NS() namespaces. */
  readonly imports?: readonly string[];
  /** MODULE_LICENSE() string; only checked when given. */
  readonly license?: string;
}

/** The verdict of the link check. */
export interface LinkResult {
  readonly ok: boolean;
  /** ld errors (object order), then modpost errors (object order, references in order). */
  readonly errors: string[];
}

const GPL_COMPATIBLE = new Set(['GPL', 'GPL v2', 'GPL and additional rights', 'Dual BSD/GPL', 'Dual MIT/GPL', 'Dual MPL/GPL']);

function dir(file: string): string {
  const i = file.lastIndexOf('/');
  return i < 0 ? '' : file.slice(0, i + 1);
}

/** The path ld names for a built-in object. */
function objectPath(o: LinkObject): string {
  return o.file.endsWith('.ko') ? `${o.file.slice(0, -3)}.o` : o.file;
}

/** The path modpost names for a module, "<dir>/<name>.ko". */
function modulePath(o: LinkObject): string {
  return o.file.endsWith('.ko') ? o.file : `${dir(o.file)}${o.name}.ko`;
}

function normalize(name: string): string {
  return name.replaceAll('-', '_');
}

/** The namespace an export lives in: "module:<list>" for EXPORT_SYMBOL_FOR_MODULES, else its namespace or "". */
export function exportNamespace(e: LinkExport): string {
  return e.forModules ? `module:${e.forModules.join(',')}` : (e.namespace ?? '');
}

/** modpost verify_module_namespace(): whether a "module:" namespace lists `modname` (tail globs allowed). */
export function moduleNamespaceAllows(namespace: string, modname: string): boolean {
  if (!namespace.startsWith('module:')) return false;
  const mod = normalize(modname);
  return namespace
    .slice('module:'.length)
    .split(',')
    .some((pat) => {
      const p = normalize(pat);
      return p.endsWith('*') ? mod.startsWith(p.slice(0, -1)) : mod === p;
    });
}

/** Checks that the objects of one configuration link: vmlinux first, then modpost over the modules. */
export function linkCheck(objects: readonly LinkObject[]): LinkResult {
  const errors: string[] = [];
  const builtinSyms = new Set<string>();
  const exporters = new Map<string, { obj: LinkObject; exp: LinkExport }>();
  const modpostErrors: string[] = [];
  for (const obj of objects) {
    for (const exp of obj.exports) {
      if (obj.builtIn) builtinSyms.add(exp.symbol);
      const prev = exporters.get(exp.symbol);
      if (prev) {
        const who = obj.builtIn ? 'vmlinux' : modulePath(obj).slice(0, -3);
        const was = prev.obj.builtIn ? 'vmlinux' : modulePath(prev.obj);
        modpostErrors.push(`ERROR: modpost: ${who}: '${exp.symbol}' exported twice. Previous export was in ${was}`);
        continue;
      }
      exporters.set(exp.symbol, { obj, exp });
    }
  }
  for (const obj of objects) {
    if (!obj.builtIn) continue;
    const refs = obj.references;
    for (let r = 0; r < refs.length; r++) {
      const sym = refs[r]!;
      if (!builtinSyms.has(sym) && refs.indexOf(sym) === r) errors.push(`ld: ${objectPath(obj)}: undefined reference to \`${sym}'`);
    }
  }
  for (const obj of objects) {
    if (obj.builtIn) continue;
    const imports = obj.imports ?? [];
    const gplOk = obj.license === undefined || GPL_COMPATIBLE.has(obj.license);
    const refs = obj.references;
    for (let r = 0; r < refs.length; r++) {
      const sym = refs[r]!;
      if (refs.indexOf(sym) !== r) continue;
      const hit = exporters.get(sym);
      if (!hit) {
        modpostErrors.push(`ERROR: modpost: "${sym}" [${modulePath(obj)}] undefined!`);
        continue;
      }
      if (hit.obj === obj) continue;
      const ns = exportNamespace(hit.exp);
      if (ns && !moduleNamespaceAllows(ns, obj.name) && !imports.includes(ns)) {
        modpostErrors.push(`ERROR: modpost: module ${obj.name} uses symbol ${sym} from namespace ${ns}, but does not import it.`);
      }
      const gplOnly = hit.exp.forModules !== undefined || hit.exp.license === 'gpl';
      if (gplOnly && !gplOk) modpostErrors.push(`ERROR: modpost: GPL-incompatible module ${obj.name}.ko uses GPL-only symbol '${sym}'`);
    }
  }
  errors.push(...modpostErrors);
  return { ok: errors.length === 0, errors };
}
