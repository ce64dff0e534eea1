// SPDX-License-Identifier: GPL-2.0-only
/**
 * Asynchronous function calls (kernel/async.c): async_schedule_dev,
 * async_synchronize_full, current_is_async: kernel-semantics §1.5.
 */
import { expect } from 'chai';
import { RandomStrategy } from '../../framework/sim/strategy.js';
import { boot, Recorder, runInit } from './fixture.js';

describe('async function calls', () => {
  it('async_schedule_dev returns a cookie at once; the function runs only after the caller yields', async () => {
    const k = boot();
    const rec = new Recorder();
    const cookies: number[] = [];
    await runInit(k, async () => {
      cookies.push(k.api.async_schedule_dev(() => rec.push('async fn'), null));
      cookies.push(k.api.async_schedule_dev(() => rec.push('async fn 2'), null));
      rec.push('caller still running');
      await k.api.msleep(1);
      rec.push('caller after yield');
    });
    expect(cookies).to.deep.equal([1, 2]);
    expect(rec.events).to.deep.equal(['caller still running', 'async fn', 'async fn 2', 'caller after yield']);
  });

  it('async entries run concurrently: the shorter one finishes first, the total is the longest', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      k.api.async_schedule(async () => {
        await k.api.msleep(20);
        rec.push('long done');
      }, null);
      k.api.async_schedule(async () => {
        await k.api.msleep(10);
        rec.push('short done');
      }, null);
      await k.api.async_synchronize_full();
      rec.push(`synchronized@${k.sched.now / 1000}`);
    });
    expect(rec.events).to.deep.equal(['short done', 'long done', 'synchronized@20']);
  });

  it('async entries are unordered: over several seeds the second-scheduled one sometimes starts first', async () => {
    const firsts = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const k = boot({ scheduler: { strategy: new RandomStrategy(seed) } });
      const rec = new Recorder();
      await runInit(k, async () => {
        k.api.async_schedule(() => rec.push('first'), null);
        k.api.async_schedule(() => rec.push('second'), null);
      });
      firsts.add(rec.events[0]!);
    }
    expect([...firsts].sort()).to.deep.equal(['first', 'second']);
  });

  it('async_synchronize_full returns at once when nothing is pending', async () => {
    const k = boot();
    const rec = new Recorder();
    const o = await runInit(k, async () => {
      await k.api.async_synchronize_full();
      rec.push(`returned@${k.sched.now / 1000}`);
    });
    expect(o.status).to.equal('idle');
    expect(rec.events).to.deep.equal(['returned@0']);
    expect(k.sched.now).to.equal(0);
  });

  it('async_synchronize_full also waits for entries scheduled while it waits', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      k.api.async_schedule(async () => {
        await k.api.msleep(10);
        k.api.async_schedule(async () => {
          await k.api.msleep(30);
          rec.push(`nested done@${k.sched.now / 1000}`);
        }, null);
      }, null);
      await k.api.async_synchronize_full();
      rec.push(`synchronized@${k.sched.now / 1000}`);
    });
    expect(rec.events).to.deep.equal(['nested done@40', 'synchronized@40']);
  });

  it('current_is_async() is true inside an async function and false in its caller and in a work item', async () => {
    const k = boot();
    const seen: string[] = [];
    await runInit(k, async () => {
      seen.push(`caller ${k.api.current_is_async()}`);
      k.api.async_schedule(() => void seen.push(`async ${k.api.current_is_async()}`), null);
      k.api.schedule_work(k.api.__WORK_INITIALIZER(() => void seen.push(`work ${k.api.current_is_async()}`)));
      await k.api.async_synchronize_full();
    });
    expect(seen).to.deep.equal(['caller false', 'async true', 'work false']);
  });

  it('async_synchronize_full from an async function waits for itself: deadlock, reported with the pending entry', async () => {
    const k = boot();
    const o = await runInit(k, async () => {
      k.api.async_schedule(async function do_populate_rootfs() {
        await k.api.async_synchronize_full();
      }, null);
    });
    expect(o.status).to.equal('deadlock');
    expect(o.deadlock!.message).to.contain('waits for async_synchronize_full (1 pending: do_populate_rootfs), held by kworker/u4:0 (pid 2)');
  });

  it('async functions run on the dedicated "async" workqueue: a WARN in one shows "Workqueue: async async_run_entry_fn"', async () => {
    const k = boot();
    await runInit(k, async () => {
      k.api.async_schedule_dev(function cxl_pci_probe_async() {
        k.api.WARN_ON(true);
      }, null);
    });
    const lines = k.log.records.map((r) => r.text);
    expect(lines.filter((l) => l.startsWith('Workqueue:'))).to.deep.equal(['Workqueue: async async_run_entry_fn']);
  });

  it('flush_workqueue(system_unbound_wq) does not wait for async functions, which are not on it', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      k.api.async_schedule(async () => {
        await k.api.msleep(10);
        rec.push('async fn done');
      }, null);
      await k.api.flush_workqueue(k.api.system_unbound_wq);
      rec.push('flush returned');
    });
    expect(rec.events).to.deep.equal(['flush returned', 'async fn done']);
  });

  it('an async function that oopses stays pending: a later async_synchronize_full never returns, and the report names the dead kworker', async () => {
    const k = boot();
    const rec = new Recorder();
    const o = await runInit(k, async () => {
      k.api.async_schedule(function crashing_probe() {
        k.api.BUG();
      }, null);
      await k.api.msleep(1);
      await k.api.async_synchronize_full();
      rec.push('unreachable');
    });
    expect(rec.events).to.deep.equal([]);
    expect(o.status).to.equal('deadlock');
    expect(o.deadlock!.message).to.contain('swapper/0 (pid 1) waits for async_synchronize_full (1 pending: crashing_probe), held by kworker/u4:0 (pid 2) [dead]');
  });

  it('the data pointer and the cookie are passed to the async function', async () => {
    const k = boot();
    const got: unknown[] = [];
    const data = { dev: 'hmem.0' };
    await runInit(k, async () => {
      const c = k.api.async_schedule_dev((d, cookie) => void got.push(d, cookie), data);
      got.push(c);
    });
    expect(got).to.deep.equal([1, data, 1]);
  });
});
