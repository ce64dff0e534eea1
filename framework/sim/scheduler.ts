// SPDX-License-Identifier: GPL-2.0-only
/**
 * The deterministic scheduler and virtual clock.
 *
 * One task runs at a time. A task gives up the CPU only by awaiting one of
 * the primitives below (sleep for a modelled duration, block on a Waitable,
 * or pass a preemption point). Each time the CPU is free the scheduler builds
 * the list of candidates in default order (earliest virtual time, then FIFO);
 * if there are two or more, that is a choice point and the strategy answers.
 * Every answer is recorded, so (scenario, seed, answers) replays the run.
 *
 * Switching is done with one microtask per step: the task that yields calls
 * dispatch() synchronously, which resolves the promise the next task is
 * suspended on. No timers, no wall clock.
 */
import { ContainerModule } from 'inversify';
import { DefaultStrategy, type ChoicePoint, type SchedulingStrategy } from './strategy.js';
import { Task, type TaskKind, type Waitable, type WaitState } from './task.js';
import { Trace } from './trace.js';

export type TimeMode = 'timed' | 'untimed';

export interface SchedulerOptions {
  strategy?: SchedulingStrategy;
  /** timed: durations are honoured; untimed: any sleeper may run next (for any timing). */
  timeMode?: TimeMode;
  /** Runaway guard: the most steps a run may take before it is stopped. */
  maxSteps?: number;
  /** Record per-step footprints (for partial-order reduction). */
  recordSteps?: boolean;
  /** Record the timeline (spans and marks). */
  trace?: boolean;
  /** Keep where each task blocked (an Error per block, for the hung-task report): for single runs, not for the explorer. */
  blockStacks?: boolean;
}

export interface StepRecord {
  readonly pid: number;
  readonly comm: string;
  /** Index of the choice point that started this step, or -1 if there was no choice. */
  readonly choice: number;
  /** Shared objects the step touched (device, lock, work item, ...), as stable keys. */
  readonly footprint: string[];
  /** The step that made this task runnable (spawned or woke it), or -1. */
  readonly cause: number;
  /** Virtual time at which the step started. */
  readonly time: number;
}

/** A recorded choice point: the candidates (pids, default order) and the step it started. */
export interface ChoiceRecord {
  readonly candidates: readonly number[];
  readonly step: number;
  /** A race inside a step (raceChoice()), not a dispatch: candidates are the running task and its rival. */
  readonly inline?: true;
}

export interface WaitEdge {
  readonly task: string;
  readonly waitsFor: string;
  readonly heldBy: string[];
}

export interface DeadlockReport {
  /** The wait-for chain, starting at the first blocked task, ending where it closes or stops. */
  readonly chain: WaitEdge[];
  /** Every blocked task. */
  readonly blocked: WaitEdge[];
  readonly message: string;
}

export interface Runaway {
  readonly task: string;
  readonly steps: number;
  readonly message: string;
}

export type RunStatus = 'idle' | 'deadlock' | 'runaway';

export interface RunOutcome {
  readonly status: RunStatus;
  readonly deadlock?: DeadlockReport;
  readonly runaway?: Runaway;
}

/** Thrown by a yielding primitive called outside any task. */
export class NotInTaskError extends Error {}

/** A task body threw something the kernel code did not expect (a bug in the simulation or a port). */
export class TaskCrash extends Error {
  /** The schedule id of the run, set by whoever knows how ids are written (the harness). */
  schedule: string | null = null;

  constructor(
    readonly task: Task,
    override readonly cause: unknown,
  ) {
    super(`task ${task} crashed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const DEFAULT_MAX_STEPS = 500_000;

/** Settled once: then() on it queues a microtask, without the AsyncResource Node's queueMicrotask() makes for each call. */
const RESOLVED = Promise.resolve();

/** Insert `t` into `list`, kept ordered by (readyAt, readySeq); a newcomer almost always goes last. */
function insertByReadyTime(list: Task[], t: Task): void {
  let i = list.length;
  while (i > 0 && (list[i - 1]!.readyAt > t.readyAt || (list[i - 1]!.readyAt === t.readyAt && list[i - 1]!.readySeq > t.readySeq))) i--;
  if (i === list.length) list.push(t);
  else list.splice(i, 0, t);
}

export class Scheduler {
  /** Virtual time in microseconds. */
  /** Called when no task can run but some are blocked (a deadlock), before the run ends; see kernel/hung_task.ts. */
  onStall: ((blocked: readonly Task[]) => void) | null = null;
  private readonly blockStacks: boolean;
  now = 0;
  current: Task | null = null;
  readonly choices: number[] = [];
  readonly steps: StepRecord[] = [];
  readonly choiceRecords: ChoiceRecord[] = [];
  /** The timeline of the run (off unless enabled). */
  readonly trace: Trace = new Trace(this);
  readonly recording: boolean;
  strategy: SchedulingStrategy;
  readonly timeMode: TimeMode;
  stepCount = 0;

  private readonly tasks: Task[] = [];
  private ready: Task[] = [];
  private sleepers: Task[] = [];
  private nextPid = 1;
  private seq = 0;
  private maxSteps: number;
  private idleWaiters: Array<(o: RunOutcome) => void> = [];
  private running = false;
  private crash: unknown = null;
  private stepFootprint: string[] | null = null;
  /** The current step made another task runnable. */
  private enabledInStep = false;
  /** Called when a task's body throws; returns true if the error was a simulated oops it handled. */
  oopsHandler: ((task: Task, err: unknown) => boolean) | null = null;

  constructor(opts: SchedulerOptions = {}) {
    this.strategy = opts.strategy ?? new DefaultStrategy();
    this.timeMode = opts.timeMode ?? 'timed';
    this.maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
    this.recording = opts.recordSteps ?? false;
    this.trace.enabled = opts.trace ?? false;
    this.blockStacks = opts.blockStacks ?? false;
  }

  /** Whether this run keeps call chains for reports made later (where a task blocked, who allocated an object). */
  get keepsStacks(): boolean {
    return this.blockStacks;
  }

  /** Move the clock forward while nothing can run (the hung-task detector's sleep). */
  advanceTo(us: number): void {
    if (us > this.now) this.now = us;
  }

  /** Every task ever spawned, in pid order. */
  allTasks(): readonly Task[] {
    return this.tasks;
  }

  /**
   * Every task's first resume: start the body of the task dispatch() just
   * picked on a fresh microtask. One function per scheduler rather than
   * closures per task; the microtasks run in the order they were queued,
   * so the queue of tasks to start is taken in the same order.
   */
  private readonly startPicked = (): void => {
    this.starting.push(this.current!);
    void RESOLVED.then(this.startQueued);
  };
  private readonly startQueued = (): void => this.start(this.starting.shift()!);
  /** Tasks picked for the first time whose bodies have not started yet. */
  private readonly starting: Task[] = [];

  /** Reserve the next pid (PID 1 is the first task spawned). */
  allocPid(): number {
    return this.nextPid++;
  }

  /**
   * Create a task, ready at the current time (or `at`). It first runs when
   * the scheduler picks it.
   */
  spawn(comm: string, kind: TaskKind, body: () => Promise<void>, opts: { at?: number; pid?: number } = {}): Task {
    const t = new Task(opts.pid ?? this.allocPid(), comm, kind, body);
    this.tasks.push(t);
    if (this.recording && this.current !== null) t.enabledBy = this.steps.length - 1;
    t.resume = this.startPicked;
    if (opts.at !== undefined && opts.at > this.now) {
      t.state = 'sleeping';
      t.readyAt = opts.at;
      t.readySeq = ++this.seq;
      this.insertSleeper(t);
    } else {
      this.makeReady(t);
    }
    return t;
  }

  /** The running task; throws outside a task. */
  self(what: string): Task {
    const t = this.current;
    if (t === null) throw new NotInTaskError(`${what} may sleep and must be called from a task`);
    return t;
  }

  /** Modelled duration: the current task sleeps for `us` microseconds of virtual time. */
  sleep(us: number): Promise<void> {
    const t = this.self('sleep');
    t.state = 'sleeping';
    t.readyAt = this.now + Math.max(0, Math.round(us));
    t.readySeq = ++this.seq;
    this.insertSleeper(t);
    return this.suspend(t);
  }

  /** Block the current task until wake(task). */
  block(on: Waitable, waitState: WaitState = 'D'): Promise<void> {
    const t = this.self('block');
    t.state = 'blocked';
    t.waitingOn = on;
    t.waitState = waitState;
    t.blockedSince = this.now;
    if (this.blockStacks) {
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 80;
      t.blockedAt = new Error();
      Error.stackTraceLimit = limit;
    }
    return this.suspend(t);
  }

  /** Park a worker: like block, but never counted as a deadlock. */
  park(on: Waitable): Promise<void> {
    const t = this.self('park');
    t.state = 'idle';
    t.waitingOn = on;
    return this.suspend(t);
  }

  /**
   * A preemption point: the current task stays runnable, but another task
   * may be picked first. No-op (no step) when nobody else could run.
   */
  preempt(): Promise<void> | void {
    const t = this.current;
    if (t === null) return;
    const s = this.sleepers;
    const others = this.ready.length > 0 || (s.length > 0 && (this.timeMode === 'untimed' || s[0]!.readyAt <= this.now));
    if (!others) return;
    t.state = 'ready';
    t.readyAt = this.now;
    t.readySeq = ++this.seq;
    this.insertReady(t);
    return this.suspend(t, t);
  }

  /**
   * The code `t` is suspended in is gone (its module was freed): when the
   * scheduler next gives `t` the CPU, `fault()` runs as `t` and the error
   * it returns is thrown where `t` waits, instead of `t` going on. No
   * effect on a task that has not started or has ended.
   */
  faultOnResume(t: Task, fault: () => Error): void {
    if (t.fail === null || t.state === 'done' || t.state === 'dead') return;
    t.resumeFault = fault;
  }

  /** Make a blocked or idle task ready (no effect on other states). */
  wake(t: Task): void {
    if (t.state !== 'blocked' && t.state !== 'idle') return;
    t.waitingOn = null;
    if (this.recording && this.current !== null) t.enabledBy = this.steps.length - 1;
    this.makeReady(t);
  }

  /**
   * A preemption point that only exists when the current step made another
   * task runnable (spawned it, woke it, queued work for it): the moment
   * another CPU would start running that task. Otherwise a no-op, so that
   * code which creates no concurrency runs as one step.
   */
  preemptIfConcurrent(): Promise<void> | void {
    if (!this.enabledInStep) return;
    this.enabledInStep = false;
    return this.preempt();
  }

  /**
   * Withdraw a task that has not started yet (a timer that is no longer
   * needed, like del_timer()). Returns false if it already ran.
   */
  cancel(t: Task): boolean {
    if (t.steps > 0 || (t.state !== 'sleeping' && t.state !== 'ready')) return false;
    const list = t.state === 'sleeping' ? this.sleepers : this.ready;
    const i = list.indexOf(t);
    if (i >= 0) list.splice(i, 1);
    t.state = 'done';
    t.resume = null;
    return true;
  }

  /**
   * Record that the current step touched a shared object (only when
   * recording): 'w' writes it, 'r' only reads it, 'c' updates it in a way
   * that commutes with other 'c' updates (a counter). Stored as mode + key.
   */
  touch(key: string, mode: 'r' | 'w' | 'c' = 'w'): void {
    if (this.stepFootprint !== null) this.stepFootprint.push(mode + key);
  }

  /**
   * Run until no task can run. Resolves with the outcome: idle, deadlock
   * (tasks blocked, none runnable) or runaway (the step budget ran out).
   * Rejects with TaskCrash if a task body threw a non-kernel error.
   */
  run(): Promise<RunOutcome> {
    return new Promise<RunOutcome>((resolve, reject) => {
      this.idleWaiters.push((o) => {
        if (this.crash !== null) {
          const c = this.crash;
          this.crash = null;
          reject(c);
        } else resolve(o);
      });
      if (!this.running && this.current === null) this.dispatch(null);
    });
  }

  /** Extend the step budget (after a runaway was reported and handled). */
  setMaxSteps(n: number): void {
    this.maxSteps = n;
  }

  // ---- internals ---------------------------------------------------------

  private makeReady(t: Task): void {
    if (this.current !== null && t !== this.current) this.enabledInStep = true;
    t.state = 'ready';
    t.readyAt = this.now;
    t.readySeq = ++this.seq;
    this.insertReady(t);
  }

  private insertSleeper(t: Task): void {
    insertByReadyTime(this.sleepers, t);
  }

  private suspend(t: Task, preempting: Task | null = null): Promise<void> {
    const p = new Promise<void>((res, rej) => {
      t.resume = res;
      t.fail = rej;
    });
    this.dispatch(preempting);
    return p;
  }

  private start(t: Task): void {
    let p: Promise<void>;
    try {
      p = t.body();
    } catch (e) {
      this.onTaskError(t, e);
      return;
    }
    p.then(
      () => {
        t.state = 'done';
        t.waitingOn = null;
        this.current = null;
        this.dispatch(null);
      },
      (e) => this.onTaskError(t, e),
    );
  }

  private onTaskError(t: Task, e: unknown): void {
    if (this.oopsHandler !== null && this.oopsHandler(t, e)) {
      t.state = 'dead';
    } else {
      t.state = 'dead';
      if (this.crash === null) this.crash = new TaskCrash(t, e);
    }
    this.current = null;
    this.dispatch(null);
  }

  /**
   * A race inside the running task's step: `rival`, ready on another CPU,
   * may already have done `what` (a lockless state change of its own, such
   * as a kworker clearing its item's PENDING bit) when the running task
   * reads that state. A choice point like any other, recorded and replayed:
   * candidates are the running task (default: the rival has not yet) and
   * the rival. True if the strategy picks the rival; the caller then makes
   * the change itself, on the rival's behalf.
   */
  raceChoice(rival: Task, what: string): boolean {
    const cur = this.current;
    if (cur === null || rival.state !== 'ready') return false;
    const point: ChoicePoint = { index: this.choices.length, now: this.now, candidates: [cur, rival], preempting: null, inline: what };
    let idx = this.strategy.choose(point);
    if (idx !== 1) idx = 0;
    this.choices.push(idx);
    if (this.recording) this.choiceRecords.push({ candidates: [cur.pid, rival.pid], step: this.steps.length - 1, inline: true });
    return idx === 1;
  }

  /** Pick the next task and hand it the CPU, or finish the run. */
  private dispatch(preempting: Task | null): void {
    this.running = true;
    this.current = null;
    if (this.crash !== null) return this.finish({ status: 'idle' });
    if (this.stepCount >= this.maxSteps) return this.finish({ status: 'runaway', runaway: this.describeRunaway() });

    // Sleepers whose time has come join the ready list (in wake order).
    const s = this.sleepers;
    while (s.length > 0 && s[0]!.readyAt <= this.now) this.moveSleeperToReady(s.shift()!);

    let candidates: Task[];
    if (this.timeMode === 'untimed') {
      candidates = this.ready.length + s.length > 0 ? this.orderedCandidates().concat(s) : [];
    } else {
      if (this.ready.length === 0 && s.length > 0) {
        this.now = s[0]!.readyAt;
        while (s.length > 0 && s[0]!.readyAt <= this.now) this.moveSleeperToReady(s.shift()!);
      }
      candidates = this.orderedCandidates();
    }
    if (candidates.length === 0) return this.finish(this.idleOutcome());

    let idx = 0;
    let choice = -1;
    if (candidates.length > 1) {
      const point: ChoicePoint = { index: this.choices.length, now: this.now, candidates, preempting };
      idx = this.strategy.choose(point);
      if (!(idx >= 0 && idx < candidates.length)) idx = 0;
      choice = this.choices.length;
      this.choices.push(idx);
      if (this.recording) this.choiceRecords.push({ candidates: candidates.map((c) => c.pid), step: this.steps.length });
    }
    const next = candidates[idx]!;
    if (next.state === 'sleeping') {
      removeTask(this.sleepers, next);
      if (next.readyAt > this.now) this.now = next.readyAt;
    } else {
      removeTask(this.ready, next);
    }
    next.state = 'running';
    this.enabledInStep = false;
    next.steps++;
    this.stepCount++;
    this.current = next;
    if (this.recording) {
      this.stepFootprint = [];
      this.steps.push({ pid: next.pid, comm: next.comm, choice, footprint: this.stepFootprint, cause: next.enabledBy, time: this.now });
      next.enabledBy = -1;
    }
    const r = next.resume!;
    next.resume = null;
    if (next.resumeFault !== null) return this.fault(next);
    r();
  }

  /** Resume `t` with the error of its resumeFault (see faultOnResume()). */
  private fault(t: Task): void {
    const fault = t.resumeFault!;
    t.resumeFault = null;
    t.fail!(fault());
  }

  private moveSleeperToReady(t: Task): void {
    t.state = 'ready';
    this.insertReady(t);
  }

  private insertReady(t: Task): void {
    insertByReadyTime(this.ready, t);
  }

  /**
   * Ready tasks by (readyAt, readySeq), the order the ready list is kept in.
   * A copy when there is a choice (the choice point keeps it); with one
   * task or none the list itself, read before dispatch changes it.
   */
  private orderedCandidates(): Task[] {
    return this.ready.length > 1 ? this.ready.slice() : this.ready;
  }

  private finish(o: RunOutcome): void {
    this.running = false;
    this.current = null;
    this.stepFootprint = null;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f(o);
  }

  private idleOutcome(): RunOutcome {
    const blocked = this.tasks.filter((t) => t.state === 'blocked');
    if (blocked.length === 0) return { status: 'idle' };
    // What a kernel would do while nothing runs: the hung-task detector, which may move the clock.
    if (this.onStall !== null) this.onStall(blocked);
    return { status: 'deadlock', deadlock: this.describeDeadlock(blocked) };
  }

  private edge(t: Task): WaitEdge {
    const w = t.waitingOn;
    return {
      task: t.toString(),
      waitsFor: w ? w.describe() : '(nothing)',
      heldBy: w ? w.holders().map((h) => h.toString() + (h.state === 'dead' ? ' [dead]' : '')) : [],
    };
  }

  private describeDeadlock(blocked: Task[]): DeadlockReport {
    const chain: WaitEdge[] = [];
    const seen = new Set<Task>();
    let t: Task | undefined = blocked[0];
    while (t !== undefined && !seen.has(t)) {
      seen.add(t);
      chain.push(this.edge(t));
      const hs: readonly Task[] = t.waitingOn ? t.waitingOn.holders() : [];
      t = hs.find((h) => h.state === 'blocked' || h.state === 'dead' || h.state === 'idle') ?? hs[0];
      if (t !== undefined && t.state !== 'blocked') {
        if (!seen.has(t)) chain.push({ task: t.toString(), waitsFor: t.state === 'dead' ? '(died holding it)' : `(${t.state})`, heldBy: [] });
        break;
      }
    }
    const lines = chain.map((e) => `  ${e.task} waits for ${e.waitsFor}${e.heldBy.length ? `, held by ${e.heldBy.join(', ')}` : ''}`);
    const closes = t !== undefined && seen.has(t);
    const message = `deadlock: no task can run while ${blocked.length} wait${blocked.length === 1 ? 's' : ''}${closes ? ' (the chain closes)' : ''}:\n${lines.join('\n')}`;
    return { chain, blocked: blocked.map((b) => this.edge(b)), message };
  }

  private describeRunaway(): Runaway {
    let worst: Task | undefined;
    for (const t of this.tasks) if (t.state !== 'done' && (worst === undefined || t.steps > worst.steps)) worst = t;
    const name = worst ? worst.toString() : '(none)';
    const steps = worst ? worst.steps : 0;
    return { task: name, steps, message: `runaway: ${this.stepCount} steps without reaching idle; ${name} took ${steps} of them` };
  }
}

/**
 * Take `t` out of a run list. The task picked is nearly always the first
 * (the default order), and shift() is much cheaper than splice(), which
 * also builds an array of what it removed.
 */
function removeTask(list: Task[], t: Task): void {
  if (list[0] === t) list.shift();
  else list.splice(list.indexOf(t), 1);
}

/**
 * The DI module of the scheduler: one instance per kernel, built from the
 * boot's options. The kernel image (framework/image.ts) passes a function
 * that gives the options of the boot being resolved.
 */
export function schedulerModule(opts: SchedulerOptions | (() => SchedulerOptions) = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Scheduler).toDynamicValue(() => new Scheduler(typeof opts === 'function' ? opts() : opts));
  });
}
