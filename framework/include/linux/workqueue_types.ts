// SPDX-License-Identifier: GPL-2.0-only
/** struct work_struct, struct delayed_work, struct workqueue_struct (include/linux/workqueue_types.h). */
import type { Task } from '../../sim/task.js';

export type work_func_t = (work: work_struct) => Promise<void> | void;

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
  /** Instance bookkeeping for flush_work: last queued, running, last finished. */
  queuedSeq = 0;
  runningSeq = 0;
  doneSeq = 0;
  runner: Task | null = null;
  /** cancel_work_sync in progress: queueing is refused. */
  disabled = 0;
  /** Tasks waiting in flush_work / cancel_work_sync. */
  readonly flushers: Task[] = [];
  /** Module whose code queued the item (for use-after-unload checks); set by the module loader's facade. */
  owner: string | null = null;
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
  /** The wq instance id of each queued/running item instance, by item. */
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
