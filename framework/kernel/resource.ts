// SPDX-License-Identifier: GPL-2.0-only
/**
 * The resource trees (kernel/resource.c at v7.0, i.e. after bc62f5b308cb
 * "dax/hmem, e820, resource: Defer Soft Reserved insertion until hmem is
 * ready"): the iomem_resource and ioport_resource roots, the separate
 * soft_reserve_resource tree that e820 fills with Soft Reserved ranges, and
 * the request / insert / release / walk / region_intersects operations on
 * them, with the control flow of the C (including __region_intersects's
 * descent into non-matching top-level resources, merged for 6.12).
 *
 * Deviations from the C:
 * - resource_lock is not modelled: every operation is synchronous, so no
 *   task can interleave inside one. Each operation records the tree it
 *   touched with the scheduler (keys "iomem", "soft_reserve", "ioport",
 *   "resource:<root name>") when steps are recorded.
 * - IORESOURCE_MUXED conflicts do not sleep; they fail like a busy conflict.
 * - revoke_iomem() and the CAP_SYS_ADMIN check of /proc/iomem are
 *   simulated by a parameter of proc_iomem().
 * - release_resource()/remove_resource() of a resource that was never
 *   inserted oopses like the C (NULL parent dereferenced at offset 0x38).
 * - alloc_resource() failure is reachable through fault injection:
 *   should_fail('__request_region', name) makes __request_region() return
 *   NULL.
 * - The WARN_ON line of __insert_resource is the one of v6.14 (the 7.0
 *   additions above it move it by a few dozen lines).
 */
import { ContainerModule, inject, injectable, optional } from 'inversify';
import { EBUSY, EINVAL, ENODEV } from '../include/errno.js';
import {
  IORES_DESC_DEVICE_PRIVATE_MEMORY,
  IORES_DESC_NONE,
  IORES_DESC_SOFT_RESERVED,
  IORESOURCE_BUSY,
  IORESOURCE_IO,
  IORESOURCE_MEM,
  REGION_DISJOINT,
  REGION_INTERSECTS,
  REGION_MIXED,
  RESOURCE_SIZE_MAX,
  resource,
  resource_ext_type,
  resource_intersection,
  resource_overlaps,
  resource_type,
  type ResourceRange,
} from '../include/linux/ioport.js';
import { Scheduler } from '../sim/scheduler.js';
import { FaultInjection } from './fail_function.js';
import { Panic, type WarnSite } from './panic.js';
import { KERN_INFO, KERN_WARNING, Printk } from './printk.js';
import { hex } from '../lib/hex.js';

export { resource };

/** C location of the one WARN in kernel/resource.c that the shim reaches. */
export const RESOURCE_SITES = {
  insert_dup: { file: 'kernel/resource.c', line: 879, func: '__insert_resource' },
} as const satisfies Record<string, WarnSite>;

/** IO_SPACE_LIMIT on x86. */
export const IO_SPACE_LIMIT = 0xffff;

/** MAX_IORES_LEVEL of r_show(): /proc/iomem indents at most this many levels. */
export const MAX_IORES_LEVEL = 5;

/** pr_fmt of kernel/resource.c: KBUILD_MODNAME ": " (the object is built in as "resource"). */
const PR_FMT = 'resource: ';

/** The callback of the walk functions; a non-zero return stops the walk and is returned. */
export type res_walk_fn<T> = (res: resource, arg: T) => number;

export interface ResourceApi {
  readonly iomem_resource: resource;
  readonly ioport_resource: resource;
  readonly soft_reserve_resource: resource;
  request_resource_conflict(root: resource, new_: resource): resource | null;
  request_resource(root: resource, new_: resource): number;
  release_resource(old: resource): number;
  insert_resource_conflict(parent: resource, new_: resource): resource | null;
  insert_resource(parent: resource, new_: resource): number;
  insert_resource_expand_to_fit(root: resource, new_: resource): void;
  remove_resource(old: resource): number;
  adjust_resource(res: resource, start: number, size: number): number;
  lookup_resource(root: resource, start: number): resource | null;
  __request_region(parent: resource, start: number, n: number, name: string | null, flags: number): resource | null;
  request_mem_region(start: number, n: number, name: string | null): resource | null;
  request_region(start: number, n: number, name: string | null): resource | null;
  __release_region(parent: resource, start: number, n: number): void;
  release_mem_region(start: number, n: number): void;
  release_region(start: number, n: number): void;
  region_intersects(start: number, size: number, flags: number, desc: number): number;
  region_intersects_soft_reserve(start: number, size: number): number;
  walk_iomem_res_desc<T>(desc: number, flags: number, start: number, end: number, arg: T, func: res_walk_fn<T>): number;
  walk_soft_reserve_res<T>(start: number, end: number, arg: T, func: res_walk_fn<T>): number;
}

/** Options of the tree renderer. */
export interface RenderOptions {
  /** Also print the root itself as the first, unindented line (children move one level down). */
  readonly withRoot?: boolean;
  /** Append " [flags 0x.. desc N]" to each line. */
  readonly details?: boolean;
  /** A reader without CAP_SYS_ADMIN sees every address as zero (default true: root reads). */
  readonly capable?: boolean;
}

/** u64 arguments given as -1 (or another negative number) wrap onto the top of the address space. */
function u64(v: number): number {
  return v < 0 ? RESOURCE_SIZE_MAX + 1 + v : v;
}

function hasFlags(p: resource, flags: number): boolean {
  return (p.flags & flags) >>> 0 === flags >>> 0;
}

function is_type_match(p: resource, flags: number, desc: number): boolean {
  return hasFlags(p, flags) && (desc === IORES_DESC_NONE || desc === p.desc);
}

/**
 * The node after `p` in pre-order; with skip_children, p's subtree is
 * skipped. Climbing back to subtree_root ends the walk of that subtree.
 */
function next_resource(p: resource, skip_children: boolean, subtree_root: resource | null): resource | null {
  if (!skip_children && p.child) return p.child;
  while (!p.sibling && p.parent) {
    p = p.parent;
    if (p === subtree_root) return null;
  }
  return p.sibling;
}

@injectable()
export class Resources {
  readonly iomem_resource: resource;
  readonly ioport_resource: resource;
  readonly soft_reserve_resource: resource;

  constructor(
    @inject(Printk) private readonly log: Printk,
    @inject(Panic) private readonly panic: Panic,
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(FaultInjection) @optional() private readonly faults: FaultInjection | undefined,
  ) {
    this.ioport_resource = new resource({ name: 'PCI IO', start: 0, end: IO_SPACE_LIMIT, flags: IORESOURCE_IO });
    this.iomem_resource = new resource({ name: 'PCI mem', start: 0, end: -1, flags: IORESOURCE_MEM });
    this.soft_reserve_resource = new resource({
      name: 'Soft Reserved', start: 0, end: -1, desc: IORES_DESC_SOFT_RESERVED, flags: IORESOURCE_MEM,
    });
  }

  // ---- bookkeeping ---------------------------------------------------------

  private touch(node: resource, mode: 'r' | 'w' = 'w'): void {
    if (!this.sched.recording) return;
    let top = node;
    while (top.parent) top = top.parent;
    const key =
      top === this.iomem_resource ? 'iomem'
        : top === this.soft_reserve_resource ? 'soft_reserve'
          : top === this.ioport_resource ? 'ioport'
            : `resource:${top.name ?? '?'}`;
    this.sched.touch(key, mode);
  }

  private pr_warn(fmt: string, ...args: unknown[]): void {
    this.log.printk(KERN_WARNING, PR_FMT + fmt, ...args);
  }

  private pr_info(fmt: string, ...args: unknown[]): void {
    this.log.printk(KERN_INFO, PR_FMT + fmt, ...args);
  }

  // ---- request / release ---------------------------------------------------

  /** Link `new_` as a direct child of root, or return what is in the way (root itself if out of range). */
  private __request_resource(root: resource, new_: resource): resource | null {
    const start = new_.start;
    const end = new_.end;

    if (end < start) return root;
    if (start < root.start) return root;
    if (end > root.end) return root;
    let prev: resource | null = null;
    let tmp = root.child;
    for (;;) {
      if (!tmp || tmp.start > end) {
        new_.sibling = tmp;
        if (prev) prev.sibling = new_;
        else root.child = new_;
        new_.parent = root;
        return null;
      }
      if (tmp.end < start) {
        prev = tmp;
        tmp = tmp.sibling;
        continue;
      }
      return tmp;
    }
  }

  /** Unlink `old`; with release_child its subtree goes with it, else the children take its place. */
  private __release_resource(old: resource, release_child: boolean, caller: string): number {
    const parent = old.parent;
    if (parent === null) {
      this.panic.nullDereference(caller, 0x38);
    }
    let prev: resource | null = null;
    let tmp = parent.child;
    for (;;) {
      if (!tmp) break;
      if (tmp === old) {
        if (release_child || !tmp.child) {
          if (prev) prev.sibling = tmp.sibling;
          else parent.child = tmp.sibling;
        } else {
          let chd = tmp.child;
          for (;; chd = chd.sibling!) {
            chd.parent = tmp.parent;
            if (!chd.sibling) break;
          }
          if (prev) prev.sibling = tmp.child;
          else parent.child = tmp.child;
          chd.sibling = tmp.sibling;
        }
        old.parent = null;
        return 0;
      }
      prev = tmp;
      tmp = tmp.sibling;
    }
    return -EINVAL;
  }

  request_resource_conflict(root: resource, new_: resource): resource | null {
    this.touch(root);
    return this.__request_resource(root, new_);
  }

  request_resource(root: resource, new_: resource): number {
    const conflict = this.request_resource_conflict(root, new_);
    return conflict ? -EBUSY : 0;
  }

  release_resource(old: resource): number {
    if (old.parent) this.touch(old);
    return this.__release_resource(old, true, 'release_resource');
  }

  // ---- insert ----------------------------------------------------------------

  /**
   * Like __request_resource(), but descend into a resource that contains
   * `new_` and adopt the resources `new_` covers. An exact duplicate of an
   * existing range is not descended into: `new_` becomes its parent.
   */
  private __insert_resource(parent: resource, new_: resource): resource | null {
    let first: resource | null;
    let next: resource;

    for (;; parent = first) {
      first = this.__request_resource(parent, new_);
      if (!first) return first;

      if (first === parent) return first;
      if (this.panic.WARN_ON(first === new_, RESOURCE_SITES.insert_dup)) return first;

      if (first.start > new_.start || first.end < new_.end) break;
      if (first.start === new_.start && first.end === new_.end) break;
    }

    for (next = first; ; next = next.sibling!) {
      if (next.start < new_.start || next.end > new_.end) return next;
      if (!next.sibling) break;
      if (next.sibling.start > new_.end) break;
    }

    new_.parent = parent;
    new_.sibling = next.sibling;
    new_.child = first;

    next.sibling = null;
    for (let n: resource | null = first; n; n = n.sibling) n.parent = new_;

    if (parent.child === first) {
      parent.child = new_;
    } else {
      let n = parent.child!;
      while (n.sibling !== first) n = n.sibling!;
      n.sibling = new_;
    }
    return null;
  }

  insert_resource_conflict(parent: resource, new_: resource): resource | null {
    this.touch(parent);
    return this.__insert_resource(parent, new_);
  }

  insert_resource(parent: resource, new_: resource): number {
    const conflict = this.insert_resource_conflict(parent, new_);
    return conflict ? -EBUSY : 0;
  }

  insert_resource_expand_to_fit(root: resource, new_: resource): void {
    if (new_.parent) return;

    this.touch(root);
    for (;;) {
      const conflict = this.__insert_resource(root, new_);
      if (!conflict) break;
      if (conflict === root) break;

      if (conflict.start < new_.start) new_.start = conflict.start;
      if (conflict.end > new_.end) new_.end = conflict.end;

      this.pr_info('Expanded resource %s due to conflict with %s\n', new_.name, conflict.name);
    }
  }

  remove_resource(old: resource): number {
    if (old.parent) this.touch(old);
    return this.__release_resource(old, false, 'remove_resource');
  }

  private __adjust_resource(res: resource, start: number, size: number): number {
    const parent = res.parent;
    const end = start + size - 1;

    if (parent) {
      if (start < parent.start || end > parent.end) return -EBUSY;
      if (res.sibling && res.sibling.start <= end) return -EBUSY;
      let tmp = parent.child!;
      if (tmp !== res) {
        while (tmp.sibling !== res) tmp = tmp.sibling!;
        if (start <= tmp.end) return -EBUSY;
      }
    }
    for (let tmp = res.child; tmp; tmp = tmp.sibling) {
      if (tmp.start < start || tmp.end > end) return -EBUSY;
    }
    res.start = start;
    res.end = end;
    return 0;
  }

  adjust_resource(res: resource, start: number, size: number): number {
    this.touch(res);
    return this.__adjust_resource(res, start, size);
  }

  lookup_resource(root: resource, start: number): resource | null {
    this.touch(root, 'r');
    let res = root.child;
    for (; res; res = res.sibling) {
      if (res.start === start) break;
    }
    return res;
  }

  // ---- busy regions ------------------------------------------------------------

  private __request_region_locked(res: resource, parent: resource, start: number, n: number, name: string | null, flags: number): number {
    res.name = name;
    res.start = start;
    res.end = start + n - 1;

    for (;;) {
      res.flags = resource_type(parent) | resource_ext_type(parent);
      res.flags = (res.flags | IORESOURCE_BUSY | flags) >>> 0;
      res.desc = parent.desc;

      const conflict = this.__request_resource(parent, res);
      if (!conflict) break;
      // Only a conflict among iomem's top-level resources warns (not one found after descending).
      if (parent === this.iomem_resource && conflict.desc === IORES_DESC_DEVICE_PRIVATE_MEMORY) {
        this.pr_warn('Unaddressable device %s %pR conflicts with %pR', conflict.name, conflict, res);
      }
      if (conflict !== parent) {
        if (!(conflict.flags & IORESOURCE_BUSY)) {
          parent = conflict;
          continue;
        }
      }
      // A conflict with a muxed region would sleep until it is released; here it fails.
      return -EBUSY;
    }
    return 0;
  }

  __request_region(parent: resource, start: number, n: number, name: string | null, flags: number): resource | null {
    if (this.faults !== undefined && this.faults.should_fail('__request_region', name ?? undefined) !== 0) return null;
    const res = new resource();

    this.touch(parent);
    const ret = this.__request_region_locked(res, parent, start, n, name, flags);
    if (ret) return null;
    return res;
  }

  request_mem_region(start: number, n: number, name: string | null): resource | null {
    return this.__request_region(this.iomem_resource, start, n, name, 0);
  }

  request_region(start: number, n: number, name: string | null): resource | null {
    return this.__request_region(this.ioport_resource, start, n, name, 0);
  }

  /** Free the BUSY region that is exactly [start, start + n - 1], looking through non-BUSY containers. */
  __release_region(parent: resource, start: number, n: number): void {
    const end = start + n - 1;
    let container = parent;
    let prev: resource | null = null;
    let res = parent.child;

    this.touch(parent);
    for (;;) {
      if (!res) break;
      if (res.start <= start && res.end >= end) {
        if (!(res.flags & IORESOURCE_BUSY)) {
          container = res;
          prev = null;
          res = res.child;
          continue;
        }
        if (res.start !== start || res.end !== end) break;
        if (prev) prev.sibling = res.sibling;
        else container.child = res.sibling;
        // The node is freed in the C; detach it so a stale holder cannot reach the tree.
        res.parent = null;
        res.sibling = null;
        return;
      }
      prev = res;
      res = res.sibling;
    }

    this.pr_warn('Trying to free nonexistent resource <%pa-%pa>\n', start, end);
  }

  release_mem_region(start: number, n: number): void {
    this.__release_region(this.iomem_resource, start, n);
  }

  release_region(start: number, n: number): void {
    this.__release_region(this.ioport_resource, start, n);
  }

  // ---- queries -------------------------------------------------------------------

  /**
   * Classify [start, start + size - 1] against the top-level resources of
   * `parent`. A top-level resource that does not match is searched for
   * matching descendants; only if those cover its whole overlap with the
   * range, contiguously from the overlap's start, is it not counted as
   * "other".
   */
  private __region_intersects(parent: resource, start: number, size: number, flags: number, desc: number): number {
    let type = 0;
    let other = 0;
    const res: ResourceRange = { start, end: start + size - 1 };
    const o: ResourceRange = { start: 0, end: 0 };

    for (let p = parent.child; p; p = p.sibling) {
      if (!resource_intersection(p, res, o)) continue;
      if (is_type_match(p, flags, desc)) {
        type++;
        continue;
      }
      let covered = false;
      for (let dp = p.child; dp; dp = next_resource(dp, false, p)) {
        if (!resource_overlaps(dp, res)) continue;
        if (is_type_match(dp, flags, desc)) {
          type++;
          if (dp.start > o.start) break;
          if (dp.end >= o.end) {
            covered = true;
            break;
          }
          o.start = Math.max(o.start, dp.end + 1);
        }
      }
      if (!covered) other++;
    }

    if (type === 0) return REGION_DISJOINT;
    if (other === 0) return REGION_INTERSECTS;
    return REGION_MIXED;
  }

  region_intersects(start: number, size: number, flags: number, desc: number): number {
    this.touch(this.iomem_resource, 'r');
    return this.__region_intersects(this.iomem_resource, start, size, flags, desc);
  }

  region_intersects_soft_reserve(start: number, size: number): number {
    this.touch(this.soft_reserve_resource, 'r');
    return this.__region_intersects(this.soft_reserve_resource, start, size, IORESOURCE_MEM, IORES_DESC_SOFT_RESERVED);
  }

  /**
   * The first resource in pre-order (= address order) under `parent` that
   * overlaps [start, end] and matches, as a clipped copy: start, end,
   * flags, desc and parent are filled in, the name is not.
   */
  private find_next_res(parent: resource, start: number, end: number, flags: number, desc: number): resource | number {
    if (start >= end) return -EINVAL;

    let p: resource | null = parent.child;
    for (; p; p = next_resource(p, false, parent)) {
      if (p.start > end) {
        p = null;
        break;
      }
      if (p.end < start) continue;
      if (is_type_match(p, flags, desc)) break;
    }
    if (!p) return -ENODEV;

    const res = new resource({ start: Math.max(start, p.start), end: Math.min(end, p.end), flags: p.flags, desc: p.desc });
    res.parent = p.parent;
    return res;
  }

  private walk_res_desc<T>(parent: resource, start: number, end: number, flags: number, desc: number, arg: T, func: res_walk_fn<T>): number {
    let ret = -EINVAL;

    start = u64(start);
    end = u64(end);
    this.touch(parent, 'r');
    while (start < end) {
      const res = this.find_next_res(parent, start, end, flags, desc);
      if (typeof res === 'number') break;
      ret = func(res, arg);
      if (ret) break;
      start = res.end + 1;
    }
    return ret;
  }

  walk_iomem_res_desc<T>(desc: number, flags: number, start: number, end: number, arg: T, func: res_walk_fn<T>): number {
    return this.walk_res_desc(this.iomem_resource, start, end, flags, desc, arg, func);
  }

  walk_soft_reserve_res<T>(start: number, end: number, arg: T, func: res_walk_fn<T>): number {
    return this.walk_res_desc(this.soft_reserve_resource, start, end, IORESOURCE_MEM, IORES_DESC_SOFT_RESERVED, arg, func);
  }

  // ---- /proc/iomem and helpers for tests ----------------------------------------

  /**
   * The text of /proc/iomem (r_show) for `root`: every node below it in
   * pre-order, "%*s%0*llx-%0*llx : %s\n" with two spaces per level (at most
   * MAX_IORES_LEVEL levels) and 4 hex digits for roots ending below 0x10000.
   */
  proc_iomem(root: resource = this.iomem_resource, capable = true): string {
    return renderResourceTree(root, { capable });
  }

  proc_ioports(capable = true): string {
    return renderResourceTree(this.ioport_resource, { capable });
  }

  api(): ResourceApi {
    return {
      iomem_resource: this.iomem_resource,
      ioport_resource: this.ioport_resource,
      soft_reserve_resource: this.soft_reserve_resource,
      request_resource_conflict: (root, n) => this.request_resource_conflict(root, n),
      request_resource: (root, n) => this.request_resource(root, n),
      release_resource: (old) => this.release_resource(old),
      insert_resource_conflict: (parent, n) => this.insert_resource_conflict(parent, n),
      insert_resource: (parent, n) => this.insert_resource(parent, n),
      insert_resource_expand_to_fit: (root, n) => this.insert_resource_expand_to_fit(root, n),
      remove_resource: (old) => this.remove_resource(old),
      adjust_resource: (res, start, size) => this.adjust_resource(res, start, size),
      lookup_resource: (root, start) => this.lookup_resource(root, start),
      __request_region: (parent, start, n, name, flags) => this.__request_region(parent, start, n, name, flags),
      request_mem_region: (start, n, name) => this.request_mem_region(start, n, name),
      request_region: (start, n, name) => this.request_region(start, n, name),
      __release_region: (parent, start, n) => this.__release_region(parent, start, n),
      release_mem_region: (start, n) => this.release_mem_region(start, n),
      release_region: (start, n) => this.release_region(start, n),
      region_intersects: (start, size, flags, desc) => this.region_intersects(start, size, flags, desc),
      region_intersects_soft_reserve: (start, size) => this.region_intersects_soft_reserve(start, size),
      walk_iomem_res_desc: (desc, flags, start, end, arg, func) => this.walk_iomem_res_desc(desc, flags, start, end, arg, func),
      walk_soft_reserve_res: (start, end, arg, func) => this.walk_soft_reserve_res(start, end, arg, func),
    };
  }
}

// ---- tree helpers (simulation-only) -------------------------------------------------

/**
 * Render the tree under `root` in the /proc/iomem format. Works for any
 * root: iomem, the soft reserve tree, private roots ("HMEM devices",
 * "DAX Regions"). With `withRoot` the root itself is the first line.
 */
export function renderResourceTree(root: resource, opts: RenderOptions = {}): string {
  const capable = opts.capable ?? true;
  const width = root.end < 0x10000 ? 4 : 8;
  const line = (r: resource, depth: number): string => {
    const start = capable ? r.start : 0;
    const end = capable ? r.end : 0;
    const extra = opts.details ? ` [flags 0x${hex(r.flags >>> 0)} desc ${r.desc}]` : '';
    return `${' '.repeat(depth * 2)}${hex(start).padStart(width, '0')}-${hex(end).padStart(width, '0')} : ${r.name ?? '<BAD>'}${extra}\n`;
  };
  let out = opts.withRoot ? line(root, 0) : '';
  const base = opts.withRoot ? 1 : 0;
  for (let r = root.child; r; r = next_resource(r, false, root)) {
    let depth = 0;
    for (let p: resource = r; depth < MAX_IORES_LEVEL; depth++, p = p.parent!) {
      if (p.parent === root) break;
    }
    out += line(r, Math.min(depth + base, MAX_IORES_LEVEL));
  }
  return out;
}

/** Every node below `root`, in pre-order (address order). */
export function resourcesUnder(root: resource): resource[] {
  const out: resource[] = [];
  for (let r = root.child; r; r = next_resource(r, false, root)) out.push(r);
  return out;
}

/** The first node below `root` (pre-order) with this name, or null. */
export function findResourceByName(root: resource, name: string): resource | null {
  for (let r = root.child; r; r = next_resource(r, false, root)) if (r.name === name) return r;
  return null;
}

/** The deepest node below `root` containing `addr` ("who owns this address"), or null. */
export function resourceAt(root: resource, addr: number): resource | null {
  let found: resource | null = null;
  let p = root.child;
  while (p) {
    if (p.start <= addr && addr <= p.end) {
      found = p;
      p = p.child;
    } else {
      p = p.sibling;
    }
  }
  return found;
}

/** The chain of names from the top-level resource down to `r` (e.g. ["CXL Window 0", "region0", "dax0.0"]). */
export function resourcePath(r: resource): string[] {
  const out: string[] = [];
  for (let p: resource | null = r; p && p.parent; p = p.parent) out.unshift(p.name ?? '<BAD>');
  return out;
}

/** The DI module of the resource trees. */
export const resourceModule = new ContainerModule(({ bind }) => {
  bind(Resources).toSelf();
});
