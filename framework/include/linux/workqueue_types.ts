// SPDX-License-Identifier: GPL-2.0-only
/** struct work_struct, struct delayed_work, struct workqueue_struct (include/linux/workqueue_types.h). */
import type { Task } from '../../sim/task.js';

export type work_func_t = (work: work_struct) => Promise<void> | void;

/**
 * One run of an item on a kworker: worker->current_work, current_func and
 * current_pwq of the kernel, plus which queued instance it is. An item has
 * more than one only when it was queued on workqueues of different pools.
 */
export interface work_run {
  readonly task: Task;
  readonly wq: workqueue_struct;
  /** The worker pool of the kworker (the pool find_worker_executing_work() searches). */
  readonly pool: object;
  readonly func: work_func_t | null;
  /** The instance number (see work_struct.queuedSeq). */
  readonly instance: number;
  /** The kworker has called the function (false while a run begun early by work_pending()'s race waits for the CPU). */
  begun: boolean;
}

/** How the item was set up: never (zero-filled), statically, or by INIT_WORK at run time. */
export type WorkInit = 'zero' | 'static' | 'init';

export class work_struct {
  func: work_func_t | null = null;
  init: WorkInit = 'zero';
  /** work->entry is a valid (self-linked or queued) list head; false for a zero-filled item. */
  entryValid = false;
  /** WORK_STRUCT_PENDING. */
  pending = false;
  /** Set by a WARN'd queueing of a corrupt item: PENDING sticks forever. */
  stuck = false;
  /** The workqueue the item was last queued on. */
  wq: workqueue_struct | null = null;
  /**
   * The pool work->data points at: where the item was last queued, then,
   * once a run starts, the pool of its kworker. flush_work() and
   * cancel_work_sync() look for a running instance there only.
   */
  lastPool: object | null = null;
  /** Instances are numbered in queueing order; this is the number of the last one queued. */
  queuedSeq = 0;
  /** Runs in progress, oldest first. */
  readonly running: work_run[] = [];
  /** cancel_work_sync in progress: queueing is refused. */
  disabled = 0;
  /** Tasks waiting in flush_work / cancel_work_sync. */
  readonly flushers: Task[] = [];
  /** Module whose code queued the item (for use-after-unload checks); set by the module loader's facade. */
  owner: string | null = null;
  /** Which load of `owner` that code was (ModuleLoader's load number), 0 for built-in code. */
  ownerLoad = 0;
  /** Stable id for footprints and reports. */
  id = '';
}

export class delayed_work extends work_struct {
  timerArmed = false;
  timerGen = 0;
}

export const WQ_UNBOUND = 1 << 1;
export const WQ_FREEZABLE = 1 << 2;
export const WQ_MEM_RECLAIM = 1 << 3;
export const WQ_HIGHPRI = 1 << 4;
export const __WQ_ORDERED = 1 << 17;

export class workqueue_struct {
  /** Items queued and not yet started, in queue order. */
  readonly worklist: work_struct[] = [];
  /** Instance ids (per wq) of items queued or running, for flush_workqueue. */
  readonly inflight = new Set<number>();
  nextSeq = 0;
  active = 0;
  draining = false;
  destroyed = false;
  readonly flushers: Task[] = [];
  /** The wq instance ids of each item's queued instances (on the worklist, or handed to a kworker but not started), by item. */
  readonly instanceOf = new Map<work_struct, number[]>();
  constructor(
    readonly name: string,
    readonly flags: number,
    readonly maxActive: number,
    readonly system = false,
  ) {}
  get ordered(): boolean {
    return (this.flags & __WQ_ORDERED) !== 0;
  }
}
