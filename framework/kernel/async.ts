// SPDX-License-Identifier: GPL-2.0-only
/**
 * Asynchronous function calls (kernel/async.c). Each async_schedule_dev()
 * entry runs on an unbound kworker of the dedicated "async" workqueue
 * (async_init(), v6.9), concurrently with its caller and with other
 * entries, in no particular order. async_synchronize_full() waits until
 * the pending list is empty, entries added while waiting included. An
 * entry leaves the pending list only when its function returns: one that
 * oopses stays pending, and every later async_synchronize_full() waits
 * for it forever, as in the kernel.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { Scheduler } from '../sim/scheduler.js';
import type { Task } from '../sim/task.js';
import { WQ_UNBOUND, work_struct, type workqueue_struct } from '../include/linux/workqueue_types.js';
import { WaitFor } from './locking.js';
import { Workqueue } from './workqueue.js';

export type async_cookie_t = number;
export type async_func_t = (data: unknown, cookie: async_cookie_t) => Promise<void> | void;

interface AsyncEntry {
  readonly cookie: async_cookie_t;
  readonly func: async_func_t;
  readonly data: unknown;
  readonly work: work_struct;
  runner: Task | null;
}

export interface AsyncApi {
  async_schedule_dev(func: async_func_t, dev: unknown): async_cookie_t;
  async_schedule(func: async_func_t, data: unknown): async_cookie_t;
  async_synchronize_full(): Promise<void>;
  current_is_async(): boolean;
}

@injectable()
export class Async {
  private nextCookie = 1;
  private readonly pending: AsyncEntry[] = [];
  private readonly waiters: Task[] = [];
  /** async_wq: alloc_workqueue("async", WQ_UNBOUND, 0) in async_init(). */
  readonly async_wq: workqueue_struct;

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Workqueue) private readonly wq: Workqueue,
  ) {
    this.async_wq = wq.alloc_workqueue('async', WQ_UNBOUND, 0)!;
  }

  async_schedule_dev(func: async_func_t, data: unknown): async_cookie_t {
    const cookie = this.nextCookie++;
    const work = new work_struct();
    const entry: AsyncEntry = { cookie, func, data, work, runner: null };
    this.wq.INIT_WORK(work, async function async_run_entry_fn() {
      await asyncRun(entry);
    });
    const asyncRun = async (e: AsyncEntry): Promise<void> => {
      const t = this.sched.current!;
      e.runner = t;
      t.isAsync = true;
      // No finally: an oops in func kills the kworker here and the entry stays pending.
      await e.func(e.data, e.cookie);
      t.isAsync = false;
      this.pending.splice(this.pending.indexOf(e), 1);
      if (this.sched.recording) this.sched.touch('async', 'c');
      for (const w of this.waiters.splice(0)) this.sched.wake(w);
    };
    this.pending.push(entry);
    if (this.sched.recording) this.sched.touch('async', 'c');
    this.wq.queue_work(this.async_wq, work);
    return cookie;
  }

  async async_synchronize_full(): Promise<void> {
    const self = this.sched.self('async_synchronize_full');
    if (this.sched.recording) this.sched.touch('async', 'r');
    const on = new WaitFor(
      () => `async_synchronize_full (${this.pending.length} pending: ${this.pending.map((e) => e.func.name || 'async').join(', ')})`,
      () => this.pending.map((e) => e.runner).filter((t): t is Task => t !== null),
    );
    while (this.pending.length > 0) {
      this.waiters.push(self);
      await this.sched.block(on);
    }
  }

  /** Entries scheduled and not finished. */
  pendingCount(): number {
    return this.pending.length;
  }

  api(): AsyncApi {
    return {
      async_schedule_dev: (f, dev) => this.async_schedule_dev(f, dev),
      async_schedule: (f, data) => this.async_schedule_dev(f, data),
      async_synchronize_full: () => this.async_synchronize_full(),
      current_is_async: () => this.sched.current?.isAsync ?? false,
    };
  }
}

/** The DI module of async function calls. */
export const asyncModule = new ContainerModule(({ bind }) => {
  bind(Async).toSelf();
});
