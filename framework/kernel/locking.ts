// SPDX-License-Identifier: GPL-2.0-only
/**
 * Sleeping locks and waits (kernel/locking/mutex.c, kernel/sched/wait.c,
 * kernel/sched/completion.c) on the simulated scheduler. Every entry is a
 * preemption point; a contended lock or an unmet condition blocks the task
 * on a Waitable that can explain itself in a deadlock report.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { Scheduler } from '../sim/scheduler.js';
import type { Task, Waitable } from '../sim/task.js';
import { DebugLocks } from '../lib/debug_locks.js';
import { Panic } from './panic.js';

export class mutex implements Waitable {
  owner: Task | null = null;
  readonly waiters: Task[] = [];
  constructor(public name: string) {}
  describe(): string {
    return this.name;
  }
  holders(): readonly Task[] {
    return this.owner ? [this.owner] : [];
  }
}

export class wait_queue_head {
  readonly waiters: Task[] = [];
}

export class completion {
  done = 0;
  readonly wait = new wait_queue_head();
  constructor(public name = 'completion') {}
}

/** A condition wait that explains itself: what is waited for and who can satisfy it. */
export class WaitFor implements Waitable {
  constructor(
    private readonly what: () => string,
    private readonly who: () => readonly Task[] = () => [],
  ) {}
  describe(): string {
    return this.what();
  }
  holders(): readonly Task[] {
    return this.who();
  }
}

export interface LockingApi {
  mutex_init(lock: mutex, name?: string): void;
  mutex_lock(lock: mutex): Promise<void>;
  mutex_unlock(lock: mutex): void;
  mutex_is_locked(lock: mutex): boolean;
  init_completion(x: completion): void;
  reinit_completion(x: completion): void;
  complete(x: completion): void;
  complete_all(x: completion): void;
  wait_for_completion(x: completion): Promise<void>;
  completion_done(x: completion): boolean;
  wake_up_all(wq: wait_queue_head): void;
  msleep(ms: number): Promise<void>;
}

@injectable()
export class Locking {
  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Panic) private readonly panic: Panic,
    @inject(DebugLocks) private readonly debugLocks: DebugLocks,
  ) {}

  async mutex_lock(lock: mutex): Promise<void> {
    const t = this.sched.self('mutex_lock');
    if (this.sched.recording) this.sched.touch(`lock:${lock.name}`);
    await this.sched.preemptIfConcurrent();
    while (lock.owner !== null) {
      lock.waiters.push(t);
      await this.sched.block(lock);
    }
    lock.owner = t;
  }

  mutex_unlock(lock: mutex): void {
    if (this.sched.recording) this.sched.touch(`lock:${lock.name}`);
    // CONFIG_DEBUG_MUTEXES: DEBUG_LOCKS_WARN_ON() warns only while debug_locks is on, and turns it off;
    // after an oops or a taint that turned it off, the check is silent.
    if (lock.owner !== this.sched.current && this.debugLocks.debug_locks_off()) {
      this.panic.warn({ file: 'kernel/locking/mutex.c', line: 932, func: '__mutex_unlock_slowpath' }, 'DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)');
    }
    lock.owner = null;
    const w = lock.waiters.shift();
    if (w !== undefined) this.sched.wake(w);
  }

  /** Sleep until cond() holds; re-checked after every wake_up_all on wq. A preemption point. */
  async wait_event(wq: wait_queue_head, cond: () => boolean, on: Waitable): Promise<void> {
    const t = this.sched.self('wait_event');
    while (!cond()) {
      wq.waiters.push(t);
      await this.sched.block(on);
    }
  }

  wake_up_all(wq: wait_queue_head): void {
    const ws = wq.waiters.splice(0);
    for (const t of ws) this.sched.wake(t);
  }

  complete(x: completion): void {
    x.done++;
    this.wake_up_all(x.wait);
  }

  complete_all(x: completion): void {
    x.done = Number.MAX_SAFE_INTEGER;
    this.wake_up_all(x.wait);
  }

  async wait_for_completion(x: completion): Promise<void> {
    await this.wait_event(x.wait, () => x.done > 0, new WaitFor(() => `wait_for_completion(${x.name})`));
    if (x.done !== Number.MAX_SAFE_INTEGER) x.done--;
  }

  api(): LockingApi {
    return {
      mutex_init: (lock, name) => {
        lock.owner = null;
        lock.waiters.length = 0;
        if (name) lock.name = name;
      },
      mutex_lock: (lock) => this.mutex_lock(lock),
      mutex_unlock: (lock) => this.mutex_unlock(lock),
      mutex_is_locked: (lock) => lock.owner !== null,
      init_completion: (x) => {
        x.done = 0;
      },
      reinit_completion: (x) => {
        x.done = 0;
      },
      complete: (x) => this.complete(x),
      complete_all: (x) => this.complete_all(x),
      wait_for_completion: (x) => this.wait_for_completion(x),
      completion_done: (x) => x.done > 0,
      wake_up_all: (wq) => this.wake_up_all(wq),
      msleep: (ms) => this.sched.sleep(ms * 1000),
    };
  }
}

/** The DI module of mutexes, wait queues, completions. */
export const lockingModule = new ContainerModule(({ bind }) => {
  bind(Locking).toSelf();
});
