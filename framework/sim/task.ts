// SPDX-License-Identifier: GPL-2.0-only
/**
 * A simulated thread of execution: PID 1 running initcalls, a kworker, an
 * async worker, a udev or modprobe process, or a user step. Tasks are async
 * functions; they give up the CPU only by awaiting a scheduler primitive.
 */

export type TaskKind = 'init' | 'kworker' | 'async' | 'udev' | 'modprobe' | 'user' | 'timer' | 'kthread';

/**
 * ready: may be picked; running: has the CPU; sleeping: modelled duration
 * until wakeAt; blocked: waits on a Waitable; idle: a parked worker (never a
 * deadlock); done: returned; dead: killed by an oops, still holding its locks.
 */
export type TaskState = 'ready' | 'running' | 'sleeping' | 'blocked' | 'idle' | 'done' | 'dead';

/** The sleep of a blocked task: TASK_UNINTERRUPTIBLE ("D"), TASK_KILLABLE, or TASK_INTERRUPTIBLE. */
export type WaitState = 'D' | 'killable' | 'interruptible';

/** Something a task can wait on; it explains itself for deadlock reports. */
export interface Waitable {
  /** What is waited for, in kernel words: "device_lock(hmem_platform.0)". */
  describe(): string;
  /** The tasks that must act before the waiter can go on (lock owner, running worker). */
  holders(): readonly Task[];
}

export class Task {
  state: TaskState = 'ready';
  /** Virtual time (µs) at which the task became ready or will wake. */
  readyAt = 0;
  /** FIFO order among tasks ready at the same time. */
  readySeq = 0;
  waitingOn: Waitable | null = null;
  /** Resolves the promise the task is suspended on (or starts it). */
  resume: (() => void) | null = null;
  /** Rejects the promise the task is suspended on; null before its first suspension. */
  fail: ((err: unknown) => void) | null = null;
  /** Set by Scheduler.faultOnResume(): what the task hits when it next gets the CPU. */
  resumeFault: (() => Error) | null = null;
  /** Recording only: the step that spawned or last woke the task, until its next step starts. */
  enabledBy = -1;
  /** Number of times the task got the CPU. */
  steps = 0;
  /** Bottom frames of the simulated call chain, innermost first (process_one_work, worker_thread, ...). */
  baseFrames: readonly string[] = [];
  /** Set by the workqueue code while a kworker runs an item: "events_long cxl_dax_region_driver_register [dax_cxl]". */
  workqueueLine: string | null = null;
  /** True while the task runs an async_schedule'd function. */
  isAsync = false;
  /** Virtual time (µs) at which the task last blocked. */
  blockedSince = 0;
  /** How it sleeps while blocked: D (TASK_UNINTERRUPTIBLE), or killable or interruptible (which the hung-task detector skips). */
  waitState: WaitState = 'D';
  /** Where it last blocked, when the scheduler keeps block stacks (its frames are read only if someone asks). */
  blockedAt: Error | null = null;
  private ctxMap: Map<string, unknown> | null = null;

  constructor(
    readonly pid: number,
    public comm: string,
    readonly kind: TaskKind,
    readonly body: () => Promise<void>,
  ) {}

  /** Free-form per-subsystem state (e.g. the module a modprobe is loading); made on first use. */
  get ctx(): Map<string, unknown> {
    return (this.ctxMap ??= new Map());
  }

  toString(): string {
    return `${this.comm} (pid ${this.pid})`;
  }
}
