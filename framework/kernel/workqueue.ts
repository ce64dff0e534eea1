// SPDX-License-Identifier: GPL-2.0-only
/**
 * Workqueues (kernel/workqueue.c) on the simulated scheduler.
 *
 * Each running work item gets a kworker task (idle kworkers are reused,
 * per pool: "kworker/0:N" for per-CPU queues, "kworker/uN:M" for unbound
 * ones). A queue runs at most max_active items at once (1 for ordered
 * queues, in FIFO order) and never runs two instances of one item at once.
 * System queues impose no order between items.
 *
 * Modelled states of an item: zero-filled, static (__WORK_INITIALIZER /
 * DECLARE_WORK) and INIT_WORK, with the WARNs the spec lists:
 * WARN_ON(!work->func) in __flush_work (reached from flush_work and
 * cancel_work_sync), WARN_ON on a corrupt entry in __queue_work,
 * WARN_ONCE "cannot queue" on a draining queue.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { Scheduler } from '../sim/scheduler.js';
import type { Task } from '../sim/task.js';
import {
  __WQ_ORDERED,
  delayed_work,
  WQ_UNBOUND,
  work_struct,
  workqueue_struct,
  type work_func_t,
} from '../include/linux/workqueue_types.js';
import { FaultInjection } from './fail_function.js';
import { WaitFor } from './locking.js';
import { Panic } from './panic.js';
import { KERN_WARNING, Printk } from './printk.js';

export { work_struct, delayed_work, workqueue_struct, WQ_UNBOUND, __WQ_ORDERED };
export type { work_func_t };

/** C locations of the workqueue WARNs (kernel/workqueue.c around v7.0). */
export const WQ_SITES = {
  queue_entry: { file: 'kernel/workqueue.c', line: 2375, func: '__queue_work' },
  cannot_queue: { file: 'kernel/workqueue.c', line: 2287, func: '__queue_work' },
  flush_online: { file: 'kernel/workqueue.c', line: 4286, func: '__flush_work' },
  flush_func: { file: 'kernel/workqueue.c', line: 4289, func: '__flush_work' },
  destroy_busy: { file: 'kernel/workqueue.c', line: 5946, func: 'destroy_workqueue' },
} as const;

const KWORKER_FRAMES = ['process_one_work', 'worker_thread', 'kthread', 'ret_from_fork', 'ret_from_fork_asm'];

interface Worker {
  readonly task: Task;
  readonly pool: Pool;
  item: work_struct | null;
  wq: workqueue_struct | null;
}

interface Pool {
  readonly prefix: string;
  nextId: number;
  readonly idle: Worker[];
}

export interface WorkqueueApi {
  INIT_WORK(work: work_struct, func: work_func_t): void;
  INIT_DELAYED_WORK(work: delayed_work, func: work_func_t): void;
  __WORK_INITIALIZER(func: work_func_t): work_struct;
  DECLARE_WORK(func: work_func_t): work_struct;
  queue_work(wq: workqueue_struct | null, work: work_struct): boolean;
  schedule_work(work: work_struct): boolean;
  queue_delayed_work(wq: workqueue_struct, dwork: delayed_work, delay: number): boolean;
  schedule_delayed_work(dwork: delayed_work, delay: number): boolean;
  work_pending(work: work_struct): boolean;
  flush_work(work: work_struct): Promise<boolean>;
  cancel_work_sync(work: work_struct): Promise<boolean>;
  cancel_delayed_work_sync(dwork: delayed_work): Promise<boolean>;
  flush_workqueue(wq: workqueue_struct | null): Promise<void>;
  drain_workqueue(wq: workqueue_struct): Promise<void>;
  destroy_workqueue(wq: workqueue_struct): Promise<void>;
  alloc_workqueue(fmt: string, flags: number, max_active: number): workqueue_struct | null;
  alloc_ordered_workqueue(fmt: string, flags: number): workqueue_struct | null;
  current_work(): work_struct | null;
  readonly system_wq: workqueue_struct;
  readonly system_long_wq: workqueue_struct;
  readonly system_unbound_wq: workqueue_struct;
}

@injectable()
export class Workqueue {
  readonly system_wq: workqueue_struct;
  readonly system_long_wq: workqueue_struct;
  readonly system_unbound_wq: workqueue_struct;
  /** Every queue ever allocated, for leak accounting. */
  readonly workqueues: workqueue_struct[] = [];
  /** Fault injection: when set and returning true, alloc_workqueue fails. */
  failAlloc: ((name: string) => boolean) | null = null;
  /** Hook for the module loader: called before a kworker runs an item. */
  beforeRun: ((work: work_struct) => void) | null = null;
  /** Describes a work function for "Workqueue:" lines; the module loader adds " [module]". */
  describeFunc: (work: work_struct) => string = (w) => w.func?.name || 'work_fn';
  private readonly percpu: Pool = { prefix: 'kworker/0:', nextId: 0, idle: [] };
  private readonly unbound: Pool = { prefix: 'kworker/u4:', nextId: 0, idle: [] };
  private readonly workers = new Map<Task, Worker>();
  private nextWorkId = 0;

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Panic) private readonly panic: Panic,
    @inject(Printk) private readonly log: Printk,
    @inject(FaultInjection) private readonly faults: FaultInjection,
  ) {
    this.system_wq = this.newQueue('events', 0, 256, true);
    this.system_long_wq = this.newQueue('events_long', 0, 256, true);
    this.system_unbound_wq = this.newQueue('events_unbound', WQ_UNBOUND, 512, true);
  }

  // ---- item set-up -------------------------------------------------------

  INIT_WORK(work: work_struct, func: work_func_t): void {
    work.func = func;
    work.init = 'init';
    work.entryValid = true;
    work.pending = false;
    work.stuck = false;
    this.nameWork(work);
  }

  __WORK_INITIALIZER(func: work_func_t): work_struct {
    const w = new work_struct();
    w.func = func;
    w.init = 'static';
    w.entryValid = true;
    this.nameWork(w);
    return w;
  }

  private nameWork(w: work_struct): void {
    if (w.id === '') w.id = `${w.func?.name || 'work'}#${this.nextWorkId++}`;
  }

  // ---- queueing ----------------------------------------------------------

  queue_work(wq: workqueue_struct | null, work: work_struct): boolean {
    if (wq === null) this.panic.nullDereference('__queue_work', 0);
    if (work.pending || work.disabled > 0) {
      if (this.sched.recording) this.sched.touch(`work:${work.id}`, 'r');
      return false;
    }
    if (this.sched.recording) this.sched.touch(`work:${work.id}`);
    work.pending = true;
    this.__queue_work(wq, work);
    return true;
  }

  private __queue_work(wq: workqueue_struct, work: work_struct): void {
    // Queueing order matters only where the queue runs items in order.
    if (this.sched.recording) this.sched.touch(`wq:${wq.name}`, wq.ordered ? 'w' : 'c');
    if (wq.destroyed) {
      this.panic.kasan('__queue_work', `Read of workqueue ${wq.name} after destroy_workqueue() freed it`);
      work.pending = false;
      return;
    }
    if (wq.draining && this.panic.WARN_ONCE(!this.isOwnItemRunning(wq), WQ_SITES.cannot_queue, `workqueue: cannot queue ${work.func?.name || 'work'} on wq ${wq.name}`)) {
      work.pending = false;
      return;
    }
    if (!work.entryValid) {
      // A zero-filled item: its list head is not self-linked, so the check
      // on the entry fires and the item stays PENDING without being queued.
      this.panic.warn(WQ_SITES.queue_entry, null, 2);
      work.stuck = true;
      return;
    }
    work.wq = wq;
    const seq = ++wq.nextSeq;
    wq.inflight.add(seq);
    let list = wq.instanceOf.get(work);
    if (list === undefined) wq.instanceOf.set(work, (list = []));
    list.push(seq);
    work.queuedSeq++;
    wq.worklist.push(work);
    this.pump(wq);
  }

  schedule_work(work: work_struct): boolean {
    return this.queue_work(this.system_wq, work);
  }

  INIT_DELAYED_WORK(dwork: delayed_work, func: work_func_t): void {
    this.INIT_WORK(dwork, func);
    dwork.timerArmed = false;
  }

  /** Queue after `delay` jiffies (HZ=1000: one jiffy is one millisecond). */
  queue_delayed_work(wq: workqueue_struct, dwork: delayed_work, delay: number): boolean {
    if (dwork.pending || dwork.disabled > 0) return false;
    dwork.pending = true;
    if (delay <= 0) {
      this.__queue_work(wq, dwork);
      return true;
    }
    dwork.timerArmed = true;
    const gen = ++dwork.timerGen;
    this.sched.spawn(
      'timer',
      'timer',
      async () => {
        if (!dwork.timerArmed || dwork.timerGen !== gen) return;
        dwork.timerArmed = false;
        this.__queue_work(wq, dwork);
      },
      { at: this.sched.now + delay * 1000 },
    );
    return true;
  }

  work_pending(work: work_struct): boolean {
    return work.pending;
  }

  /** Start items of wq while it has room, skipping items already running. */
  private pump(wq: workqueue_struct): void {
    let i = 0;
    while (wq.active < wq.maxActive && i < wq.worklist.length) {
      const w = wq.worklist[i]!;
      if (w.runner !== null) {
        if (wq.ordered) break;
        i++;
        continue;
      }
      wq.worklist.splice(i, 1);
      wq.active++;
      this.assign(wq, w);
    }
  }

  private assign(wq: workqueue_struct, work: work_struct): void {
    const pool = wq.flags & (WQ_UNBOUND | __WQ_ORDERED) ? this.unbound : this.percpu;
    const idle = pool.idle.shift();
    if (idle !== undefined) {
      idle.item = work;
      idle.wq = wq;
      this.sched.wake(idle.task);
      return;
    }
    const name = `${pool.prefix}${pool.nextId++}`;
    let worker!: Worker;
    const task = this.sched.spawn(name, 'kworker', () => this.worker_thread(worker));
    task.baseFrames = KWORKER_FRAMES;
    worker = { task, pool, item: work, wq };
    this.workers.set(task, worker);
  }

  private async worker_thread(worker: Worker): Promise<void> {
    const idleWait = new WaitFor(() => 'worker_thread: idle');
    for (;;) {
      while (worker.item === null) await this.sched.park(idleWait);
      await this.process_one_work(worker, worker.item, worker.wq!);
      worker.item = null;
      worker.wq = null;
      worker.pool.idle.push(worker);
    }
  }

  private async process_one_work(worker: Worker, work: work_struct, wq: workqueue_struct): Promise<void> {
    const task = worker.task;
    const seqs = wq.instanceOf.get(work)!;
    const seq = seqs.shift()!;
    if (seqs.length === 0) wq.instanceOf.delete(work);
    work.pending = false;
    work.runner = task;
    work.runningSeq = work.queuedSeq - seqs.length;
    const instance = work.runningSeq;
    if (this.sched.recording) this.sched.touch(`work:${work.id}`);
    task.workqueueLine = `${wq.name} ${this.describeFunc(work)}`;
    if (this.beforeRun !== null) this.beforeRun(work);
    const span = this.sched.trace.begin('work', wq.name, work.func?.name || 'work');
    try {
      const fn = work.func;
      if (fn !== null) await fn(work);
    } finally {
      this.sched.trace.end(span);
    }
    // Reached only if the function returned: an oops in it kills the kworker
    // here, and the item stays in flight for good (flushes of it never end).
    task.workqueueLine = null;
    work.runner = null;
    work.doneSeq = Math.max(work.doneSeq, instance);
    wq.inflight.delete(seq);
    wq.active--;
    this.wakeAll(work.flushers);
    this.wakeAll(wq.flushers);
    this.pump(wq);
  }

  private wakeAll(list: Task[]): void {
    for (const t of list.splice(0)) this.sched.wake(t);
  }

  private isOwnItemRunning(wq: workqueue_struct): boolean {
    const cur = this.sched.current;
    if (cur === null) return false;
    const w = this.workers.get(cur);
    return w !== undefined && w.wq === wq;
  }

  /** The item the current kworker runs, or null. */
  current_work(): work_struct | null {
    const cur = this.sched.current;
    return cur ? (this.workers.get(cur)?.item ?? null) : null;
  }

  // ---- flushing and cancelling ---------------------------------------------

  async flush_work(work: work_struct): Promise<boolean> {
    return await this.__flush_work(work);
  }

  private async __flush_work(work: work_struct): Promise<boolean> {
    const self = this.sched.self('flush_work');
    if (this.sched.recording) this.sched.touch(`work:${work.id}`);
    if (this.panic.WARN_ON(!work.func, WQ_SITES.flush_func)) return false;
    let target: number;
    // Queued means on a worklist: not a delayed item whose timer is still armed, not a stuck one.
    if (work.wq !== null && work.wq.instanceOf.has(work)) target = work.queuedSeq;
    else if (work.runner !== null) target = work.runningSeq;
    else return false;
    const on = new WaitFor(
      () => `flush_work(${work.func?.name ?? 'work'})`,
      () => this.workHolders(work),
    );
    // Done when the target instance finished, or when nothing of the item
    // is left queued or running (a cancel removed the instance waited for).
    while (work.doneSeq < target && this.workInFlight(work)) {
      work.flushers.push(self);
      await this.sched.block(on);
    }
    return true;
  }

  /** An instance of the item is queued (validly) or running. */
  private workInFlight(work: work_struct): boolean {
    return work.runner !== null || (work.wq !== null && work.wq.instanceOf.has(work));
  }

  /** Who must run for a flush of `work` to finish: its runner, or what occupies its queue. */
  private workHolders(work: work_struct): Task[] {
    if (work.runner !== null) return [work.runner];
    const wq = work.wq;
    if (wq === null) return [];
    const out: Task[] = [];
    for (const w of this.workers.values()) if (w.wq === wq && w.item !== null) out.push(w.task);
    return out;
  }

  async cancel_work_sync(work: work_struct): Promise<boolean> {
    const self = this.sched.self('cancel_work_sync');
    // __cancel_work_sync() waits through __flush_work(), whose WARN_ON(!work->func) fires.
    if (this.panic.WARN_ON(!work.func, WQ_SITES.flush_func)) return false;
    let wasPending = false;
    if (work instanceof delayed_work && work.timerArmed) {
      work.timerArmed = false;
      work.pending = false;
      wasPending = true;
    }
    const wq = work.wq;
    if (work.pending && wq !== null) {
      const i = wq.worklist.indexOf(work);
      if (i >= 0) {
        wq.worklist.splice(i, 1);
        const seqs = wq.instanceOf.get(work)!;
        const seq = seqs.pop()!;
        if (seqs.length === 0) wq.instanceOf.delete(work);
        wq.inflight.delete(seq);
        this.wakeAll(wq.flushers);
        this.wakeAll(work.flushers);
      }
      work.pending = false;
      wasPending = true;
    }
    work.disabled++;
    const on = new WaitFor(() => `cancel_work_sync(${work.func?.name ?? 'work'})`, () => this.workHolders(work));
    // Cancelling the running item from itself waits for itself, as in the kernel.
    while (work.runner !== null) {
      work.flushers.push(self);
      await this.sched.block(on);
    }
    work.disabled--;
    return wasPending;
  }

  /**
   * flush_workqueue() is a macro in C: its system-wide check and the call of
   * __flush_workqueue() are compiled into the caller, so no frame of its own
   * shows in a call trace. The __sim prefix keeps this method out of traces.
   * A system-wide queue gets __warn_flushing_systemwide_wq() (pr_warn and
   * dump_stack, at every call).
   */
  __sim_flush_workqueue(wq: workqueue_struct | null): Promise<void> {
    if (wq?.system) this.__warn_flushing_systemwide_wq();
    return this.__flush_workqueue(wq);
  }

  /** __flush_workqueue(): wait for every item queued before the call; drain_workqueue() calls it directly. */
  async __flush_workqueue(wq: workqueue_struct | null): Promise<void> {
    if (wq === null) this.panic.nullDereference('__flush_workqueue', 0);
    const self = this.sched.self('flush_workqueue');
    if (this.sched.recording) this.sched.touch(`wq:${wq.name}`);
    if (wq.destroyed) {
      this.panic.kasan('__flush_workqueue', `Read of workqueue ${wq.name} after destroy_workqueue() freed it`);
      return;
    }
    const target = [...wq.inflight];
    if (target.length === 0) return;
    const on = new WaitFor(
      () => `flush_workqueue(${wq.name})`,
      () => [...this.workers.values()].filter((w) => w.wq === wq && w.item !== null).map((w) => w.task),
    );
    while (target.some((s) => wq.inflight.has(s))) {
      wq.flushers.push(self);
      await this.sched.block(on);
    }
  }

  private __warn_flushing_systemwide_wq(): void {
    this.panic.dump_stack('WARNING: Flushing system-wide workqueues will be prohibited in near future.', '__warn_flushing_systemwide_wq', KERN_WARNING);
  }

  async drain_workqueue(wq: workqueue_struct): Promise<void> {
    wq.draining = true;
    let flush_cnt = 0;
    for (;;) {
      // reflush:
      await this.__flush_workqueue(wq);
      if (wq.inflight.size === 0) break;
      if (++flush_cnt === 10 || (flush_cnt % 100 === 0 && flush_cnt <= 1000)) {
        this.log.emit(KERN_WARNING, `workqueue ${wq.name}: drain_workqueue() isn't complete after ${flush_cnt} tries`);
      }
    }
    wq.draining = false;
  }

  async destroy_workqueue(wq: workqueue_struct): Promise<void> {
    if (wq.destroyed) {
      this.panic.kasan('destroy_workqueue', `Read of workqueue ${wq.name} after destroy_workqueue() freed it`);
      return;
    }
    await this.drain_workqueue(wq);
    wq.draining = true;
    wq.destroyed = true;
  }

  // ---- allocation ------------------------------------------------------

  alloc_workqueue(fmt: string, flags: number, max_active: number): workqueue_struct | null {
    if (this.failAlloc !== null && this.failAlloc(fmt)) return null;
    if (this.faults.should_fail('alloc_workqueue', fmt)) return null;
    const max = max_active > 0 ? max_active : flags & WQ_UNBOUND ? 512 : 256;
    return this.newQueue(fmt, flags, max, false);
  }

  alloc_ordered_workqueue(fmt: string, flags: number): workqueue_struct | null {
    return this.alloc_workqueue(fmt, WQ_UNBOUND | __WQ_ORDERED | flags, 1);
  }

  private newQueue(name: string, flags: number, max: number, system: boolean): workqueue_struct {
    const wq = new workqueue_struct(name, flags, max, system);
    this.workqueues.push(wq);
    return wq;
  }

  /** Items queued or running whose code belongs to `module`. */
  ownedWork(module: string): work_struct[] {
    const out: work_struct[] = [];
    for (const wq of this.workqueues) for (const w of wq.worklist) if (w.owner === module) out.push(w);
    for (const w of this.workers.values()) if (w.item !== null && w.item.owner === module) out.push(w.item);
    return out;
  }

  /** Items still queued or running, for leak accounting at teardown. */
  pendingWork(): Array<{ wq: string; func: string }> {
    const out: Array<{ wq: string; func: string }> = [];
    for (const wq of this.workqueues) {
      for (const w of wq.worklist) out.push({ wq: wq.name, func: w.func?.name ?? 'work' });
    }
    for (const w of this.workers.values()) if (w.item !== null) out.push({ wq: w.wq?.name ?? '?', func: w.item.func?.name ?? 'work' });
    return out;
  }

  api(): WorkqueueApi {
    return {
      INIT_WORK: (w, f) => this.INIT_WORK(w, f),
      INIT_DELAYED_WORK: (w, f) => this.INIT_DELAYED_WORK(w, f),
      __WORK_INITIALIZER: (f) => this.__WORK_INITIALIZER(f),
      DECLARE_WORK: (f) => this.__WORK_INITIALIZER(f),
      queue_work: (wq, w) => this.queue_work(wq, w),
      schedule_work: (w) => this.schedule_work(w),
      queue_delayed_work: (wq, w, d) => this.queue_delayed_work(wq, w, d),
      schedule_delayed_work: (w, d) => this.queue_delayed_work(this.system_wq, w, d),
      work_pending: (w) => this.work_pending(w),
      flush_work: (w) => this.flush_work(w),
      cancel_work_sync: (w) => this.cancel_work_sync(w),
      cancel_delayed_work_sync: (w) => this.cancel_work_sync(w),
      // Bound, not an arrow: an arrow here would be a frame named flush_workqueue.
      flush_workqueue: this.__sim_flush_workqueue.bind(this),
      drain_workqueue: (wq) => this.drain_workqueue(wq),
      destroy_workqueue: (wq) => this.destroy_workqueue(wq),
      alloc_workqueue: (f, fl, m) => this.alloc_workqueue(f, fl, m),
      alloc_ordered_workqueue: (f, fl) => this.alloc_ordered_workqueue(f, fl),
      current_work: () => this.current_work(),
      system_wq: this.system_wq,
      system_long_wq: this.system_long_wq,
      system_unbound_wq: this.system_unbound_wq,
    };
  }
}

/** The DI module of workqueues and kworkers. */
export const workqueueModule = new ContainerModule(({ bind }) => {
  bind(Workqueue).toSelf().inSingletonScope();
});
