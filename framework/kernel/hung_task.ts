// SPDX-License-Identifier: GPL-2.0-only
/**
 * The hung-task detector (kernel/hung_task.c, CONFIG_DETECT_HUNG_TASK):
 * khungtaskd wakes every hung_task_timeout_secs (120) and reports each
 * task that has been in D state, without being switched to, since its
 * previous check: "INFO: task kworker/u8:1:57 blocked for more than 120
 * seconds.", the taint and release, the sysctl hint, then the task as
 * sched_show_task() shows it (a kworker's Workqueue: line, the call trace).
 * It is what a debug kernel prints for a deadlock lockdep cannot see, such
 * as a device_lock() taken again from the device's own probe.
 *
 * kshim has no periodic thread: when no task can run and some are blocked,
 * the scheduler asks this detector, which moves the clock to the check
 * that would report them and prints what that check prints.
 *
 * Deviations:
 * - One round: the kernel reports the same tasks again at every later
 *   check, until hung_task_warnings (10) is used up; kshim reports a task
 *   once (and still counts the reports against the 10).
 * - Waits that sleep killable (request_module()) or interruptible (a
 *   finit_module() of a module another load is still initialising, the
 *   module_wq waits) are not reported, as in the kernel; every other wait
 *   counts as TASK_UNINTERRUPTIBLE.
 * - The parent pid is 1 for a process and 2 for a kernel thread.
 * - The call trace is where the task blocked when the run keeps block
 *   stacks (kshim run, replay, shell, timeline); in the explorer's runs it
 *   is the primitive it waits in and the task's bottom frames. Frames have
 *   no +offset/size; the task line's stack, tgid, task_flags and flags are
 *   fixed values.
 * - No "Showing all locks held in the system" (no lockdep).
 * - khungtaskd is armed by start_kernel(), not by a subsys_initcall: an
 *   initcall of its own would be one more point where the scheduler
 *   chooses, and change every boot's schedules.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { UTS_RELEASE } from '../include/generated/utsrelease.js';
import { Scheduler } from '../sim/scheduler.js';
import type { Task, TaskKind } from '../sim/task.js';
import { Panic, TAINT_DIE } from './panic.js';
import { KERN_ERR, KERN_INFO, Printk } from './printk.js';
import { callTrace, framesOfStack, type Frame } from './stacktrace.js';

/**
 * task_flags of the task line by kind: PID 1 before it execs init has only
 * PF_FORKNOEXEC; a kworker PF_WQ_WORKER, PF_NOFREEZE, PF_KTHREAD and more;
 * another kernel thread the same without PF_WQ_WORKER; a process
 * PF_RANDOMIZE and PF_SUPERPRIV.
 */
const TASK_FLAGS: Readonly<Record<TaskKind, number>> = {
  init: 0x40,
  kworker: 0x4208060,
  async: 0x4208060,
  kthread: 0x208040,
  timer: 0x208040,
  udev: 0x400100,
  modprobe: 0x400100,
  user: 0x400100,
};

/** CONFIG_DEFAULT_HUNG_TASK_TIMEOUT, in seconds. */
export const DEFAULT_HUNG_TASK_TIMEOUT = 120;
const SEC = 1_000_000;
/** The kernel function a wait's description starts with ("flush_workqueue(dax_hmem_wq)"). */
const KERNEL_NAME = /^[a-z_][a-z0-9_]*/;

@injectable()
export class HungTask {
  /** CONFIG_DETECT_HUNG_TASK, set at boot from the configuration. */
  enabled = false;
  /** When khungtaskd started (hung_task_init(), a subsys_initcall); its checks come every timeout after. */
  private startedAt = 0;
  sysctl_hung_task_warnings = 10;
  private readonly reported = new Set<Task>();

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Printk) private readonly log: Printk,
    @inject(Panic) private readonly panic: Panic,
  ) {}

  /** hung_task_init(): start khungtaskd (here: ask to be called when the machine stalls). */
  hung_task_init(): number {
    if (!this.enabled) return 0;
    this.startedAt = this.sched.now;
    this.sched.onStall = this.check_stalled.bind(this);
    return 0;
  }

  /**
   * Nothing can run: find the check that reports the earliest of the
   * blocked tasks (the first check after it blocked records it, the next
   * one reports it), move the clock there and run it.
   */
  private check_stalled(blocked: readonly Task[]): void {
    const timeout = DEFAULT_HUNG_TASK_TIMEOUT * SEC;
    const hungAt = (t: Task): number => this.startedAt + timeout * (Math.max(1, Math.ceil((t.blockedSince - this.startedAt) / timeout)) + 1);
    // task_is_hung(): TASK_UNINTERRUPTIBLE only; a killable or interruptible sleep is not a hang.
    const fresh = blocked.filter((t) => t.waitState === 'D' && !this.reported.has(t));
    // Each check in turn: the tasks it finds, at its time.
    for (const when of [...new Set(fresh.map(hungAt))].sort((a, b) => a - b)) {
      this.sched.advanceTo(when);
      this.check_hung_uninterruptible_tasks(fresh.filter((t) => hungAt(t) === when), timeout);
    }
  }

  private check_hung_uninterruptible_tasks(hung: readonly Task[], timeout: number): void {
    // A kernel that died already reports no more.
    if (this.panic.test_taint(TAINT_DIE)) return;
    for (const t of [...hung].sort((a, b) => a.pid - b.pid)) {
      this.reported.add(t);
      this.hung_task_info(t, timeout);
    }
  }

  private hung_task_info(t: Task, timeout: number): void {
    if (this.sysctl_hung_task_warnings === 0) return;
    this.sysctl_hung_task_warnings--;
    const log = this.log;
    // The first check after the task blocked records it; this one, a timeout later, reports it.
    log.emit(KERN_ERR, `INFO: task ${t.comm}:${t.pid} blocked for more than ${Math.floor(timeout / SEC)} seconds.`);
    log.emit(KERN_ERR, `      ${this.panic.print_tainted()} ${UTS_RELEASE} #1`);
    log.emit(KERN_ERR, '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.');
    this.sched_show_task(t);
    if (this.sysctl_hung_task_warnings === 0) log.emit(KERN_INFO, 'Future hung task reports are suppressed, see sysctl kernel.hung_task_warnings');
  }

  /** sched_show_task() of a task in D state: the task line, print_worker_info(), the stack. */
  private sched_show_task(t: Task): void {
    const log = this.log;
    const ppid = t.pid === 1 ? 0 : t.kind === 'user' || t.kind === 'udev' || t.kind === 'modprobe' ? 1 : 2;
    const taskFlags = TASK_FLAGS[t.kind];
    log.emit(KERN_INFO, `task:${t.comm.slice(0, 15).padEnd(15)} state:D stack:0     pid:${String(t.pid).padEnd(5)} tgid:${String(t.pid).padEnd(5)} ppid:${String(ppid).padEnd(6)} task_flags:0x${taskFlags.toString(16).padStart(4, '0')} flags:0x00004000`);
    if (t.workqueueLine !== null) log.emit(KERN_INFO, `Workqueue: ${t.workqueueLine}`);
    log.emit(KERN_INFO, 'Call Trace:');
    log.emit(KERN_INFO, ' <TASK>');
    for (const f of ['__schedule', 'schedule', ...callTrace(t, this.blockedFrames(t))]) log.emit(KERN_INFO, ` ${f}`);
    log.emit(KERN_INFO, ' </TASK>');
  }

  /** Where the task blocked: its stack when kept, else the primitive its wait names. */
  private blockedFrames(t: Task): Frame[] {
    if (t.blockedAt !== null) return framesOfStack(t.blockedAt.stack ?? '', 1, this.panic.moduleOf);
    const fn = KERNEL_NAME.exec(t.waitingOn?.describe() ?? '');
    return fn !== null ? [{ func: fn[0], module: null }] : [];
  }
}

/** The DI module of the hung-task detector. */
export const hungTaskModule = new ContainerModule(({ bind }) => {
  bind(HungTask).toSelf();
});
