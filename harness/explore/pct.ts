// SPDX-License-Identifier: GPL-2.0-only
/**
 * PCT, probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010):
 * every task gets a random priority when first seen; at d-1 random
 * choice points the running task's priority drops below all others. The
 * highest-priority candidate runs. A bug of depth d is found with
 * probability at least 1/(n k^(d-1)) per run.
 */
import { Prng } from '../../framework/sim/prng.js';
import type { ChoicePoint, SchedulingStrategy } from '../../framework/sim/strategy.js';

export class PctStrategy implements SchedulingStrategy {
  private readonly prng: Prng;
  private readonly priority = new Map<number, number>();
  private readonly changePoints = new Set<number>();
  private low = 0;

  /** `depth` d, and the expected number of choice points k of a run (to place the change points). */
  constructor(seed: number, depth: number, expectedChoices: number) {
    this.prng = new Prng(seed);
    for (let i = 0; i < depth - 1; i++) this.changePoints.add(this.prng.below(Math.max(1, expectedChoices)));
  }

  choose(point: ChoicePoint): number {
    for (const t of point.candidates) if (!this.priority.has(t.pid)) this.priority.set(t.pid, 1000 + this.prng.below(1_000_000));
    if (this.changePoints.has(point.index) && point.preempting !== null) this.priority.set(point.preempting.pid, --this.low);
    let best = 0;
    for (let i = 1; i < point.candidates.length; i++) {
      if (this.priority.get(point.candidates[i]!.pid)! > this.priority.get(point.candidates[best]!.pid)!) best = i;
    }
    return best;
  }
}
