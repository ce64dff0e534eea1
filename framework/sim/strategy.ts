// SPDX-License-Identifier: GPL-2.0-only
/**
 * Scheduling strategies: who runs next when more than one task could.
 *
 * The scheduler calls a strategy only at a choice point, i.e. when at least
 * two tasks are candidates. Candidates come in the default order (earliest
 * virtual time, then FIFO), so index 0 is always the default choice and any
 * other answer is a deviation. A run is replayed exactly from the list of
 * answers.
 */
import { Prng } from './prng.js';
import type { Task } from './task.js';

export interface ChoicePoint {
  /** Sequence number of this choice point in the run (0-based). */
  readonly index: number;
  /** Virtual time in µs. */
  readonly now: number;
  /** Candidates in default order; index 0 is the default. */
  readonly candidates: readonly Task[];
  /** The task that reached a preemption point and could go on running, if any. */
  readonly preempting: Task | null;
  /**
   * A race inside a step (Scheduler.raceChoice()): what candidates[1] may
   * already have done while candidates[0] runs. Absent at a dispatch.
   */
  readonly inline?: string;
}

export interface SchedulingStrategy {
  /** Returns an index into point.candidates. */
  choose(point: ChoicePoint): number;
}

/** The default: earliest virtual time, then FIFO. */
export class DefaultStrategy implements SchedulingStrategy {
  choose(): number {
    return 0;
  }
}

/** Uniformly random among candidates, from a seeded generator. */
export class RandomStrategy implements SchedulingStrategy {
  private readonly prng: Prng;
  constructor(seed: number) {
    this.prng = new Prng(seed);
  }
  choose(point: ChoicePoint): number {
    return this.prng.below(point.candidates.length);
  }
}

/**
 * Replays a recorded list of answers; past its end it answers like the
 * fallback (the default unless given). Answers out of range are clamped to
 * the default so that a schedule taken from another tree still runs.
 */
export class ReplayStrategy implements SchedulingStrategy {
  constructor(
    private readonly answers: readonly number[],
    private readonly fallback: SchedulingStrategy = new DefaultStrategy(),
  ) {}
  choose(point: ChoicePoint): number {
    if (point.index < this.answers.length) {
      const a = this.answers[point.index]!;
      return a < point.candidates.length ? a : 0;
    }
    return this.fallback.choose(point);
  }
}

export interface TaskLabel {
  readonly pid: number;
  readonly comm: string;
}

/** A deviation as a replay followed it. */
export interface TakenDeviation {
  readonly index: number;
  /** Virtual time (µs) at which the chosen task ran. */
  readonly now: number;
  readonly chosen: TaskLabel;
  readonly postponed: TaskLabel;
  /** At a race inside a step: what the chosen task had done before the postponed one read it (ChoicePoint.inline). */
  readonly race?: string;
}

/** Deviations from the default, keyed by choice-point index: the compact form of a schedule. */
export class DeviationStrategy implements SchedulingStrategy {
  /** Candidates offered at each choice point that has a deviation, as the run reached it. */
  private readonly offered = new Map<number, number>();
  /** Each deviation followed: when, the task it ran and the task the default order would have run. */
  readonly taken: TakenDeviation[] = [];
  constructor(private readonly deviations: ReadonlyMap<number, number>) {}
  choose(point: ChoicePoint): number {
    const a = this.deviations.get(point.index);
    // An answer of 0 is the default order: nothing to follow or report.
    if (a === undefined || a === 0) return 0;
    this.offered.set(point.index, point.candidates.length);
    if (a >= point.candidates.length) return 0;
    const chosen = point.candidates[a]!;
    const label = (t: Task): TaskLabel => ({ pid: t.pid, comm: t.comm });
    // Untimed, picking a sleeping task moves the clock to its wake-up: that is when it ran.
    this.taken.push({ index: point.index, now: Math.max(point.now, chosen.readyAt), chosen: label(chosen), postponed: label(point.candidates[0]!), ...(point.inline !== undefined ? { race: point.inline } : {}) });
    return a;
  }

  /**
   * After a run: the deviations it could not follow, in words (a choice
   * point the run never reached, or one with fewer candidates), so that a
   * schedule id from another scenario or tree is not taken silently.
   */
  misfits(choicePoints: number): string[] {
    const out: string[] = [];
    for (const [index, answer] of [...this.deviations].sort((x, y) => x[0] - y[0])) {
      if (answer === 0) continue;
      const n = this.offered.get(index);
      const where = `choice point ${index} ("${index.toString(36)}" in the id)`;
      if (n === undefined) out.push(`${where} is never reached (this run has ${choicePoints})`);
      else if (answer >= n) out.push(`${where} offers ${n} candidates, so there is no candidate ${answer}`);
    }
    return out;
  }
}
