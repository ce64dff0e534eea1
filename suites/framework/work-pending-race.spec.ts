// SPDX-License-Identifier: GPL-2.0-only
/**
 * work_pending() against a kworker on another CPU (docs/scheduler.md, "Races
 * inside a step"): a task that queued an item and tests PENDING before it
 * passes a scheduling point may find it already cleared, because the
 * kworker given the item can start it at any moment. The scheduler offers
 * that race as a choice point inside the step (Scheduler.raceChoice()).
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { work_struct } from '../../framework/include/linux/workqueue_types.js';
import { completion } from '../../framework/kernel/locking.js';
import { DeviationStrategy, type SchedulingStrategy } from '../../framework/sim/strategy.js';
import { Explorer } from '../../harness/explore/explorer.js';
import { explainSchedule } from '../../harness/explore/explain.js';
import { runScenario, strategyFor } from '../../harness/run.js';
import { parseScenario } from '../../harness/scenario.js';
import { decodeSchedule } from '../../harness/schedule.js';
import { boot, everySchedule, Recorder, runInit, type Kernel } from './fixture.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** PID 1 queues an item, then tests it at once, as a probe that finds its own work queued does. */
async function queueThenTest(k: Kernel, rec: Recorder): Promise<void> {
  const w: work_struct = k.api.__WORK_INITIALIZER(function defer_work() {
    rec.push(`run in ${k.sched.current!.comm}`);
  });
  await runInit(k, async () => {
    k.api.queue_work(k.api.system_wq, w);
    rec.push(`work_pending ${k.api.work_pending(w)}`);
    rec.push(`queue_work again ${k.api.queue_work(k.api.system_wq, w)}`);
  });
}

/** A kernel-level program: what it saw, as a string. */
type Program = (k: Kernel) => Promise<string>;

/** What every schedule of `program` gives (the fixture's plain enumeration, no reduction). */
async function everyOutcome(program: Program): Promise<string[]> {
  const out = new Set<string>();
  await everySchedule(async (strategy) => {
    const k = boot({ scheduler: { strategy } });
    out.add(await program(k));
    return k;
  }, 10_000);
  return [...out].sort();
}

/**
 * What the explorer's exhaustive search (DPOR and sleep sets) gives for a
 * kernel-level program: its run() boots a scenario, so the test puts the
 * program in its place.
 */
async function exhaustiveOutcomes(program: Program): Promise<{ outcomes: string[]; complete: boolean }> {
  const explorer = new Explorer({} as never, { strategy: 'exhaustive', runs: 5000 });
  const out = new Set<string>();
  const internals = explorer as unknown as { run: unknown; exhaustive(): Promise<boolean> };
  internals.run = async (strategy: SchedulingStrategy, record: boolean) => {
    const k = boot({ scheduler: { strategy, recordSteps: record } });
    (strategy as { attach?: (s: unknown) => void }).attach?.(k.sched);
    out.add(await program(k));
    return { machine: { kernel: k }, choices: k.sched.choices };
  };
  const complete = await internals.exhaustive();
  return { outcomes: [...out].sort(), complete };
}

/**
 * Two tasks and two shared values: the queuer queues an item and, if it
 * still finds it pending, writes X then Y; the reader reads X then Y and
 * returns what it saw. Either may pass a scheduling point between its two
 * accesses, and `first` is spawned first.
 */
function twoTasks(shape: { first: 'reader' | 'queuer'; preemptQueuer: boolean; preemptReader: boolean }): Program {
  return async (k) => {
    const s = { X: 0, Y: 0 };
    let seen = '';
    const w: work_struct = k.api.__WORK_INITIALIZER(function idle_work() {});
    const queuer = async (): Promise<void> => {
      k.api.queue_work(k.api.system_wq, w);
      if (!k.api.work_pending(w)) return;
      s.X = 1;
      k.sched.touch('X');
      if (shape.preemptQueuer) await k.sched.preempt();
      s.Y = 1;
      k.sched.touch('Y');
    };
    const reader = async (): Promise<void> => {
      k.sched.touch('X', 'r');
      seen = `X=${s.X}`;
      if (shape.preemptReader) await k.sched.preempt();
      k.sched.touch('Y', 'r');
      seen += ` Y=${s.Y}`;
    };
    const order = shape.first === 'reader' ? [['reader', reader], ['queuer', queuer]] as const : [['queuer', queuer], ['reader', reader]] as const;
    for (const [name, body] of order) k.sched.spawn(name, 'kthread', body);
    await k.sched.run();
    return seen;
  };
}

describe('work_pending(), queue_work() and cancel_work_sync() racing the kworker that starts the item', () => {
  it('by default the kworker has not started: PENDING is set, and a second queue_work() is refused', async () => {
    const k = boot();
    const rec = new Recorder();
    await queueThenTest(k, rec);
    expect(rec.events).to.deep.equal(['work_pending true', 'queue_work again false', 'run in kworker/0:0']);
    // Two race points: work_pending() and queue_work()'s own test of PENDING.
    expect(k.sched.choices).to.deep.equal([0, 0]);
  });

  it('the other answer: the kworker already cleared PENDING, so the item can be queued again and runs twice', async () => {
    const k = boot({ scheduler: { strategy: new DeviationStrategy(new Map([[0, 1]])) } });
    const rec = new Recorder();
    await queueThenTest(k, rec);
    expect(rec.events).to.deep.equal(['work_pending false', 'queue_work again true', 'run in kworker/0:0', 'run in kworker/0:1']);
    expect(k.wq.pendingWork()).to.deep.equal([]);
  });

  it('queue_work() tests PENDING too: if the kworker started in between, the second queue_work() succeeds; every schedule is one of three', async () => {
    const seen = new Set<string>();
    const schedules = await everySchedule(async (strategy) => {
      const k = boot({ scheduler: { strategy } });
      const rec = new Recorder();
      await queueThenTest(k, rec);
      seen.add(rec.events.join(', '));
      return k;
    });
    expect(schedules.length).to.be.greaterThan(1);
    expect([...seen].sort()).to.deep.equal([
      'work_pending false, queue_work again true, run in kworker/0:0, run in kworker/0:1',
      'work_pending true, queue_work again false, run in kworker/0:0',
      'work_pending true, queue_work again true, run in kworker/0:0, run in kworker/0:1',
    ]);
  });

  it('cancel_work_sync() grabs the queued item (true, it never runs), unless its kworker started it first (false, after the run)', async () => {
    const outcomes = new Set<string>();
    await everySchedule(async (strategy) => {
      const k = boot({ scheduler: { strategy } });
      const rec = new Recorder();
      const w: work_struct = k.api.__WORK_INITIALIZER(function cancelled_work() {
        rec.push('run');
      });
      await runInit(k, async () => {
        k.api.queue_work(k.api.system_wq, w);
        rec.push(`cancel_work_sync ${await k.api.cancel_work_sync(w)}`);
      });
      outcomes.add(rec.events.join(', '));
      return k;
    });
    expect([...outcomes].sort()).to.deep.equal(['cancel_work_sync true', 'run, cancel_work_sync false']);
  });

  it('is no race while the item\'s kworker is running it (queued again meanwhile): PENDING is the new instance\'s, and everything still runs and flushes', async () => {
    const k = boot({ scheduler: { strategy: new DeviationStrategy(new Map([[0, 1]])) } });
    const rec = new Recorder();
    const c = new completion('c');
    let n = 0;
    const w: work_struct = k.api.__WORK_INITIALIZER(async function held_work() {
      const i = ++n;
      if (i === 1) await k.api.wait_for_completion(c);
      rec.push(`run ${i} ends`);
    });
    const outcome = await runInit(k, async () => {
      k.api.queue_work(k.api.system_wq, w);
      await k.api.msleep(1);
      k.api.queue_work(k.api.system_wq, w);
      k.api.complete(c);
      rec.push(`work_pending ${k.api.work_pending(w)}`);
      await k.api.flush_workqueue(k.api.system_wq);
      rec.push('flushed');
    });
    expect(outcome.status).to.equal('idle');
    expect(rec.events).to.deep.equal(['work_pending true', 'run 1 ends', 'run 2 ends', 'flushed']);
    expect(k.wq.pendingWork()).to.deep.equal([]);
  });

  it('the explorer finds every outcome of a step that reads PENDING and then goes on touching what others read (sleep sets wait for the whole step)', async () => {
    const program = twoTasks({ first: 'reader', preemptQueuer: true, preemptReader: false });
    const every = await everyOutcome(program);
    expect(every).to.deep.equal(['X=0 Y=0', 'X=1 Y=0', 'X=1 Y=1']);
    expect(await exhaustiveOutcomes(program)).to.deep.equal({ outcomes: every, complete: true });
  });

  it('the explorer finds every outcome when the step with the race touches different things for each answer (what a task did there is the union)', async () => {
    const program = twoTasks({ first: 'queuer', preemptQueuer: false, preemptReader: true });
    const every = await everyOutcome(program);
    expect(every).to.deep.equal(['X=0 Y=0', 'X=0 Y=1', 'X=1 Y=1']);
    expect(await exhaustiveOutcomes(program)).to.deep.equal({ outcomes: every, complete: true });
  });

  it('mainline under DEBUG_TEST_DRIVER_REMOVE: hmem_platform\'s second probe finds its work pending (-EBUSY, nobody owns), unless the kworker started it first (HMEM owns)', async () => {
    const file = `${ROOT}scenarios/mainline-modular.json`;
    const scenario = parseScenario(readFileSync(file, 'utf8'), file, { set: { DEBUG_TEST_DRIVER_REMOVE: 'y' } });
    const report = await new Explorer(scenario, { strategy: 'exhaustive', runs: 400 }).explore();
    const owners = new Map(report.outcomes.map((o) => [o.owners.map((x) => x ?? 'none').join(','), o]));
    expect([...owners.keys()].sort()).to.deep.equal(['dax_hmem', 'none']);
    expect(owners.get('none')!.shrunk).to.equal('t.');

    const raced = owners.get('dax_hmem')!.shrunk;
    expect(owners.get('dax_hmem')!.deviations).to.equal(1);
    const spec = decodeSchedule(raced);
    const r = await runScenario(scenario, { strategy: strategyFor(spec), timeMode: spec.timeMode });
    const d = r.result.dmesg.map((l) => l.replace(/^\[[ 0-9.]+\] /, ''));
    expect(d).to.not.include('hmem_platform hmem_platform.0: probe with driver hmem_platform failed with error -16');
    expect(d).to.include('hmem_platform hmem_platform.0: CXL did not claim resource, registering: [mem 0x850000000-0x284fffffff flags 0x80000200]');
    const [line] = await explainSchedule(scenario, raced);
    expect(line).to.match(/kworker\/u4:\d+\[\d+\] \(work dax_hmem_wq process_defer_work\) had started process_defer_work, clearing PENDING, when work_pending\(\) read it in \(udev-worker\)\[\d+\] \(in probe hmem_platform hmem_platform\.0\)$/);

    const plain = await runScenario(scenario, {});
    expect(plain.result.dmesg.some((l) => l.endsWith('hmem_platform hmem_platform.0: probe with driver hmem_platform failed with error -16'))).to.equal(true);
    expect(plain.result.softReserved.map((s) => s.owner)).to.deep.equal([null]);
  });
});
