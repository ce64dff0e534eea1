// SPDX-License-Identifier: GPL-2.0-only
/**
 * The strategy of one exhaustive-search run: replay a prefix of answers,
 * then keep sleep sets (Godefroid): a task whose next step was already
 * explored from an earlier choice point stays asleep until some executed
 * step conflicts with it, and sleeping tasks are not picked or backtracked
 * to. This keeps the search from revisiting equivalent interleavings.
 */
import type { Scheduler } from '../../framework/sim/scheduler.js';
import type { ChoicePoint, SchedulingStrategy } from '../../framework/sim/strategy.js';
import { conflicts } from './dpor.js';

export type SleepSet = Map<number, readonly string[]>;

export class SleepSetStrategy implements SchedulingStrategy {
  /** The sleep set at each choice point from the branch on. */
  readonly sleepAt = new Map<number, SleepSet>();
  /** True when every candidate of some choice point was asleep (the run repeats explored behaviour). */
  blocked = false;
  private sched: Scheduler | null = null;
  private sleep: SleepSet = new Map();
  private active = false;
  private processed = 0;

  constructor(
    private readonly prefix: readonly number[],
    private readonly initialSleep: SleepSet,
  ) {}

  /** Called by the harness once the machine exists. */
  attach(sched: Scheduler): void {
    this.sched = sched;
  }

  choose(point: ChoicePoint): number {
    // A race point is inside a step whose footprint still grows: that step is checked against the sleepers at the next dispatch.
    const inline = point.inline !== undefined;
    if (!inline) this.catchUp();
    const i = point.index;
    const firstUnprocessed = (): number => (this.sched ? this.sched.steps.length - (inline ? 1 : 0) : 0);
    if (i < this.prefix.length) {
      const a = this.prefix[i]!;
      if (i === this.prefix.length - 1) {
        this.sleep = new Map(this.initialSleep);
        this.sleep.delete(point.candidates[a]?.pid ?? -1);
        this.active = true;
        this.processed = firstUnprocessed();
      }
      return a < point.candidates.length ? a : 0;
    }
    if (!this.active) {
      this.active = true;
      this.processed = firstUnprocessed();
    }
    // A race inside a step dispatches nobody: sleep sets do not apply, the default is taken and the explorer branches on both.
    if (point.inline !== undefined) return 0;
    this.sleepAt.set(i, new Map(this.sleep));
    for (let c = 0; c < point.candidates.length; c++) if (!this.sleep.has(point.candidates[c]!.pid)) return c;
    this.blocked = true;
    return 0;
  }

  /** Wake sleepers that conflict with the steps executed since the last choice point. */
  private catchUp(): void {
    if (!this.active || this.sched === null) return;
    const steps = this.sched.steps;
    for (; this.processed < steps.length; this.processed++) {
      const f = steps[this.processed]!.footprint;
      for (const [pid, g] of this.sleep) if (conflicts(f, g)) this.sleep.delete(pid);
    }
  }
}
