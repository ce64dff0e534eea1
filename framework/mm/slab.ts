// SPDX-License-Identifier: GPL-2.0-only
/**
 * The slab allocator as KASAN sees it (mm/slub.c, mm/kasan/): kzalloc()
 * gives an object an address in the direct map and a kmalloc cache by its
 * size, kfree() frees it, and kasan_check_read()/kasan_check_write()
 * (include/linux/kasan-checks.h) stand for the loads and stores that
 * KASAN's compiler instrumentation checks. An access to a freed object is
 * the slab-use-after-free report, with the tasks (and, in runs that keep
 * stacks, the call chains) that allocated and freed it.
 *
 * A port calls kasan_check_read(obj, size, offset) right before the C
 * would load from a struct that may have been freed: JavaScript has no
 * loads to instrument, so the check is written out where it matters.
 *
 * Deviations:
 * - Objects are never reused: every kzalloc() gets the next address, so
 *   a use after free is always caught (no quarantine to run out of).
 * - An object's size is what the port passes (sizeof in the C), 256 bytes
 *   if it passes none; the cache is the kmalloc-N that fits it.
 * - The report ends after the object's description: no page dump and no
 *   shadow memory map.
 * - Without kept stacks (the explorer and the benchmark) the Allocated and
 *   Freed sections name only the task.
 *
 * As without kasan_multi_shot, only the first bad access of a boot is
 * reported; the access itself goes on (JavaScript keeps the old values).
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { FaultInjection } from '../kernel/fail_function.js';
import { Panic } from '../kernel/panic.js';
import { callTrace, captureFrames, type Frame } from '../kernel/stacktrace.js';
import { Scheduler } from '../sim/scheduler.js';

/** A task and the call chain it was in, as KASAN's stack depot keeps it. */
export interface KasanTrack {
  readonly pid: number;
  /** Innermost first, already formatted ("cxl_decoder_alloc [cxl_core]"); null when the run keeps no stacks. */
  readonly frames: readonly string[] | null;
}

export interface SlabObject {
  /** The low 32 bits of the object's address; the high ones are those of the direct map (DIRECT_MAP_HIGH). */
  readonly addr: number;
  /** kmalloc-N: the size class the object came from. */
  readonly cacheSize: number;
  readonly alloc: KasanTrack;
  free: KasanTrack | null;
  /** call_rcu()'s stack when the free was deferred to an RCU callback ("Last potentially related work creation"). */
  aux: KasanTrack | null;
}

/** The high 32 bits of the direct-map addresses kshim's slab hands out (page_offset_base without KASLR, plus 4 GiB). */
const DIRECT_MAP_HIGH = 'ffff8881';
const DEFAULT_OBJECT_SIZE = 256;

/** kzalloc()'s fixed frames above its caller, and kfree()'s, as a KASAN kernel's stack depot records them. */
const ALLOC_FRAMES = ['kasan_save_stack', 'kasan_save_track', '__kasan_kmalloc', '__kmalloc_cache_noprof'];
const FREE_FRAMES = ['kasan_save_stack', 'kasan_save_track', 'kasan_save_free_info', '__kasan_slab_free', 'kfree'];
/** Where an RCU callback frees: softirq context, from the RCU core. */
const RCU_FREE_FRAMES = ['rcu_do_batch', 'rcu_core', 'handle_softirqs'];
/** call_rcu()'s frames, as kasan_record_aux_stack() records them. */
const CALL_RCU_FRAMES = ['kasan_save_stack', 'kasan_record_aux_stack', '__call_rcu_common', 'call_rcu'];
/** This file's functions and the API wrappers around them: never frames of the caller's chain. */
const OWN_FRAMES = new Set(['kzalloc', 'kfree', 'allocated', 'track', 'call_rcu_free', 'kasan_check', 'kasan_check_read', 'kasan_check_write', 'kasan_untracked', 'kasan']);

/** A slab address as %px prints it. */
function formatSlabAddress(low: number): string {
  return DIRECT_MAP_HIGH + (low >>> 0).toString(16).padStart(8, '0');
}

/** A kmalloc cache's name as /proc/slabinfo and KASAN give it: kmalloc-512, kmalloc-1k, kmalloc-8k. */
function kmallocCacheName(size: number): string {
  return size >= 1024 ? `kmalloc-${size / 1024}k` : `kmalloc-${size}`;
}

/** The kmalloc cache an object of `size` bytes comes from: the powers of two from 8 up, and 96 and 192 (x86_64's kmalloc caches). */
function kmallocSize(size: number): number {
  if (size > 64 && size <= 96) return 96;
  if (size > 128 && size <= 192) return 192;
  let n = 8;
  while (n < size) n *= 2;
  return n;
}

/** The caller's frames: the captured chain without this file's functions at its top. */
function callerFrames(moduleOf: Panic['moduleOf']): Frame[] {
  const frames = captureFrames(1, moduleOf);
  let i = 0;
  while (i < frames.length && OWN_FRAMES.has(frames[i]!.func)) i++;
  return frames.slice(i);
}

@injectable()
export class Slab {
  private readonly objects = new WeakMap<object, SlabObject>();
  private next = 0;
  /** KASAN_BIT_REPORTED: without kasan_multi_shot, only the first bad access of a boot is reported. */
  private reported = false;

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Panic) private readonly panic: Panic,
    @inject(FaultInjection) private readonly faults: FaultInjection,
  ) {}

  /** kzalloc(sizeof(*obj), GFP_KERNEL): null where fault injection makes "kmalloc" fail for the struct. */
  kzalloc<T extends object>(ctor: () => T, size = DEFAULT_OBJECT_SIZE): T | null {
    const obj = ctor();
    if (this.faults.should_fail('kmalloc', obj.constructor.name)) return null;
    return this.allocated(obj, size);
  }

  /** Record `obj`, built by kernel code that allocates it itself (alloc_workqueue(), platform_device_alloc()), as allocated now. */
  allocated<T extends object>(obj: T, size = DEFAULT_OBJECT_SIZE): T {
    const cacheSize = kmallocSize(size);
    // Aligned to its size class, as a slab of that cache lays its objects out.
    this.next = Math.ceil(this.next / cacheSize) * cacheSize;
    this.objects.set(obj, { addr: this.next, cacheSize, alloc: this.track(ALLOC_FRAMES), free: null, aux: null });
    this.next += cacheSize;
    return obj;
  }

  /** kfree(): the object is gone; a second kfree() of it is not modelled. Objects not from this allocator are ignored. */
  kfree(obj: object | null): void {
    if (obj === null) return;
    const o = this.objects.get(obj);
    if (o !== undefined && o.free === null) o.free = this.track(FREE_FRAMES);
  }

  /**
   * call_rcu(&obj->rcu, `callback`) with a callback that kfree()s it: the
   * object counts as freed from here on (the grace period is not
   * modelled), by the RCU core in softirq context, and the call_rcu() is
   * kept as the report's last related work creation.
   */
  call_rcu_free(obj: object, callback: string): void {
    const o = this.objects.get(obj);
    if (o === undefined || o.free !== null) return;
    o.aux = this.track(CALL_RCU_FRAMES);
    o.free = { pid: 0, frames: this.sched.keepsStacks ? [...FREE_FRAMES, callback, ...RCU_FREE_FRAMES] : null };
  }

  /** Whether kfree() freed `obj`. */
  isFreed(obj: object): boolean {
    return this.objects.get(obj)?.free != null;
  }

  /**
   * kasan_check_read()/kasan_check_write(): `size` bytes at `offset` into
   * `obj`. On a freed object, the report; returns whether the access was
   * good, or null when `obj` is no object of this allocator. The report is
   * about the caller, or about `via` called from it (an inline function
   * the caller's access is in, such as mutex_unlock).
   */
  kasan_check(obj: object, size: number, write: boolean, offset: number, via: string | null = null): boolean | null {
    const o = this.objects.get(obj);
    if (o === undefined) return null;
    if (o.free === null) return true;
    if (this.reported) return false;
    this.reported = true;
    const frames = callerFrames(this.panic.moduleOf);
    this.panic.kasanReport({
      bugType: 'slab-use-after-free',
      write,
      size,
      addr: formatSlabAddress(o.addr + offset),
      object: { addr: formatSlabAddress(o.addr), end: formatSlabAddress(o.addr + o.cacheSize), cache: kmallocCacheName(o.cacheSize), size: o.cacheSize, offset, alloc: o.alloc, free: o.free, aux: o.aux },
      frames: via === null ? frames : [{ func: via, module: null }, ...frames],
    });
    return false;
  }

  /**
   * A bad access to memory this allocator does not know (a struct a port
   * built with `new` where the C kzalloc()s it): reported as well, but
   * without the access size, the object or its tracks, which kshim does
   * not have (Panic.kasan()). Still only the first report of a boot.
   */
  kasan_untracked(func: string, what: string): void {
    if (this.reported) return;
    this.reported = true;
    this.panic.kasan(func, what, callerFrames(this.panic.moduleOf));
  }

  private track(fixed: readonly string[]): KasanTrack {
    const task = this.sched.current;
    const pid = task === null ? 0 : task.pid;
    if (!this.sched.keepsStacks) return { pid, frames: null };
    return { pid, frames: [...fixed, ...callTrace(task, callerFrames(this.panic.moduleOf))] };
  }
}

/** The DI module of the slab allocator. */
export const slabModule = new ContainerModule(({ bind }) => {
  bind(Slab).toSelf();
});
