// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import type { ChoiceRecord, StepRecord } from '../../framework/sim/scheduler.js';
import { conflicts, findRaces } from '../../harness/explore/dpor.js';

function step(pid: number, footprint: string[], choice = -1, cause = -1, time = 0): StepRecord {
  return { pid, comm: `t${pid}`, choice, footprint, cause, time };
}

describe('explorer: partial-order reduction', () => {
  it('treats writes as conflicting with everything, reads only with writes and updates, updates only with writes and reads', () => {
    expect(conflicts(['wlock:a'], ['wlock:a'])).to.equal(true);
    expect(conflicts(['rprobe_count'], ['rprobe_count'])).to.equal(false);
    expect(conflicts(['cprobe_count'], ['cprobe_count'])).to.equal(false);
    expect(conflicts(['cprobe_count'], ['rprobe_count'])).to.equal(true);
    expect(conflicts(['rprobe_count'], ['cprobe_count'])).to.equal(true);
    for (const [w, other] of [['wdev:a', 'rdev:a'], ['wdev:a', 'cdev:a']]) {
      expect(conflicts([w!], [other!]), `${w} vs ${other}`).to.equal(true);
      expect(conflicts([other!], [w!]), `${other} vs ${w}`).to.equal(true);
    }
    expect(conflicts(['wdev:a'], ['wdev:b'])).to.equal(false);
    expect(conflicts(['rdev:a', 'wlock:x'], ['rdev:a', 'rlock:x']), 'any shared key written').to.equal(true);
  });

  it('reverses a race between two tasks that touch the same lock at the choice point of the first', () => {
    const choices: ChoiceRecord[] = [{ candidates: [1, 2], step: 0 }];
    const steps = [step(1, ['wlock:x'], 0), step(2, ['wlock:x'])];
    const bt = findRaces(steps, choices);
    expect([...(bt.get(0) as Set<number>)]).to.deep.equal([2]);
  });

  it('adds nothing for independent steps', () => {
    const choices: ChoiceRecord[] = [{ candidates: [1, 2], step: 0 }];
    const steps = [step(1, ['wdev:a'], 0), step(2, ['wdev:b'])];
    expect(findRaces(steps, choices).size).to.equal(0);
  });

  it('does not reverse steps ordered by a wake-up (happens-before), even when they conflict', () => {
    const choices: ChoiceRecord[] = [{ candidates: [1, 2], step: 0 }];
    const steps = [step(1, ['wlock:x'], 0), step(2, ['wlock:x'], -1, 0)];
    expect(findRaces(steps, choices).size).to.equal(0);
  });

  it('in timed mode, does not try to move a step before one that began at an earlier virtual time', () => {
    const choices: ChoiceRecord[] = [{ candidates: [1, 3], step: 0 }];
    const steps = [step(1, ['wrootfs'], 0, -1, 10), step(2, ['wrootfs'], -1, -1, 3_000_000)];
    expect(findRaces(steps, choices, true).size).to.equal(0);
    expect(findRaces(steps, choices, false).size).to.equal(1);
  });

  it('tries a candidate whose next step leads to the racing step when that task was not yet a candidate', () => {
    // Task 3 spawns task 2, whose step races with task 1's.
    const choices: ChoiceRecord[] = [{ candidates: [1, 3], step: 0 }];
    const steps = [step(1, ['wlock:x'], 0), step(3, []), step(2, ['wlock:x'], -1, 1)];
    expect([...(findRaces(steps, choices).get(0) as Set<number>)]).to.deep.equal([3]);
  });
});
