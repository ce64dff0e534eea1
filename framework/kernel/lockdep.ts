// SPDX-License-Identifier: GPL-2.0-only
/**
 * Lockdep's view of the workqueue (kernel/locking/lockdep.c with
 * CONFIG_PROVE_LOCKING, kernel/workqueue.c's lockdep maps): a kworker holds
 * the map of its workqueue, "(wq_completion)NAME", and of the item it runs,
 * "(work_completion)(...)", for as long as the item runs; flush_work()
 * takes the item's map, and the workqueue's too when the queue is ordered,
 * and flush_workqueue() takes the workqueue's. Taking a map the task
 * already holds is the self-flush deadlock, and lockdep says so before the
 * task blocks: "WARNING: possible recursive locking detected". The first
 * report turns lock debugging off, as every lockdep report does.
 *
 * Deviations:
 * - Only these maps are tracked: no mutex or rwsem classes, no dependency
 *   graph, so no "possible circular locking dependency" report (the
 *   device_lock is outside lockdep anyway: lockdep_set_novalidate_class).
 * - A work map is named after the item's function,
 *   "(work_completion)(dax_hmem_work)", where the kernel names it after
 *   the INIT_WORK() argument, "(work_completion)(&hmem->work)".
 * - Lock addresses print as kshim's fixed hashed pointer, the class state
 *   as "{+.+.}-{0:0}" and call sites without offsets.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { UTS_RELEASE } from '../include/generated/utsrelease.js';
import { DebugLocks } from '../lib/debug_locks.js';
import { Scheduler } from '../sim/scheduler.js';
import type { Task } from '../sim/task.js';
import { Panic } from './panic.js';
import { KERN_WARNING, Printk } from './printk.js';

/** A lock a task holds: its class name and where it was taken. */
export interface held_lock {
  readonly name: string;
  readonly acquire_ip: string;
}

const LOCK_ADDR = 'ffffffff00000000';

@injectable()
export class Lockdep {
  /** CONFIG_PROVE_LOCKING, set at boot from the configuration. */
  enabled = false;
  private readonly held = new Map<Task, held_lock[]>();

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Printk) private readonly log: Printk,
    @inject(Panic) private readonly panic: Panic,
    @inject(DebugLocks) private readonly debugLocks: DebugLocks,
  ) {}

  /** lock_map_acquire() by the current task at `ip` (the function taking it). */
  lock_map_acquire(name: string, ip: string): void {
    if (!this.enabled) return;
    const task = this.sched.current;
    if (task === null) return;
    let held = this.held.get(task);
    if (held === undefined) this.held.set(task, (held = []));
    const prev = held.find((h) => h.name === name);
    if (prev !== undefined && this.debugLocks.debug_locks_off()) this.print_deadlock_bug(task, held, prev, { name, acquire_ip: ip });
    held.push({ name, acquire_ip: ip });
  }

  /** lock_map_release(): the newest hold of `name`. */
  lock_map_release(name: string): void {
    if (!this.enabled) return;
    const task = this.sched.current;
    const held = task === null ? undefined : this.held.get(task);
    if (held === undefined) return;
    const i = held.map((h) => h.name).lastIndexOf(name);
    if (i >= 0) held.splice(i, 1);
  }

  /** What flushes do: take the map and let it go at once, only to tell lockdep of the dependency. */
  touch(name: string, ip: string): void {
    this.lock_map_acquire(name, ip);
    this.lock_map_release(name);
  }

  /** print_deadlock_bug(): the recursive-locking report, then the locks held and the stack. */
  private print_deadlock_bug(task: Task, held: readonly held_lock[], prev: held_lock, next: held_lock): void {
    const L = (s: string): void => this.log.emit(KERN_WARNING, s);
    const lock = (h: held_lock): string => `${LOCK_ADDR} (${h.name}){+.+.}-{0:0}, at: ${h.acquire_ip}`;
    const headline = 'WARNING: possible recursive locking detected';
    L('');
    L('============================================');
    L(headline);
    L(`${UTS_RELEASE} #1 ${this.panic.print_tainted()}`);
    L('--------------------------------------------');
    L(`${task.comm}/${task.pid} is trying to acquire lock:`);
    L(lock(next));
    L('');
    L('but task is already holding lock:');
    L(lock(prev));
    L('');
    L('other info that might help us debug this:');
    L(' Possible unsafe locking scenario:');
    L('');
    L('       CPU0');
    L('       ----');
    L(`  lock(${prev.name});`);
    L(`  lock(${next.name});`);
    L('');
    L(' *** DEADLOCK ***');
    L('');
    L(' May be due to missing lock nesting notation');
    L('');
    L(`${held.length} lock${held.length === 1 ? '' : 's'} held by ${task.comm}/${task.pid}:`);
    held.forEach((h, i) => L(` #${i}: ${lock(h)}`));
    L('');
    L('stack backtrace:');
    this.panic.dump_stack_only(next.acquire_ip, headline);
  }
}

/** The DI module of lockdep. */
export const lockdepModule = new ContainerModule(({ bind }) => {
  bind(Lockdep).toSelf();
});
