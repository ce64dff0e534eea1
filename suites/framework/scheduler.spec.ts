// SPDX-License-Identifier: GPL-2.0-only
import { expect } from 'chai';
import { Scheduler } from '../../framework/sim/scheduler.js';
import { RandomStrategy, ReplayStrategy } from '../../framework/sim/strategy.js';
import type { Waitable } from '../../framework/sim/task.js';

describe('scheduler and virtual time', () => {
  it('runs one task at a time and interleaves only at preemption points', async () => {
    const s = new Scheduler();
    const log: string[] = [];
    for (const name of ['a', 'b']) {
      s.spawn(name, 'kthread', async () => {
        log.push(`${name}1`);
        log.push(`${name}2`);
        await s.preempt();
        log.push(`${name}3`);
      });
    }
    const o = await s.run();
    expect(o.status).to.equal('idle');
    expect(log).to.deep.equal(['a1', 'a2', 'b1', 'b2', 'a3', 'b3']);
  });

  it('advances virtual time only at modelled durations, earliest wake first', async () => {
    const s = new Scheduler();
    const log: string[] = [];
    s.spawn('slow', 'kthread', async () => {
      await s.sleep(300);
      log.push(`slow@${s.now}`);
    });
    s.spawn('fast', 'kthread', async () => {
      await s.sleep(100);
      log.push(`fast@${s.now}`);
    });
    await s.run();
    expect(log).to.deep.equal(['fast@100', 'slow@300']);
    expect(s.now).to.equal(300);
  });

  it('offers a choice only when two or more tasks could run, and records it', async () => {
    const s = new Scheduler();
    s.spawn('a', 'kthread', async () => {});
    s.spawn('b', 'kthread', async () => {});
    await s.run();
    expect(s.choices).to.deep.equal([0]);
  });

  it('replays a recorded list of choices exactly', async () => {
    const record = async (strategy?: RandomStrategy | ReplayStrategy) => {
      const s = new Scheduler({ strategy });
      const log: string[] = [];
      for (const n of ['a', 'b', 'c']) {
        s.spawn(n, 'kthread', async () => {
          for (let i = 0; i < 3; i++) {
            log.push(`${n}${i}`);
            await s.preempt();
          }
        });
      }
      await s.run();
      return { log, choices: s.choices.slice() };
    };
    const first = await record(new RandomStrategy(42));
    const again = await record(new ReplayStrategy(first.choices));
    expect(again.log).to.deep.equal(first.log);
    const other = await record(new RandomStrategy(7));
    expect(other.log).to.not.deep.equal(first.log);
  });

  it('reports a deadlock with the wait-for chain instead of hanging', async () => {
    const s = new Scheduler();
    const tasks: Record<string, ReturnType<Scheduler['spawn']>> = {};
    const lockA: Waitable = { describe: () => 'lock A', holders: () => [tasks['t1']!] };
    const lockB: Waitable = { describe: () => 'lock B', holders: () => [tasks['t2']!] };
    tasks['t1'] = s.spawn('t1', 'kthread', async () => {
      await s.block(lockB);
    });
    tasks['t2'] = s.spawn('t2', 'kthread', async () => {
      await s.block(lockA);
    });
    const o = await s.run();
    expect(o.status).to.equal('deadlock');
    expect(o.deadlock!.message).to.contain('t1 (pid 1) waits for lock B, held by t2 (pid 2)');
    expect(o.deadlock!.message).to.contain('t2 (pid 2) waits for lock A, held by t1 (pid 1)');
    expect(o.deadlock!.message).to.contain('the chain closes');
  });

  it('stops a runaway and names the looping task', async () => {
    const s = new Scheduler({ maxSteps: 1000 });
    s.spawn('quiet', 'kthread', async () => {});
    s.spawn('spinner', 'kthread', async () => {
      for (;;) await s.sleep(1);
    });
    const o = await s.run();
    expect(o.status).to.equal('runaway');
    expect(o.runaway!.task).to.equal('spinner (pid 2)');
  });
});
