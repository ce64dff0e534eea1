// SPDX-License-Identifier: GPL-2.0-only
/**
 * A read-only view of the simulated kernel as the files a developer would
 * look at: /sys/devices (one directory per registered device, nested by
 * parent, with its attributes and a `driver` link), /sys/bus/<bus>/devices
 * and /sys/bus/<bus>/drivers/<drv> (symlinks into /sys/devices, as the
 * kernel lays them out), and /proc/iomem. `kshim run --show sysfs` prints
 * it; `kshim shell` walks it with ls and cat.
 *
 * The view is rebuilt from the driver core on every call, so it always
 * reflects the machine as it is now (after a modprobe -r, say).
 */
import type { Kernel } from '../framework/kernel.js';
import type { device } from '../framework/include/linux/device.js';

export type VfsNode = VfsDir | VfsLink | VfsFile;

export interface VfsDir {
  readonly kind: 'dir';
  readonly children: Map<string, VfsNode>;
}

export interface VfsLink {
  readonly kind: 'link';
  /** Relative target, as readlink prints it. */
  readonly target: string;
}

export interface VfsFile {
  readonly kind: 'file';
  /** The contents, or null for a file nobody can read (a write-only attribute: cat gets EACCES). */
  read(): string | null;
}

function dir(): VfsDir {
  return { kind: 'dir', children: new Map() };
}

/** The directory at `parts` below `root`, created on the way. */
function mkdirs(root: VfsDir, parts: readonly string[]): VfsDir {
  let d = root;
  for (const p of parts) {
    let c = d.children.get(p);
    if (c === undefined || c.kind !== 'dir') {
      c = dir();
      d.children.set(p, c);
    }
    d = c;
  }
  return d;
}

const up = (n: number): string => '../'.repeat(n);

/** Registered devices (in sysfs), in registration order. */
function liveDevices(k: Kernel): device[] {
  return k.base.core.allDevices.filter((d) => d.state_in_sysfs);
}

/** Attributes shown for a device: its sysfs groups (null for a write-only file), then the extra attrs the sysfs view keeps. */
export function deviceAttributes(k: Kernel, dev: device): Array<[string, string | null]> {
  return [...k.sysfs.attributes(dev), ...dev.attrs.entries()];
}

/** The whole tree: "/" with sys/ and proc/iomem. */
export function buildVfs(k: Kernel): VfsDir {
  const root = dir();
  const sys = mkdirs(root, ['sys']);
  const devices = mkdirs(sys, ['devices']);
  const core = k.base.core;

  for (const dev of liveDevices(k)) {
    const parts = core.sysfsPath(dev).split('/');
    const d = mkdirs(devices, parts);
    // A link in /sys/devices/<parts> climbs parts.length + 1 levels to reach /sys.
    const toSys = up(parts.length + 1);
    for (const [name, value] of deviceAttributes(k, dev)) {
      const segs = name.split('/');
      mkdirs(d, segs.slice(0, -1)).children.set(segs[segs.length - 1]!, { kind: 'file', read: () => value });
    }
    if (dev.driver !== null && dev.bus !== null) d.children.set('driver', { kind: 'link', target: `${toSys}bus/${dev.bus.name}/drivers/${dev.driver.name}` });
    if (dev.bus !== null) d.children.set('subsystem', { kind: 'link', target: `${toSys}bus/${dev.bus.name}` });
  }

  const bus = mkdirs(sys, ['bus']);
  for (const b of k.base.bus.buses) {
    const bd = mkdirs(bus, [b.name]);
    const devs = mkdirs(bd, ['devices']);
    for (const dev of b.p?.devices ?? []) {
      if (!dev.state_in_sysfs) continue;
      devs.children.set(dev.name ?? '', { kind: 'link', target: `${up(3)}devices/${core.sysfsPath(dev)}` });
    }
    const drvs = mkdirs(bd, ['drivers']);
    for (const drv of b.p?.drivers ?? []) {
      const dd = mkdirs(drvs, [drv.name]);
      for (const dev of drv.p?.klist_devices ?? []) {
        if (!dev.state_in_sysfs) continue;
        dd.children.set(dev.name ?? '', { kind: 'link', target: `${up(4)}devices/${core.sysfsPath(dev)}` });
      }
    }
  }

  mkdirs(root, ['proc']).children.set('iomem', { kind: 'file', read: () => k.resources.proc_iomem() });
  return root;
}

/** Normalise an absolute path: collapse "//", ".", "..". */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const p of path.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return '/' + out.join('/');
}

export interface Resolved {
  /** The path after following links. */
  readonly path: string;
  readonly node: VfsNode;
}

/** Look a path up, following links (the last one too unless `nofollow`). Null if it does not exist. */
export function lookup(root: VfsDir, path: string, nofollow = false): Resolved | null {
  let parts = normalizePath(path).split('/').filter((p) => p !== '');
  let node: VfsNode = root;
  let at: string[] = [];
  for (let hops = 0, i = 0; i < parts.length; i++) {
    if (node.kind !== 'dir') return null;
    const next = node.children.get(parts[i]!);
    if (next === undefined) return null;
    const last = i === parts.length - 1;
    if (next.kind === 'link' && !(last && nofollow)) {
      if (++hops > 40) return null;
      const target = normalizePath('/' + [...at, next.target].join('/')).split('/').filter((p) => p !== '');
      parts = [...target, ...parts.slice(i + 1)];
      node = root;
      at = [];
      i = -1;
      continue;
    }
    node = next;
    at.push(parts[i]!);
  }
  return { path: '/' + at.join('/'), node };
}

/** `ls`: sorted names of a directory, links with their targets when `long`. */
export function listDir(d: VfsDir, long = false): string[] {
  return [...d.children.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, n]) => (long && n.kind === 'link' ? `${name} -> ${n.target}` : long && n.kind === 'dir' ? `${name}/` : name));
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The text of `kshim run --show sysfs`: every bus with its device links,
 * driver directories and bound-device links (attributes indented under the
 * device link), then /sys/devices as an indented tree.
 */
export function formatSysfs(k: Kernel): string {
  const core = k.base.core;
  const out: string[] = [];
  const attrLines = (dev: device, indent: string): string[] => deviceAttributes(k, dev).map(([n, v]) => `${indent}${n}: ${v ?? '(write-only)'}`);

  for (const b of [...k.base.bus.buses].sort((x, y) => byName(x.name, y.name))) {
    out.push(`/sys/bus/${b.name}/`);
    const devs = (b.p?.devices ?? []).filter((d) => d.state_in_sysfs).sort((x, y) => byName(x.name ?? '', y.name ?? ''));
    if (devs.length === 0) out.push(`/sys/bus/${b.name}/devices/`);
    for (const dev of devs) {
      out.push(`/sys/bus/${b.name}/devices/${dev.name} -> ../../../devices/${core.sysfsPath(dev)}`);
      out.push(...attrLines(dev, '    '));
    }
    const drvs = [...(b.p?.drivers ?? [])].sort((x, y) => byName(x.name, y.name));
    for (const drv of drvs) {
      const bound = (drv.p?.klist_devices ?? []).filter((d) => d.state_in_sysfs).sort((x, y) => byName(x.name ?? '', y.name ?? ''));
      if (bound.length === 0) out.push(`/sys/bus/${b.name}/drivers/${drv.name}/`);
      for (const dev of bound) out.push(`/sys/bus/${b.name}/drivers/${drv.name}/${dev.name} -> ../../../../devices/${core.sysfsPath(dev)}`);
    }
    out.push('');
  }

  // /sys/devices: nest by sysfs path; a device's attributes come before its children.
  interface TreeNode {
    dev: device | null;
    readonly children: Map<string, TreeNode>;
  }
  const top: TreeNode = { dev: null, children: new Map() };
  for (const dev of liveDevices(k)) {
    let n = top;
    for (const p of core.sysfsPath(dev).split('/')) {
      let c = n.children.get(p);
      if (c === undefined) {
        c = { dev: null, children: new Map() };
        n.children.set(p, c);
      }
      n = c;
    }
    n.dev = dev;
  }
  out.push('/sys/devices/');
  const walk = (n: TreeNode, depth: number): void => {
    for (const name of [...n.children.keys()].sort(byName)) {
      const c = n.children.get(name)!;
      const ind = '  '.repeat(depth);
      const drv = c.dev?.driver ? `  [driver: ${c.dev.driver.name}]` : '';
      out.push(`${ind}${name}/${drv}`);
      if (c.dev) out.push(...attrLines(c.dev, ind + '  '));
      walk(c, depth + 1);
    }
  };
  walk(top, 1);
  return out.join('\n');
}
