// SPDX-License-Identifier: GPL-2.0-only
/**
 * The loaded modules as `kshim shell` shows them: lsmod as kmod prints it,
 * /proc/modules as kernel/module/procfs.c writes it, and /sys/module as
 * kernel/module/sysfs.c and kernel/params.c lay it out.
 *
 * A module's size is NOT a real size: no object file is built. It is made
 * up, deterministically, from the length of the source of the ports linked
 * into the module (8 KiB, plus 4 bytes per byte of source, in 4 KiB pages),
 * so that a bigger port shows as a bigger module and the numbers look like
 * what lsmod prints for drivers of this kind.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModuleLoader, module } from '../framework/kernel/module/main.js';
import type { kernel_param } from '../framework/kernel/module/params.js';
import type { ModuleDef } from '../framework/kernel/module/types.js';
import { formatModuleAddress } from '../framework/kernel/module/layout.js';
import type { VfsDir, VfsNode } from './sysfs.js';

/** The compiled tree (dist/) and the checkout it was compiled from. */
const BUILD = fileURLToPath(new URL('../', import.meta.url));
const CHECKOUT = fileURLToPath(new URL('../../', import.meta.url));

/** Bytes of source by port URL; the files of a build do not change while it runs. */
const sourceBytes = new Map<string, number>();

/** The length of a port's TypeScript source, or of the JavaScript it was compiled to when the source is not there; 0 if neither is a file. */
function portSourceBytes(url: string): number {
  let n = sourceBytes.get(url);
  if (n === undefined) {
    n = 0;
    try {
      const file = fileURLToPath(url);
      const candidates = file.startsWith(BUILD) && file.endsWith('.js') ? [CHECKOUT + file.slice(BUILD.length, -'.js'.length) + '.ts', file] : [file];
      for (const f of candidates) {
        try {
          n = statSync(f).size;
          break;
        } catch {
          // not there: try the next
        }
      }
    } catch {
      // not a file: URL
    }
    sourceBytes.set(url, n);
  }
  return n;
}

const PAGE = 4096;

/** The made-up size of a module (see the header): 8 KiB, plus 4 bytes per byte of the source of its ports, in pages. */
export function moduleSize(loader: ModuleLoader, def: ModuleDef): number {
  const urls = new Set(loader.units(def).map((u) => u.url));
  let bytes = 0;
  for (const u of urls) bytes += portSourceBytes(u);
  return 2 * PAGE + Math.ceil((4 * bytes) / PAGE) * PAGE;
}

/** module_refcount(): one reference per module that links against it (ref_module()), plus try_module_get()s. */
function refcount(m: module): number {
  return m.holders.size + m.refcnt;
}

/** Modules /proc/modules lists: every one but those still UNFORMED, newest first. */
function listed(loader: ModuleLoader): module[] {
  return loader.modules.filter((m) => m.state !== 'UNFORMED');
}

/**
 * lsmod, as kmod's tools/lsmod.c prints it: "%-19s %8lu  %d" and the
 * holders, comma-separated (in the order they linked; kmod reads them from
 * the /sys/module/NAME/holders directory).
 */
export function lsmod(loader: ModuleLoader): string {
  const rows = listed(loader).map((m) => {
    const holders = [...m.holders].map((h) => h.name).join(',');
    return `${m.name.padEnd(19)} ${String(moduleSize(loader, m.def)).padStart(8)}  ${refcount(m)}${holders ? ` ${holders}` : ''}`;
  });
  return ['Module                  Size  Used by', ...rows].join('\n');
}

const STATE: Readonly<Record<string, string>> = { COMING: 'Loading', GOING: 'Unloading', LIVE: 'Live' };

/**
 * /proc/modules, as m_show() and print_unload_info() write it: name, size,
 * refcount, the modules using it each followed by a comma (newest first,
 * as add_module_usage() adds them at the head of the list), "[permanent],"
 * for a module with an init and no exit, "-" when there is neither; the
 * state; the address of the module (its place in kshim's module area, see
 * framework/kernel/module/layout.ts), as root reads it.
 */
export function procModules(loader: ModuleLoader): string {
  return listed(loader)
    .map((m) => {
      let deps = [...m.holders].reverse().map((h) => `${h.name},`).join('');
      const hasInit = m.instances.some((i) => (i.initcalls ?? []).length > 0);
      const hasExit = m.instances.some((i) => i.exit !== undefined);
      if (hasInit && !hasExit) deps += '[permanent],';
      return `${m.name} ${moduleSize(loader, m.def)} ${refcount(m)} ${deps || '-'} ${STATE[m.state]} 0x${formatModuleAddress(m.base)}\n`;
    })
    .join('');
}

const INITSTATE: Readonly<Record<string, string>> = { COMING: 'coming', GOING: 'going', LIVE: 'live' };

/** param_get_bool(): "Y" or "N"; a parameter whose mode lets nobody read it has no file. */
function parametersDir(kp: readonly kernel_param[]): VfsDir | null {
  const readable = kp.filter((p) => (p.perm & 0o444) !== 0);
  if (readable.length === 0) return null;
  return { kind: 'dir', children: new Map(readable.map((p): [string, VfsNode] => [p.name, { kind: 'file', read: () => (p.cell.value ? 'Y\n' : 'N\n') }])) };
}

/**
 * /sys/module: a directory per module past UNFORMED (mod_sysfs_setup()),
 * with coresize, initstate ("coming", "live", "going"), refcnt, holders/
 * (a link per module that uses it) and parameters/; and one per built-in
 * object that has parameters, with only parameters/. Not modelled: the
 * uevent, taint, srcversion and sections of a module, its drivers/ links,
 * and the directories of built-in code without parameters.
 */
export function sysModule(loader: ModuleLoader): VfsDir {
  const root: VfsDir = { kind: 'dir', children: new Map() };
  for (const [name, kp] of loader.builtinParams) {
    const params = parametersDir(kp);
    if (params !== null) root.children.set(name, { kind: 'dir', children: new Map([['parameters', params]]) });
  }
  for (const m of listed(loader)) {
    const d: VfsDir = { kind: 'dir', children: new Map() };
    d.children.set('coresize', { kind: 'file', read: () => `${moduleSize(loader, m.def)}\n` });
    d.children.set('initstate', { kind: 'file', read: () => `${INITSTATE[m.state]}\n` });
    d.children.set('refcnt', { kind: 'file', read: () => `${refcount(m)}\n` });
    d.children.set('holders', { kind: 'dir', children: new Map([...m.holders].map((h): [string, VfsNode] => [h.name, { kind: 'link', target: `../../${h.name}` }])) });
    const params = parametersDir(m.kp);
    if (params !== null) d.children.set('parameters', params);
    root.children.set(m.name, d);
  }
  return root;
}
