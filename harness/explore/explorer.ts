// SPDX-License-Identifier: GPL-2.0-only
/**
 * The schedule explorer: runs a scenario under many schedules and groups
 * the runs by outcome. Strategies:
 *
 * - exhaustive: depth-first over the choice points with dynamic
 *   partial-order reduction (./dpor.ts): an alternative is tried at a
 *   choice point only when a later step of that task races with the step
 *   taken there. An optional bound limits deviations from the default
 *   order (preemption bounding, as in CHESS).
 * - random: every choice uniform, from a seed per run.
 * - pct: priority-based scheduling with random change points.
 *
 * Each outcome class keeps how many schedules reached it, one schedule id,
 * and a shrunk schedule: the fewest deviations from the default order that
 * still reach it.
 */
import type { TimeMode } from '../../framework/sim/scheduler.js';
import { DeviationStrategy, RandomStrategy, ReplayStrategy, type SchedulingStrategy } from '../../framework/sim/strategy.js';
import { runScenario, type Run } from '../run.js';
import { decodeSchedule, encodeSchedule } from '../schedule.js';
import { letWeakRefsGo } from '../yield.js';
import type { Scenario } from '../scenario.js';
import { findRaces } from './dpor.js';
import { SleepSetStrategy, type SleepSet } from './sleep.js';
import { PctStrategy } from './pct.js';
import { outcomeOf, type Outcome } from './signature.js';

export type ExploreStrategy = 'exhaustive' | 'random' | 'pct';

export interface ExploreOptions {
  readonly strategy?: ExploreStrategy;
  /** Runs for random and pct; a budget for exhaustive (complete is false when it runs out). */
  readonly runs?: number;
  readonly seed?: number;
  readonly timeMode?: TimeMode;
  /** Most deviations from the default order a schedule may have (exhaustive). */
  readonly bound?: number;
  /** PCT depth. */
  readonly depth?: number;
  /** Shrink one schedule per outcome class (default true). */
  readonly shrink?: boolean;
  /** Called after each run with the number of runs so far. */
  readonly progress?: (done: number, total: number | null) => void;
  /** Called with every explored run (not with shrinking reruns), e.g. to look for a message in dmesg. */
  readonly observe?: (run: Run) => void;
  /** Boot each run's machine from the kernel image (default true; framework/image.ts), or in a container of its own. */
  readonly fromImage?: boolean;
}

export interface OutcomeClass extends Outcome {
  readonly count: number;
  /** The id of the first schedule found in this class. */
  readonly schedule: string;
  /** The shrunk schedule: fewest deviations from the default order. */
  readonly shrunk: string;
  readonly deviations: number;
}

export interface ExploreReport {
  readonly schedulesExplored: number;
  /** Every schedule was explored: false when the budget ran out or the bound cut the search. */
  readonly complete: boolean;
  /**
   * Exhaustive with a bound: true when the search ran through every
   * schedule within the bound (the budget did not stop it) and the bound
   * left out schedules it would otherwise have run.
   */
  readonly boundCut?: boolean;
  readonly outcomes: OutcomeClass[];
}

interface Found {
  outcome: Outcome;
  count: number;
  choices: number[];
  deviations: number;
}

/** The most deviations fewestDeviations() searches below, and its budget of runs for each bound. */
const SHRINK_MAX_BOUND = 3;
const SHRINK_SEARCH_RUNS = 1000;

/** The choice list of a schedule's deviations (choice point -> candidate), 0 elsewhere. */
function choicesOf(deviations: ReadonlyMap<number, number>): number[] {
  const out: number[] = [];
  for (const [i, c] of [...deviations].sort((a, b) => a[0] - b[0])) {
    while (out.length < i) out.push(0);
    out[i] = c;
  }
  return out;
}

function deviationsOf(choices: readonly number[]): number {
  let n = 0;
  for (const c of choices) if (c !== 0) n++;
  return n;
}

export class Explorer {
  private readonly found = new Map<string, Found>();
  private runs = 0;
  /** The bound left out a race's alternative that the search would otherwise have tried. */
  private boundCut = false;

  constructor(
    private readonly scenario: Scenario,
    private readonly opts: ExploreOptions = {},
  ) {}

  private get timeMode(): TimeMode {
    return this.opts.timeMode ?? 'timed';
  }

  private get fromImage(): boolean {
    return this.opts.fromImage ?? true;
  }

  private async run(strategy: SchedulingStrategy, record: boolean): Promise<Run> {
    const r = await runScenario(this.scenario, { strategy, timeMode: this.timeMode, recordSteps: record, powerOff: true, fromImage: this.fromImage });
    await letWeakRefsGo();
    this.runs++;
    this.opts.observe?.(r);
    this.opts.progress?.(this.runs, this.opts.strategy === 'exhaustive' || this.opts.strategy === undefined ? null : (this.opts.runs ?? 100));
    const outcome = outcomeOf(r);
    const f = this.found.get(outcome.signature);
    const dev = deviationsOf(r.choices);
    if (f === undefined) this.found.set(outcome.signature, { outcome, count: 1, choices: r.choices.slice(), deviations: dev });
    else {
      f.count++;
      if (dev < f.deviations) {
        f.choices = r.choices.slice();
        f.deviations = dev;
      }
    }
    return r;
  }

  async explore(): Promise<ExploreReport> {
    const strategy = this.opts.strategy ?? 'exhaustive';
    let complete = false;
    let boundCut = false;
    if (strategy === 'exhaustive') {
      // Explored to the end within the bound is complete only if the bound left nothing out.
      const exhausted = await this.exhaustive();
      boundCut = exhausted && this.boundCut;
      complete = exhausted && !boundCut;
    }
    else {
      const runs = this.opts.runs ?? 100;
      const seed = this.opts.seed ?? 1;
      const expected = (await this.run(new ReplayStrategy([]), false)).choices.length;
      for (let i = 1; i < runs; i++) {
        const s = strategy === 'random' ? new RandomStrategy(seed * 1_000_003 + i) : new PctStrategy(seed * 1_000_003 + i, this.opts.depth ?? 3, expected);
        await this.run(s, false);
      }
    }
    const outcomes: OutcomeClass[] = [];
    const greedy = new Map<string, number[]>();
    for (const f of this.found.values()) greedy.set(f.outcome.signature, this.opts.shrink === false ? f.choices : await this.shrink(f.outcome.signature, f.choices));
    const fewest = this.opts.shrink === false ? greedy : await this.fewestDeviations(greedy);
    for (const f of this.found.values()) {
      const shrunk = fewest.get(f.outcome.signature)!;
      outcomes.push({
        ...f.outcome,
        count: f.count,
        schedule: encodeSchedule(this.timeMode, f.choices),
        shrunk: encodeSchedule(this.timeMode, shrunk),
        deviations: deviationsOf(shrunk),
      });
    }
    outcomes.sort((a, b) => b.count - a.count || a.signature.localeCompare(b.signature));
    return { schedulesExplored: this.runs, complete, ...(this.opts.bound !== undefined ? { boundCut } : {}), outcomes };
  }

  /** Depth-first search with DPOR backtrack sets and sleep sets; returns true if the search space was exhausted. */
  private async exhaustive(): Promise<boolean> {
    const budget = this.opts.runs ?? 20_000;
    const bound = this.opts.bound ?? Infinity;
    interface Node {
      readonly candidates: readonly number[];
      chosen: number;
      readonly backtrack: Set<number>;
      readonly done: Set<number>;
      /** Footprint of the step each explored candidate took here. */
      readonly doneFoot: Map<number, readonly string[]>;
      /** Tasks asleep on arrival at this choice point. */
      readonly sleep: SleepSet;
      /** Deviations from the default order in the choices before this node. */
      readonly devBefore: number;
      /** A race inside a step (Scheduler.raceChoice()): both answers are explored, without sleep sets. */
      readonly inline: boolean;
    }
    const stack: Node[] = [];
    let prefix: number[] = [];
    let initialSleep: SleepSet = new Map();
    for (;;) {
      if (this.runs >= budget) return false;
      const strategy = new SleepSetStrategy(prefix, initialSleep);
      const r = await this.run(strategy, true);
      const sched = r.machine?.kernel.sched;
      if (sched === undefined) return true;
      const records = sched.choiceRecords;
      const choices = r.choices;
      let dev = 0;
      for (let i = 0; i < stack.length; i++) dev += choices[i] !== 0 ? 1 : 0;
      for (let i = stack.length; i < records.length; i++) {
        const pid = records[i]!.candidates[choices[i]!]!;
        stack.push({
          candidates: records[i]!.candidates,
          chosen: choices[i]!,
          backtrack: new Set([pid]),
          done: new Set([pid]),
          doneFoot: new Map(),
          sleep: strategy.sleepAt.get(i) ?? new Map(),
          devBefore: dev,
          inline: records[i]!.inline === true,
        });
        if (choices[i] !== 0) dev++;
      }
      for (let i = 0; i < records.length; i++) {
        const node = stack[i]!;
        if (node.inline) {
          // No step of its own to race with others: its other answer is always worth a run.
          for (let idx = 0; idx < node.candidates.length; idx++) {
            const p = node.candidates[idx]!;
            if (node.devBefore + (idx !== 0 ? 1 : 0) > bound) {
              if (!node.done.has(p)) this.boundCut = true;
              continue;
            }
            node.backtrack.add(p);
          }
          continue;
        }
        const step = sched.steps[records[i]!.step];
        if (step !== undefined) {
          // A step with a race point in it touches different things for each answer there: keep what every run of it touched.
          const p = node.candidates[choices[i]!]!;
          const had = node.doneFoot.get(p);
          node.doneFoot.set(p, had === undefined ? step.footprint : [...new Set([...had, ...step.footprint])]);
        }
      }
      if (!strategy.blocked) {
        for (const [c, pids] of findRaces(sched.steps, records, this.timeMode === 'timed')) {
          const node = stack[c];
          if (node === undefined) continue;
          const add = pids === 'all' ? node.candidates : [...pids];
          for (const p of add) {
            const idx = node.candidates.indexOf(p);
            if (idx < 0 || node.sleep.has(p)) continue;
            if (node.devBefore + (idx !== 0 ? 1 : 0) > bound) {
              if (!node.done.has(p)) this.boundCut = true;
              continue;
            }
            node.backtrack.add(p);
          }
        }
      }
      let next = -1;
      for (let c = stack.length - 1; c >= 0 && next < 0; c--) {
        const node = stack[c]!;
        for (const p of node.candidates) {
          if (node.backtrack.has(p) && !node.done.has(p)) {
            node.done.add(p);
            node.chosen = node.candidates.indexOf(p);
            next = c;
            break;
          }
        }
      }
      if (next < 0) return true;
      stack.length = next + 1;
      prefix = stack.map((n) => n.chosen);
      const node = stack[next]!;
      initialSleep = new Map(node.sleep);
      for (const [q, f] of node.doneFoot) if (q !== node.candidates[node.chosen]) initialSleep.set(q, f);
    }
  }

  /**
   * Removing one deviation at a time can get stuck: two deviations may
   * only work together, or a different, shorter schedule may reach the
   * same outcome. Search every schedule with at most k deviations, for k
   * from 0 up (at most SHRINK_MAX_BOUND, each search within
   * SHRINK_SEARCH_RUNS runs), once for all classes: a class takes the
   * first search that reaches it with fewer deviations than it has, and
   * the searches stop when no class could get shorter. Within that budget
   * each class ends with the fewest deviations there are.
   */
  private async fewestDeviations(byClass: ReadonlyMap<string, number[]>): Promise<Map<string, number[]>> {
    const out = new Map(byClass);
    const longest = (): number => Math.max(0, ...[...out.values()].map(deviationsOf));
    for (let k = 0; k < longest() && k <= SHRINK_MAX_BOUND; k++) {
      const bounded = new Explorer(this.scenario, { strategy: 'exhaustive', timeMode: this.timeMode, bound: k, runs: SHRINK_SEARCH_RUNS, shrink: false });
      for (const hit of (await bounded.explore()).outcomes) {
        const have = out.get(hit.signature);
        if (have === undefined) continue;
        const shorter = decodeSchedule(hit.schedule).deviations;
        if (shorter.size < deviationsOf(have)) out.set(hit.signature, choicesOf(shorter));
      }
    }
    return out;
  }

  /** Remove deviations one at a time while the outcome stays the same. */
  private async shrink(signature: string, choices: readonly number[]): Promise<number[]> {
    let devs = new Map<number, number>();
    choices.forEach((c, i) => {
      if (c !== 0) devs.set(i, c);
    });
    let changed = true;
    while (changed) {
      changed = false;
      for (const idx of [...devs.keys()].reverse()) {
        const trial = new Map(devs);
        trial.delete(idx);
        const r = await runScenario(this.scenario, { strategy: new DeviationStrategy(trial), timeMode: this.timeMode, powerOff: true, fromImage: this.fromImage });
        await letWeakRefsGo();
        if (outcomeOf(r).signature === signature) {
          devs = new Map<number, number>();
          r.choices.forEach((c, i) => {
            if (c !== 0) devs.set(i, c);
          });
          changed = true;
          break;
        }
      }
    }
    const out: number[] = [];
    for (const [i, c] of devs) {
      while (out.length < i) out.push(0);
      out[i] = c;
    }
    return out;
  }

  /** Knuth's estimator of the number of schedules without reduction: mean product of branching factors over random paths. */
  async naiveEstimate(probes: number, seed = 1): Promise<number> {
    let sum = 0;
    for (let i = 0; i < probes; i++) {
      const r = await runScenario(this.scenario, { strategy: new RandomStrategy(seed * 7919 + i), timeMode: this.timeMode, recordSteps: true, powerOff: true, fromImage: this.fromImage });
      await letWeakRefsGo();
      let prod = 1;
      for (const c of r.machine?.kernel.sched.choiceRecords ?? []) prod *= c.candidates.length;
      sum += prod;
    }
    return sum / probes;
  }
}

export async function explore(scenario: Scenario, opts: ExploreOptions = {}): Promise<ExploreReport> {
  return await new Explorer(scenario, opts).explore();
}
