// SPDX-License-Identifier: GPL-2.0-only
/**
 * Workqueues (kernel/workqueue.c) on the simulated scheduler.
 *
 * Each running work item gets a kworker task (idle kworkers are reused,
 * per pool: "kworker/0:N" for per-CPU queues, "kworker/uN:M" for unbound
 * ones). There are two worker pools, as on a machine whose work all runs
 * on CPU 0: the per-CPU pool and the unbound one (ordered queues included).
 * A queue runs at most max_active items at once (1 for ordered queues, in
 * FIFO order). System queues impose no order between items.
 *
 * Non-reentrancy is per workqueue and per pool, as in the kernel: an item
 * queued again on the queue it is running on runs again after that run;
 * queued on another queue of the same pool, it is handed to the kworker
 * running it and runs right after (assign_work() finds the collision); on
 * a queue of the other pool it runs at the same time, on that pool's
 * kworker.
 *
 * Modelled states of an item: zero-filled, static (__WORK_INITIALIZER /
 * DECLARE_WORK) and INIT_WORK, with the WARNs the spec lists:
 * WARN_ON(!work->func) in __flush_work (reached from flush_work and
 * cancel_work_sync), WARN_ON on a corrupt entry in __queue_work,
 * WARN_ONCE "cannot queue" on a draining queue, and with
 * CONFIG_DEBUG_OBJECTS_WORK the ODEBUG "init active" WARN of INIT_WORK on a
 * queued item, whose fixup takes the item off its worklist.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { Scheduler } from '../sim/scheduler.js';
import type { Task } from '../sim/task.js';
import {
  __WQ_ORDERED,
  delayed_work,
  WQ_MEM_RECLAIM,
  WQ_UNBOUND,
  work_struct,
  workqueue_struct,
  type work_func_t,
  type work_run,
} from '../include/linux/workqueue_types.js';
import { Lockdep } from './lockdep.js';
import { Slab } from '../mm/slab.js';
import { DebugObjects, ODEBUG_STATE_ACTIVE, ODEBUG_STATE_INACTIVE, ODEBUG_STATE_NONE, type debug_obj_descr, type debug_obj_state } from '../lib/debugobjects.js';
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
  /** worker->scheduled: instances handed to this kworker because it was running the same item. */
  readonly scheduled: Array<{ readonly work: work_struct; readonly wq: workqueue_struct }>;
  /** The run of `item` begun before the kworker got the CPU (work_pending() lost its race), or null. */
  started: { readonly run: work_run; readonly seq: number } | null;
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
  /** work_debug_descr: how debugobjects sees a work_struct (CONFIG_DEBUG_OBJECTS_WORK). */
  private readonly work_debug_descr: debug_obj_descr<work_struct> = {
    name: 'work_struct',
    debug_hint: work_debug_hint,
    fixup_init: this.work_fixup_init.bind(this),
    state: this.work_debug_state.bind(this),
  };

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Panic) private readonly panic: Panic,
    @inject(Printk) private readonly log: Printk,
    @inject(FaultInjection) private readonly faults: FaultInjection,
    @inject(DebugObjects) private readonly debugObjects: DebugObjects,
    @inject(Lockdep) private readonly lockdep: Lockdep,
    @inject(Slab) private readonly slab: Slab,
  ) {
    this.system_wq = this.newQueue('events', 0, 256, true);
    this.system_long_wq = this.newQueue('events_long', 0, 256, true);
    this.system_unbound_wq = this.newQueue('events_unbound', WQ_UNBOUND, 512, true);
  }

  // ---- item set-up -------------------------------------------------------

  INIT_WORK(work: work_struct, func: work_func_t): void {
    this.__init_work(work, 0);
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

  /** __init_work(): INIT_WORK()'s debugobjects check, before the fields are set. */
  private __init_work(work: work_struct, _onstack: number): void {
    this.debugObjects.debug_object_init(work, this.work_debug_descr);
  }

  /** What debugobjects would have recorded: active while an instance is queued (insert_work() to the start of its run). */
  private work_debug_state(work: work_struct): debug_obj_state {
    if (work.init === 'zero') return ODEBUG_STATE_NONE;
    return this.workQueued(work) ? ODEBUG_STATE_ACTIVE : ODEBUG_STATE_INACTIVE;
  }

  /**
   * work_fixup_init(): INIT_WORK() of a queued item. The kernel cancels it
   * (cancel_work_sync()) before INIT_WORK() goes on to reset the fields.
   * Deviation: INIT_WORK() is synchronous here, so the fixup only takes the
   * queued instance back and clears PENDING; it does not wait for a run of
   * the item that is in progress, as the kernel's cancel_work_sync() would.
   */
  private work_fixup_init(work: work_struct, state: debug_obj_state): boolean {
    if (state !== ODEBUG_STATE_ACTIVE) return false;
    this.try_to_grab_pending(work);
    return true;
  }

  private nameWork(w: work_struct): void {
    if (w.id === '') w.id = `${w.func?.name || 'work'}#${this.nextWorkId++}`;
  }

  // ---- queueing ----------------------------------------------------------

  queue_work(wq: workqueue_struct | null, work: work_struct): boolean {
    if (wq === null) this.panic.nullDereference('__queue_work', 0);
    this.raceStart(work, 'queue_work() tested it');
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
      this.readFreed(wq, '__queue_work');
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
    work.lastPool = this.poolOf(wq);
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

  /** Queue after `delay` jiffies (HZ, include/linux/jiffies.ts: one jiffy is one millisecond). */
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

  /**
   * work_pending() is a lockless test of the PENDING bit, which the kworker
   * given the item clears as it starts it. If that kworker is ready but has
   * not run yet, on SMP it may already have started: the scheduler offers
   * that race (raceChoice()), and if the kworker wins, it starts the item
   * here, on its behalf, before the bit is read.
   */
  work_pending(work: work_struct): boolean {
    this.raceStart(work, 'work_pending() read it');
    if (this.sched.recording) this.sched.touch(`work:${work.id}`, 'r');
    return work.pending;
  }

  /** Before a lockless test of PENDING (`reader`): the race with the item's ready kworker, if it has one. */
  private raceStart(work: work_struct, reader: string): void {
    if (!work.pending || this.sched.current === null) return;
    const worker = this.readyWorkerOf(work);
    if (worker !== null && this.sched.raceChoice(worker.task, `had started ${work.func?.name || 'work'}, clearing PENDING, when ${reader} in`)) this.start_work(worker, work, worker.wq!);
  }

  /** The kworker `work` was given that has not run since: ready, its run not begun. */
  private readyWorkerOf(work: work_struct): Worker | null {
    // Not one already running the item (try_to_grab_pending()'s test): its own run cleared PENDING long ago.
    for (const w of this.workers.values()) if (w.item === work && w.started === null && w.task.state === 'ready' && !work.running.some((r) => r.task === w.task)) return w;
    return null;
  }

  /**
   * The start of process_one_work(): take the oldest queued instance,
   * clear PENDING and record the run, as set_work_pool_and_clear_pending()
   * and the busy hash do before the function is called. The run counts as
   * begun once process_one_work() has it.
   */
  private start_work(worker: Worker, work: work_struct, wq: workqueue_struct): { readonly run: work_run; readonly seq: number } {
    const seqs = wq.instanceOf.get(work)!;
    const seq = seqs.shift()!;
    if (seqs.length === 0) wq.instanceOf.delete(work);
    work.pending = false;
    // set_work_pool_and_clear_pending(): work->data now names this kworker's pool.
    work.lastPool = worker.pool;
    const run: work_run = { task: worker.task, wq, pool: worker.pool, func: work.func, instance: work.queuedSeq - seqs.length, begun: false };
    work.running.push(run);
    if (this.sched.recording) this.sched.touch(`work:${work.id}`);
    worker.started = { run, seq };
    return worker.started;
  }

  /** Start items of wq while it has room, skipping items still running on wq itself. */
  private pump(wq: workqueue_struct): void {
    let i = 0;
    while (wq.active < wq.maxActive && i < wq.worklist.length) {
      const w = wq.worklist[i]!;
      if (w.running.some((r) => r.wq === wq)) {
        if (wq.ordered) break;
        i++;
        continue;
      }
      wq.worklist.splice(i, 1);
      wq.active++;
      this.assign(wq, w);
    }
  }

  /** The worker pool a queue's items run in. */
  private poolOf(wq: workqueue_struct): Pool {
    return wq.flags & (WQ_UNBOUND | __WQ_ORDERED) ? this.unbound : this.percpu;
  }

  /**
   * find_worker_executing_work(): the run of `work` in `pool`, matched on
   * the item and its function, as the busy hash is searched.
   */
  private find_worker_executing_work(pool: object | null, work: work_struct): work_run | null {
    for (const r of work.running) if (r.pool === pool && r.func === work.func) return r;
    return null;
  }

  /** Give an activated item to a kworker of its pool: to the one already running it, if any (assign_work()). */
  private assign(wq: workqueue_struct, work: work_struct): void {
    const pool = this.poolOf(wq);
    const collision = this.find_worker_executing_work(pool, work);
    if (collision !== null) {
      this.workers.get(collision.task)!.scheduled.push({ work, wq });
      return;
    }
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
    worker = { task, pool, item: work, wq, scheduled: [], started: null };
    this.workers.set(task, worker);
  }

  private async worker_thread(worker: Worker): Promise<void> {
    const idleWait = new WaitFor(() => 'worker_thread: idle');
    for (;;) {
      while (worker.item === null) await this.sched.park(idleWait);
      await this.process_one_work(worker, worker.item, worker.wq!);
      // process_scheduled_works(): what was handed over during the run comes next, on this kworker.
      const next = worker.scheduled.shift();
      if (next !== undefined) {
        worker.item = next.work;
        worker.wq = next.wq;
        continue;
      }
      worker.item = null;
      worker.wq = null;
      worker.pool.idle.push(worker);
    }
  }

  private async process_one_work(worker: Worker, work: work_struct, wq: workqueue_struct): Promise<void> {
    const task = worker.task;
    const { run, seq } = worker.started ?? this.start_work(worker, work, wq);
    worker.started = null;
    run.begun = true;
    task.workqueueLine = `${wq.name} ${this.describeFunc(work)}`;
    if (this.beforeRun !== null) this.beforeRun(work);
    const span = this.sched.trace.begin('work', wq.name, work.func?.name || 'work');
    // lock_map_acquire() of the queue's map, then of the item's: a flush from inside the item shows as recursion.
    const lockdep = this.lockdep.enabled;
    if (lockdep) {
      this.lockdep.lock_map_acquire(wq_lockdep_map(wq), 'process_one_work');
      this.lockdep.lock_map_acquire(work_lockdep_map(work), 'process_one_work');
    }
    try {
      const fn = work.func;
      if (fn !== null) await fn(work);
    } finally {
      this.sched.trace.end(span);
    }
    if (lockdep) {
      this.lockdep.lock_map_release(work_lockdep_map(work));
      this.lockdep.lock_map_release(wq_lockdep_map(wq));
    }
    // Reached only if the function returned: an oops in it kills the kworker
    // here, and the item stays in flight for good (flushes of it never end).
    task.workqueueLine = null;
    work.running.splice(work.running.indexOf(run), 1);
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
    // start_flush_work(): the queued instance, else the run in the pool work->data names.
    let target: number;
    if (this.workQueued(work)) target = work.queuedSeq;
    else {
      const run = this.find_worker_executing_work(work.lastPool, work);
      if (run === null) return false;
      target = run.instance;
    }
    // start_flush_work(): on an ordered queue (or one with a rescuer) the queue's map, else the item's.
    if (this.lockdep.enabled) {
      const flushed = work.wq ?? work.running[0]?.wq ?? null;
      if (flushed !== null && (flushed.ordered || flushed.maxActive === 1 || (flushed.flags & WQ_MEM_RECLAIM) !== 0)) this.lockdep.touch(wq_lockdep_map(flushed), '__flush_work');
      else this.lockdep.touch(work_lockdep_map(work), '__flush_work');
    }
    const on = new WaitFor(
      () => `flush_work(${work.func?.name ?? 'work'})`,
      () => this.workHolders(work),
    );
    // Done when that instance has run, or when a cancel took it back before it started.
    while (this.instanceInFlight(work, target)) {
      work.flushers.push(self);
      await this.sched.block(on);
    }
    return true;
  }

  /**
   * An instance of the item is queued: on a worklist or handed to a
   * kworker, not started. Not a delayed item whose timer is still armed,
   * not a stuck one.
   */
  private workQueued(work: work_struct): boolean {
    return work.wq !== null && work.wq.instanceOf.has(work);
  }

  /** Instance `n` of the item is still queued or running. */
  private instanceInFlight(work: work_struct, n: number): boolean {
    return work.running.some((r) => r.instance === n) || (this.workQueued(work) && work.queuedSeq === n);
  }

  /** Who must run for a flush of `work` to finish: its kworkers, or what occupies its queue. */
  private workHolders(work: work_struct): Task[] {
    if (work.running.length > 0) return work.running.map((r) => r.task);
    const wq = work.wq;
    if (wq === null) return [];
    const out: Task[] = [];
    for (const w of this.workers.values()) if ((w.wq === wq && w.item !== null) || w.scheduled.some((e) => e.wq === wq)) out.push(w.task);
    return out;
  }

  /**
   * try_to_grab_pending(): take the queued instance of `work` back, from
   * its worklist or from the kworker it was handed to before that kworker
   * started it. True if there was one. PENDING is cleared.
   */
  private try_to_grab_pending(work: work_struct): boolean {
    const wq = work.wq;
    if (wq === null || !this.workQueued(work)) return false;
    const i = wq.worklist.indexOf(work);
    if (i >= 0) wq.worklist.splice(i, 1);
    else {
      // Activated: it holds one of wq's max_active slots.
      for (const w of this.workers.values()) {
        const j = w.scheduled.findIndex((e) => e.work === work && e.wq === wq);
        if (j >= 0) {
          w.scheduled.splice(j, 1);
          break;
        }
        if (w.item === work && w.wq === wq && !work.running.some((r) => r.task === w.task)) {
          // Woken for it but not started: the kworker goes back to idle.
          w.item = null;
          w.wq = null;
          if (!w.pool.idle.includes(w)) w.pool.idle.push(w);
          break;
        }
      }
      wq.active--;
    }
    const seqs = wq.instanceOf.get(work)!;
    const seq = seqs.pop()!;
    if (seqs.length === 0) wq.instanceOf.delete(work);
    wq.inflight.delete(seq);
    work.pending = false;
    this.wakeAll(wq.flushers);
    this.wakeAll(work.flushers);
    if (i < 0) this.pump(wq);
    return true;
  }

  async cancel_work_sync(work: work_struct): Promise<boolean> {
    const self = this.sched.self('cancel_work_sync');
    // __cancel_work_sync() waits through __flush_work(), whose WARN_ON(!work->func) fires.
    if (this.panic.WARN_ON(!work.func, WQ_SITES.flush_func)) return false;
    // try_to_grab_pending() against the kworker's start: the pool lock makes each atomic, not their order.
    this.raceStart(work, 'cancel_work_sync() tried to grab it');
    let wasPending = false;
    if (work instanceof delayed_work && work.timerArmed) {
      work.timerArmed = false;
      work.pending = false;
      wasPending = true;
    }
    if (work.pending && work.wq !== null) {
      this.try_to_grab_pending(work);
      work.pending = false;
      wasPending = true;
    }
    work.disabled++;
    const on = new WaitFor(() => `cancel_work_sync(${work.func?.name ?? 'work'})`, () => this.workHolders(work));
    // __flush_work(): the run in the pool work->data names, if any. Cancelling
    // the running item from itself waits for itself, as in the kernel.
    const run = this.find_worker_executing_work(work.lastPool, work);
    while (run !== null && work.running.includes(run)) {
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
      this.readFreed(wq, '__flush_workqueue');
      return;
    }
    if (this.lockdep.enabled) this.lockdep.touch(wq_lockdep_map(wq), '__flush_workqueue');
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
      this.readFreed(wq, 'destroy_workqueue');
      return;
    }
    await this.drain_workqueue(wq);
    wq.draining = true;
    wq.destroyed = true;
    // call_rcu(&wq->rcu, rcu_free_wq): freed after a grace period, which is not modelled.
    this.slab.call_rcu_free(wq, 'rcu_free_wq');
  }

  /**
   * A read of wq->flags in a workqueue destroy_workqueue() freed: KASAN's
   * report, about `func` (without the object for a queue the slab does not
   * know, such as a system workqueue).
   */
  private readFreed(wq: workqueue_struct, func: string): void {
    if (this.slab.kasan_check(wq, 4, false, WQ_FLAGS_OFFSET) === null) this.slab.kasan_untracked(func, `Read of workqueue ${wq.name} after destroy_workqueue() freed it`);
  }

  // ---- allocation ------------------------------------------------------

  alloc_workqueue(fmt: string, flags: number, max_active: number): workqueue_struct | null {
    if (this.failAlloc !== null && this.failAlloc(fmt)) return null;
    if (this.faults.should_fail('alloc_workqueue', fmt)) return null;
    const max = max_active > 0 ? max_active : flags & WQ_UNBOUND ? 512 : 256;
    return this.slab.allocated(this.newQueue(fmt, flags, max, false), WQ_SIZE);
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
    for (const w of this.workers.values()) {
      if (w.item !== null && w.item.owner === module) out.push(w.item);
      for (const e of w.scheduled) if (e.work.owner === module) out.push(e.work);
    }
    return out;
  }

  /** Items still queued or running, for leak accounting at teardown. */
  pendingWork(): Array<{ wq: string; func: string; diedIn: string | null }> {
    const out: Array<{ wq: string; func: string; diedIn: string | null }> = [];
    for (const wq of this.workqueues) {
      for (const w of wq.worklist) out.push({ wq: wq.name, func: w.func?.name ?? 'work', diedIn: null });
    }
    for (const w of this.workers.values()) {
      // An item whose kworker oopsed in it never ends: it stays the kworker's item.
      const diedIn = w.task.state === 'dead' ? `${w.task.comm}/${w.task.pid}` : null;
      if (w.item !== null) out.push({ wq: w.wq?.name ?? '?', func: w.item.func?.name ?? 'work', diedIn });
      for (const e of w.scheduled) out.push({ wq: e.wq.name, func: e.work.func?.name ?? 'work', diedIn: null });
    }
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

/** work_debug_hint(): an item is named by its function in ODEBUG reports. */
function work_debug_hint(work: work_struct): unknown {
  return work.func;
}

/** The DI module of workqueues and kworkers. */
export const workqueueModule = new ContainerModule(({ bind }) => {
  bind(Workqueue).toSelf();
});

/** sizeof(struct workqueue_struct) with one node's nr_active pointer, and offsetof(flags): kshim's round figures. */
const WQ_SIZE = 512;
const WQ_FLAGS_OFFSET = 0x100;

/** The lockdep class of a workqueue's map (alloc_workqueue()'s "(wq_completion)" + name). */
function wq_lockdep_map(wq: workqueue_struct): string {
  return `(wq_completion)${wq.name}`;
}

/** The lockdep class of an item's map: the kernel's "(work_completion)(&x->work)", named here after the function. */
function work_lockdep_map(work: work_struct): string {
  return `(work_completion)(${work.func?.name || 'work'})`;
}
