// SPDX-License-Identifier: GPL-2.0-only
/**
 * CONFIG_PROVE_LOCKING and the workqueue's lockdep maps: a flush from inside
 * the item it waits for, or from an item of the queue it flushes, is
 * reported as "possible recursive locking detected" before the task blocks
 * (kernel-semantics §3); the first report turns lock debugging off.
 */
import { expect } from 'chai';
import type { work_struct } from '../../framework/include/linux/workqueue_types.js';
import { __WQ_ORDERED } from '../../framework/include/linux/workqueue_types.js';
import { runScenario } from '../../harness/run.js';
import { parseScenario } from '../../harness/scenario.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { boot, runInit, type Kernel } from './fixture.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function proving(): Kernel {
  const k = boot();
  k.lockdep.enabled = true;
  return k;
}

const lines = (k: Kernel): string[] => k.log.lines().map((l) => l.replace(/^\[[ \d.]+\] /, ''));

describe('lockdep: the workqueue maps (CONFIG_PROVE_LOCKING)', () => {
  it('a work item flushing itself: recursive locking on its work map, at __flush_work, then the deadlock', async () => {
    const k = proving();
    const w: work_struct = k.api.__WORK_INITIALIZER(async function hmem_flush_self() {
      await k.api.flush_work(w);
    });
    const o = await runInit(k, async () => {
      k.api.queue_work(k.api.system_long_wq, w);
    });
    expect(o.status).to.equal('deadlock');
    const log = lines(k);
    const at = log.indexOf('WARNING: possible recursive locking detected');
    expect(log.slice(at - 2, at + 27)).to.deep.equal([
      '',
      '============================================',
      'WARNING: possible recursive locking detected',
      '7.0.0-kshim #1 Not tainted',
      '--------------------------------------------',
      'kworker/0:0/2 is trying to acquire lock:',
      'ffffffff00000000 ((work_completion)(hmem_flush_self)){+.+.}-{0:0}, at: __flush_work',
      '',
      'but task is already holding lock:',
      'ffffffff00000000 ((work_completion)(hmem_flush_self)){+.+.}-{0:0}, at: process_one_work',
      '',
      'other info that might help us debug this:',
      ' Possible unsafe locking scenario:',
      '',
      '       CPU0',
      '       ----',
      '  lock((work_completion)(hmem_flush_self));',
      '  lock((work_completion)(hmem_flush_self));',
      '',
      ' *** DEADLOCK ***',
      '',
      ' May be due to missing lock nesting notation',
      '',
      '2 locks held by kworker/0:0/2:',
      ' #0: ffffffff00000000 ((wq_completion)events_long){+.+.}-{0:0}, at: process_one_work',
      ' #1: ffffffff00000000 ((work_completion)(hmem_flush_self)){+.+.}-{0:0}, at: process_one_work',
      '',
      'stack backtrace:',
      'CPU: 0 UID: 0 PID: 2 Comm: kworker/0:0 Not tainted 7.0.0-kshim #1 PREEMPT(full)',
    ]);
    const trace = log.slice(log.indexOf(' <TASK>', at) + 1, log.indexOf(' </TASK>', at));
    expect(trace.slice(0, 3)).to.deep.equal([' __flush_work', ' flush_work', ' hmem_flush_self']);
    expect(k.panic.warnings.map((w) => [w.kind, w.function])).to.deep.equal([['lockdep', '__flush_work']]);
  });

  it('flush_workqueue() from an item of that queue: recursive locking on the queue\'s map, at __flush_workqueue', async () => {
    const k = proving();
    const wq = k.api.alloc_ordered_workqueue('dax_hmem_wq', 0)!;
    const w: work_struct = k.api.__WORK_INITIALIZER(async function process_defer_work() {
      await k.api.flush_workqueue(wq);
    });
    await runInit(k, async () => {
      k.api.queue_work(wq, w);
    });
    expect(lines(k)).to.include('ffffffff00000000 ((wq_completion)dax_hmem_wq){+.+.}-{0:0}, at: __flush_workqueue');
    expect(k.panic.warnings.map((x) => x.function)).to.deep.equal(['__flush_workqueue']);
  });

  it('on an ordered queue, flush_work() of another item from an item of the same queue is recursion on the queue\'s map', async () => {
    const k = proving();
    const wq = k.api.alloc_ordered_workqueue('dax_hmem_wq', 0)!;
    const other: work_struct = k.api.__WORK_INITIALIZER(async function second() {});
    const first: work_struct = k.api.__WORK_INITIALIZER(async function first_flushes_second() {
      await k.api.flush_work(other);
    });
    const o = await runInit(k, async () => {
      k.api.queue_work(wq, first);
      k.api.queue_work(wq, other);
    });
    expect(o.status).to.equal('deadlock');
    expect(lines(k)).to.include('ffffffff00000000 ((wq_completion)dax_hmem_wq){+.+.}-{0:0}, at: __flush_work');
    expect(wq.flags & __WQ_ORDERED).to.not.equal(0);
  });

  it('the first report turns lock debugging off: a second self-flush deadlocks without a report; and without PROVE_LOCKING there is none', async () => {
    const k = proving();
    const mk = (name: string): work_struct => {
      const w: work_struct = k.api.__WORK_INITIALIZER({ [name]: async () => { await k.api.flush_work(w); } }[name]!);
      return w;
    };
    await runInit(k, async () => {
      k.api.queue_work(k.api.system_long_wq, mk('one'));
      k.api.queue_work(k.api.system_wq, mk('two'));
    });
    expect(lines(k).filter((l) => l === 'WARNING: possible recursive locking detected')).to.have.length(1);

    const off = boot();
    const w: work_struct = off.api.__WORK_INITIALIZER(async function hmem_flush_self() {
      await off.api.flush_work(w);
    });
    expect((await runInit(off, async () => void off.api.queue_work(off.api.system_long_wq, w))).status).to.equal('deadlock');
    expect(off.panic.warnings).to.deep.equal([]);
  });

  it('every shipped scenario boots with PROVE_LOCKING=y without a lockdep report', async function () {
    this.timeout(60_000);
    const dir = join(ROOT, 'scenarios');
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const s = parseScenario(readFileSync(join(dir, name), 'utf8'), name, { set: { PROVE_LOCKING: 'y' } });
      const { result, machine } = await runScenario(s);
      if (machine !== null) expect(machine.kernel.lockdep.enabled, name).to.equal(true);
      expect(result.dmesg.filter((l) => l.includes('possible recursive locking')), name).to.deep.equal([]);
    }
  });
});
