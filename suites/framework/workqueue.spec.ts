// SPDX-License-Identifier: GPL-2.0-only
/**
 * Workqueues (kernel/workqueue.c): item initialisation, PENDING, flush and
 * cancel semantics, ordered and system queues, draining and destroying,
 * and the WARNs and deadlocks of kernel-semantics §3 and §8 items 27-32.
 */
import { expect } from 'chai';
import { delayed_work, work_struct, type workqueue_struct } from '../../framework/include/linux/workqueue_types.js';
import { RandomStrategy } from '../../framework/sim/strategy.js';
import { KERN_ERR } from '../../framework/kernel/printk.js';
import { boot, everySchedule, grep, Recorder, runInit, warningsOf, type Kernel } from './fixture.js';

/** A work function named `name` that records start and end around a sleep of `ms`. */
function sleeper(k: Kernel, rec: Recorder, name: string, ms: number): (w: work_struct) => Promise<void> {
  const f = async (): Promise<void> => {
    rec.push(`${name} start@${k.sched.now / 1000}`);
    await k.api.msleep(ms);
    rec.push(`${name} end@${k.sched.now / 1000}`);
  };
  Object.defineProperty(f, 'name', { value: name });
  return f;
}

function orderedWq(k: Kernel, name = 'dax_hmem_wq'): workqueue_struct {
  return k.api.alloc_ordered_workqueue(name, 0)!;
}

describe('workqueues', () => {
  describe('item initialisation and PENDING', () => {
    it('an INIT_WORK item and a __WORK_INITIALIZER item both run on a kworker', async () => {
      const k = boot();
      const rec = new Recorder();
      const dyn = new work_struct();
      k.api.INIT_WORK(dyn, () => rec.push(`dyn in ${k.sched.current!.comm}`));
      const stat = k.api.__WORK_INITIALIZER(() => rec.push(`static in ${k.sched.current!.comm}`));
      await runInit(k, async () => {
        k.api.schedule_work(dyn);
        k.api.schedule_work(stat);
      });
      expect(rec.events).to.deep.equal(['dyn in kworker/0:0', 'static in kworker/0:1']);
    });

    it('queue_work returns true, and false while the item is still pending', async () => {
      const k = boot();
      const rec = new Recorder();
      const w = k.api.__WORK_INITIALIZER(() => rec.push('run'));
      const rcs: boolean[] = [];
      await runInit(k, async () => {
        rcs.push(k.api.queue_work(k.api.system_wq, w));
        rcs.push(k.api.queue_work(k.api.system_wq, w));
      });
      expect(rcs).to.deep.equal([true, false]);
      expect(rec.events).to.deep.equal(['run']);
    });

    it('work_pending is true once queued and cleared just before the function starts', async () => {
      const k = boot();
      const seen: boolean[] = [];
      const w: work_struct = k.api.__WORK_INITIALIZER(() => void seen.push(k.api.work_pending(w)));
      await runInit(k, async () => {
        k.api.schedule_work(w);
        seen.push(k.api.work_pending(w));
      });
      expect(seen).to.deep.equal([true, false]);
      expect(k.api.work_pending(w)).to.equal(false);
    });

    it('an item queued again while it runs runs a second time, after the first run ended', async () => {
      const k = boot();
      const rec = new Recorder();
      const w = k.api.__WORK_INITIALIZER(sleeper(k, rec, 'w', 10));
      let rc = false;
      await runInit(k, async () => {
        k.api.schedule_work(w);
        await k.api.msleep(5);
        rc = k.api.schedule_work(w);
      });
      expect(rc).to.equal(true);
      expect(rec.events).to.deep.equal(['w start@0', 'w end@10', 'w start@10', 'w end@20']);
    });

    it('a zero-filled work_struct with only func assigned: queue_work WARNs in __queue_work, returns true, and stays pending forever', async () => {
      const k = boot();
      const rec = new Recorder();
      const w = new work_struct();
      w.func = () => rec.push('run');
      const rcs: boolean[] = [];
      await runInit(k, async () => {
        rcs.push(k.api.queue_work(k.api.system_wq, w));
        await k.api.msleep(100);
        rcs.push(k.api.queue_work(k.api.system_wq, w));
      });
      expect(rcs).to.deep.equal([true, false]);
      expect(rec.events).to.deep.equal([]);
      expect(k.api.work_pending(w)).to.equal(true);
      const ws = warningsOf(k);
      expect(ws.map((x) => x.function)).to.deep.equal(['__queue_work']);
      expect(ws[0]!.message).to.equal('WARNING: kernel/workqueue.c:2375 at __queue_work, CPU#0: swapper/0/1');
    });

    it('flush_work of a zero-filled work item WARNs at __flush_work (kernel/workqueue.c:4289) and returns false', async () => {
      const k = boot();
      let rc: boolean | null = null;
      await runInit(k, async () => {
        rc = await k.api.flush_work(new work_struct());
      });
      expect(rc).to.equal(false);
      const ws = warningsOf(k);
      expect(ws).to.have.length(1);
      expect(ws[0]!.function).to.equal('__flush_work');
      expect(ws[0]!.message).to.equal('WARNING: kernel/workqueue.c:4289 at __flush_work, CPU#0: swapper/0/1');
    });

    it('cancel_work_sync of a zero-filled work item WARNs at __flush_work and returns false', async () => {
      const k = boot();
      let rc: boolean | null = null;
      await runInit(k, async function hmem_exit() {
        rc = await k.api.cancel_work_sync(new work_struct());
      });
      expect(rc).to.equal(false);
      const ws = warningsOf(k);
      expect(ws.map((x) => x.message)).to.deep.equal(['WARNING: kernel/workqueue.c:4289 at __flush_work, CPU#0: swapper/0/1']);
      expect(ws[0]!.callTrace).to.include('cancel_work_sync');
    });
  });

  describe('an item queued on a second workqueue while it runs (non-reentrancy is per workqueue and pool)', () => {
    /** A work function named `name` that records where each run starts (kworker, Workqueue: line) and when it ends. */
    function where(k: Kernel, rec: Recorder, name: string, ms: (run: number) => number): (w: work_struct) => Promise<void> {
      let runs = 0;
      const f = async (): Promise<void> => {
        const run = ++runs;
        const t = k.sched.current!;
        rec.push(`${name}#${run} start@${k.sched.now / 1000} on ${t.comm} (${t.workqueueLine})`);
        await k.api.msleep(ms(run));
        rec.push(`${name}#${run} end@${k.sched.now / 1000}`);
      };
      Object.defineProperty(f, 'name', { value: name });
      return f;
    }

    it('running on system_wq (per-CPU pool) and queued on system_unbound_wq (unbound pool): queue_work returns true and the second instance starts at once, concurrently, on an unbound kworker; flush_work returns when it has run', async () => {
      const k = boot();
      const rec = new Recorder();
      const w = new work_struct();
      k.api.INIT_WORK(w, where(k, rec, 'hmem_work', () => 10));
      let rc: boolean | null = null;
      const o = await runInit(k, async () => {
        k.api.schedule_work(w);
        await k.api.msleep(1);
        rc = k.api.queue_work(k.api.system_unbound_wq, w);
        await k.api.msleep(1);
        rec.push(`pending@2 ${k.api.work_pending(w)}`);
        rec.push(`flush_work ${await k.api.flush_work(w)}@${k.sched.now / 1000}`);
      });
      expect(o.status).to.equal('idle');
      expect(rc).to.equal(true);
      expect(rec.events).to.deep.equal([
        'hmem_work#1 start@0 on kworker/0:0 (events hmem_work)',
        'hmem_work#2 start@1 on kworker/u4:0 (events_unbound hmem_work)',
        'pending@2 false',
        'hmem_work#1 end@10',
        'hmem_work#2 end@11',
        'flush_work true@11',
      ]);
      expect(k.leaks()).to.deep.equal([]);
    });

    it('running on system_wq and queued on system_long_wq (the same per-CPU pool): assign_work() finds the kworker running it, which runs the second instance right after the first, as events_long; flush_work waits for both', async () => {
      const k = boot();
      const rec = new Recorder();
      const w = new work_struct();
      k.api.INIT_WORK(w, where(k, rec, 'hmem_work', () => 10));
      const o = await runInit(k, async () => {
        k.api.schedule_work(w);
        await k.api.msleep(1);
        k.api.queue_work(k.api.system_long_wq, w);
        rec.push(`pending@1 ${k.api.work_pending(w)}`);
        rec.push(`flush_work ${await k.api.flush_work(w)}@${k.sched.now / 1000}`);
      });
      expect(o.status).to.equal('idle');
      expect(rec.events).to.deep.equal([
        'hmem_work#1 start@0 on kworker/0:0 (events hmem_work)',
        'pending@1 true',
        'hmem_work#1 end@10',
        'hmem_work#2 start@10 on kworker/0:0 (events_long hmem_work)',
        'hmem_work#2 end@20',
        'flush_work true@20',
      ]);
      expect(k.api.work_pending(w)).to.equal(false);
    });

    it('flush_work waits for the instance queued last only: queued on the unbound pool during a long run, it returns when that short second run ends, while the first still runs', async () => {
      const k = boot();
      const rec = new Recorder();
      const w = new work_struct();
      k.api.INIT_WORK(w, where(k, rec, 'hmem_work', (run) => (run === 1 ? 30 : 5)));
      await runInit(k, async () => {
        k.api.schedule_work(w);
        await k.api.msleep(1);
        k.api.queue_work(k.api.system_unbound_wq, w);
        rec.push(`flush_work ${await k.api.flush_work(w)}@${k.sched.now / 1000}`);
      });
      expect(rec.events).to.deep.equal([
        'hmem_work#1 start@0 on kworker/0:0 (events hmem_work)',
        'hmem_work#2 start@1 on kworker/u4:0 (events_unbound hmem_work)',
        'hmem_work#2 end@6',
        'flush_work true@6',
        'hmem_work#1 end@30',
      ]);
    });

    it('cancel_work_sync takes back the instance handed to the kworker that runs the item, which then never runs it', async () => {
      const k = boot();
      const rec = new Recorder();
      const w = new work_struct();
      k.api.INIT_WORK(w, where(k, rec, 'hmem_work', () => 10));
      const rcs: boolean[] = [];
      const o = await runInit(k, async () => {
        k.api.schedule_work(w);
        await k.api.msleep(1);
        rcs.push(k.api.queue_work(k.api.system_long_wq, w));
        rcs.push(await k.api.cancel_work_sync(w));
        rec.push(`cancelled@${k.sched.now / 1000}`);
      });
      expect(o.status).to.equal('idle');
      expect(rcs).to.deep.equal([true, true]);
      expect(rec.events).to.deep.equal(['hmem_work#1 start@0 on kworker/0:0 (events hmem_work)', 'hmem_work#1 end@10', 'cancelled@10']);
      expect(k.leaks()).to.deep.equal([]);
    });
  });

  describe('CONFIG_DEBUG_OBJECTS_WORK', () => {
    it('INIT_WORK on a queued item: ODEBUG "init active" WARN from debug_print_object, then the fixup cancels the queued instance, so the item runs only for the queue_work after it', async () => {
      const k = boot();
      const rec = new Recorder();
      const w = new work_struct();
      const hmem_work = (): void => rec.push(`run@${k.sched.now / 1000}`);
      k.api.INIT_WORK(w, hmem_work);
      const o = await runInit(k, async function hmem_init() {
        rec.push(`queue ${k.api.queue_work(k.api.system_wq, w)}`);
        k.api.INIT_WORK(w, hmem_work);
        rec.push(`pending ${k.api.work_pending(w)}`);
        rec.push(`flush ${await k.api.flush_work(w)}`);
        rec.push(`queue ${k.api.queue_work(k.api.system_wq, w)}`);
      });
      expect(o.status).to.equal('idle');
      expect(rec.events).to.deep.equal(['queue true', 'pending false', 'flush false', 'queue true', 'run@0']);
      const ws = warningsOf(k);
      expect(ws.map((x) => [x.function, x.message, x.text])).to.deep.equal([
        [
          'debug_print_object',
          'WARNING: lib/debugobjects.c:615 at debug_print_object, CPU#0: swapper/0/1',
          'ODEBUG: init active (active state 0) object: 00000000deadbeef object type: work_struct hint: hmem_work',
        ],
      ]);
      expect(ws[0]!.callTrace.slice(0, 4)).to.deep.equal(['__debug_object_init', 'debug_object_init', '__init_work', 'hmem_init']);
      // The message is WARN()'s own KERN_ERR line, between the cut line and the banner.
      const at = k.log.records.findIndex((r) => r.text.startsWith('ODEBUG: init active'));
      expect([k.log.records[at - 1]!.text, k.log.records[at]!.level, k.log.records[at + 1]!.text]).to.deep.equal([
        '------------[ cut here ]------------',
        KERN_ERR,
        'WARNING: lib/debugobjects.c:615 at debug_print_object, CPU#0: swapper/0/1',
      ]);
      expect(k.leaks()).to.deep.equal([]);
    });

    it('the fixup takes a queued item off an ordered workqueue\'s worklist: the items behind it run in order, and flush_workqueue returns', async () => {
      const k = boot();
      const rec = new Recorder();
      const wq = orderedWq(k);
      const b = new work_struct();
      k.api.INIT_WORK(b, sleeper(k, rec, 'b', 10));
      const o = await runInit(k, async () => {
        k.api.queue_work(wq, k.api.__WORK_INITIALIZER(sleeper(k, rec, 'a', 10)));
        k.api.queue_work(wq, b);
        k.api.queue_work(wq, k.api.__WORK_INITIALIZER(sleeper(k, rec, 'c', 10)));
        await k.api.msleep(1);
        k.api.INIT_WORK(b, sleeper(k, rec, 'b', 10));
        await k.api.flush_workqueue(wq);
        rec.push(`flushed@${k.sched.now / 1000}`);
      });
      expect(o.status).to.equal('idle');
      expect(rec.events).to.deep.equal(['a start@0', 'a end@10', 'c start@10', 'c end@20', 'flushed@20']);
      expect(warningsOf(k).map((x) => x.text)).to.deep.equal(['ODEBUG: init active (active state 0) object: 00000000deadbeef object type: work_struct hint: b']);
    });

    it('INIT_WORK on an item that is running but not queued is no ODEBUG matter: no report', async () => {
      const k = boot();
      const rec = new Recorder();
      const w = new work_struct();
      k.api.INIT_WORK(w, sleeper(k, rec, 'w', 10));
      await runInit(k, async () => {
        k.api.schedule_work(w);
        await k.api.msleep(5);
        k.api.INIT_WORK(w, sleeper(k, rec, 'w', 10));
      });
      expect(rec.events).to.deep.equal(['w start@0', 'w end@10']);
      expect(warningsOf(k)).to.deep.equal([]);
    });
  });

  describe('flush_work', () => {
    it('returns false at once when the item is neither pending nor running', async () => {
      const k = boot();
      const w = k.api.__WORK_INITIALIZER(() => {});
      let rc: boolean | null = null;
      await runInit(k, async () => {
        rc = await k.api.flush_work(w);
      });
      expect(rc).to.equal(false);
      expect(k.sched.now).to.equal(0);
    });

    it('returns true after waiting for the running instance to finish', async () => {
      const k = boot();
      const rec = new Recorder();
      const w = k.api.__WORK_INITIALIZER(sleeper(k, rec, 'w', 100));
      await runInit(k, async () => {
        k.api.schedule_work(w);
        const rc = await k.api.flush_work(w);
        rec.push(`flush ${rc}@${k.sched.now / 1000}`);
      });
      expect(rec.events).to.deep.equal(['w start@0', 'w end@100', 'flush true@100']);
    });

    it('waits only for the instance queued last before the call, not for a requeue made while it waits', async () => {
      const k = boot();
      const rec = new Recorder();
      const w = k.api.__WORK_INITIALIZER(sleeper(k, rec, 'w', 10));
      await runInit(k, async () => {
        k.api.schedule_work(w);
        k.spawn('requeuer', 'kthread', async () => {
          await k.api.msleep(5);
          k.api.schedule_work(w);
        });
        await k.api.flush_work(w);
        rec.push(`flushed@${k.sched.now / 1000}`);
      });
      expect(rec.events).to.deep.equal(['w start@0', 'w end@10', 'flushed@10', 'w start@10', 'w end@20']);
    });

    it('returns when a concurrent cancel_work_sync removes the pending instance it waits for', async () => {
      const k = boot();
      const rec = new Recorder();
      const wq = orderedWq(k);
      const a = k.api.__WORK_INITIALIZER(sleeper(k, rec, 'a', 10));
      const b = k.api.__WORK_INITIALIZER(sleeper(k, rec, 'b', 10));
      const o = await runInit(k, async () => {
        k.api.queue_work(wq, a);
        k.api.queue_work(wq, b);
        k.spawn('canceller', 'kthread', async () => {
          await k.api.msleep(5);
          rec.push(`cancel ${await k.api.cancel_work_sync(b)}`);
        });
        const rc = await k.api.flush_work(b);
        rec.push(`flush ${rc}`);
      });
      expect(o.status).to.equal('idle');
      expect(rec.events).to.include('cancel true');
      expect(rec.events).to.include('flush true');
      expect(rec.events.some((e) => e.startsWith('b '))).to.equal(false);
    });

    it('returns false without waiting for a delayed work whose timer is armed (it is not queued yet)', async () => {
      const k = boot();
      const rec = new Recorder();
      const dw = new delayed_work();
      k.api.INIT_DELAYED_WORK(dw, () => rec.push(`run@${k.sched.now / 1000}`));
      await runInit(k, async () => {
        k.api.queue_delayed_work(k.api.system_wq, dw, 0);
        await k.api.flush_work(dw);
        k.api.queue_delayed_work(k.api.system_wq, dw, 100);
        const rc = await k.api.flush_work(dw);
        rec.push(`flush ${rc}@${k.sched.now / 1000}`);
      });
      expect(rec.events).to.deep.equal(['run@0', 'flush false@0', 'run@100']);
    });

    it('a work item flushing itself deadlocks and the report names it', async () => {
      const k = boot();
      const w: work_struct = k.api.__WORK_INITIALIZER(async function hmem_flush_self() {
        await k.api.flush_work(w);
      });
      const o = await runInit(k, async () => {
        k.api.queue_work(k.api.system_long_wq, w);
      });
      expect(o.status).to.equal('deadlock');
      expect(o.deadlock!.message).to.contain('kworker/0:0 (pid 2) waits for flush_work(hmem_flush_self), held by kworker/0:0 (pid 2)');
      expect(o.deadlock!.message).to.contain('(the chain closes)');
    });
  });

  describe('flush_workqueue', () => {
    it('waits for every item queued before the call', async () => {
      const k = boot();
      const rec = new Recorder();
      const wq = k.api.alloc_workqueue('dax_wq', 0, 0)!;
      await runInit(k, async () => {
        k.api.queue_work(wq, k.api.__WORK_INITIALIZER(sleeper(k, rec, 'a', 10)));
        k.api.queue_work(wq, k.api.__WORK_INITIALIZER(sleeper(k, rec, 'b', 30)));
        await k.api.flush_workqueue(wq);
        rec.push(`flushed@${k.sched.now / 1000}`);
      });
      // The last item queued is the longest: a flush that waited for the first only would return at 10.
      expect(rec.events).to.deep.equal(['a start@0', 'b start@0', 'a end@10', 'b end@30', 'flushed@30']);
    });

    it('does not wait for items queued after the call, even when chained from an item it waits for', async () => {
      const k = boot();
      const rec = new Recorder();
      const wq = orderedWq(k);
      const second = k.api.__WORK_INITIALIZER(sleeper(k, rec, 'second', 10));
      const first = k.api.__WORK_INITIALIZER(async function first() {
        await k.api.msleep(10);
        k.api.queue_work(wq, second);
        rec.push('first queued second');
      });
      await runInit(k, async () => {
        k.api.queue_work(wq, first);
        await k.api.flush_workqueue(wq);
        rec.push(`flushed@${k.sched.now / 1000}`);
      });
      expect(rec.events).to.deep.equal(['first queued second', 'flushed@10', 'second start@10', 'second end@20']);
    });

    it('flushing a system-wide workqueue prints "WARNING: Flushing system-wide workqueues will be prohibited in near future." and a stack dump, every time', async () => {
      const k = boot();
      await runInit(k, async function cxl_exit() {
        await k.api.flush_workqueue(k.api.system_long_wq);
        await k.api.flush_workqueue(k.api.system_long_wq);
        await k.api.flush_workqueue(k.api.alloc_workqueue('own_wq', 0, 0));
      });
      const lines = k.log.records.map((r) => r.text);
      const at = lines.flatMap((l, i) => (l === 'WARNING: Flushing system-wide workqueues will be prohibited in near future.' ? [i] : []));
      expect(at).to.have.length(2);
      expect(lines[at[0]! + 1]).to.match(/^CPU: 0 UID: 0 PID: 1 Comm: swapper\/0 /);
      expect(lines.slice(at[0]!, at[1]!)).to.include('Call Trace:');
      expect(warningsOf(k, 'bug').map((w) => [w.callTrace[0], w.callTrace.includes('cxl_exit')])).to.deep.equal([
        ['__warn_flushing_systemwide_wq', true],
        ['__warn_flushing_systemwide_wq', true],
      ]);
    });

    it('flush_workqueue from a work item of the same ordered workqueue deadlocks, reported on the workqueue', async () => {
      const k = boot();
      const wq = orderedWq(k);
      const o = await runInit(k, async () => {
        k.api.queue_work(
          wq,
          k.api.__WORK_INITIALIZER(async function dax_hmem_work() {
            await k.api.flush_workqueue(wq);
          }),
        );
      });
      expect(o.status).to.equal('deadlock');
      expect(o.deadlock!.message).to.contain('kworker/u4:0 (pid 2) waits for flush_workqueue(dax_hmem_wq), held by kworker/u4:0 (pid 2)');
    });

    it('flush_workqueue() is a macro around __flush_workqueue(): traces show __flush_workqueue and the caller, never a flush_workqueue frame; drain_workqueue() calls __flush_workqueue() directly', async () => {
      // KASAN reports the first bad access of a boot only: one boot per use of the destroyed queue.
      const head = (w: { callTrace: readonly string[] }) => w.callTrace.slice(0, w.callTrace.indexOf('cxl_exit') + 1);
      for (const [use, trace] of [['flush', ['__flush_workqueue', 'cxl_exit']], ['drain', ['__flush_workqueue', 'drain_workqueue', 'cxl_exit']]] as const) {
        const k = boot();
        const wq = k.api.alloc_ordered_workqueue('dax_hmem_wq', 0)!;
        await runInit(k, async function cxl_exit() {
          await k.api.flush_workqueue(k.api.system_long_wq);
          await k.api.destroy_workqueue(wq);
          if (use === 'flush') await k.api.flush_workqueue(wq);
          else await k.api.drain_workqueue(wq);
        });
        // The macro's check calls __warn_flushing_systemwide_wq() from the caller itself.
        expect(warningsOf(k, 'bug').map(head), use).to.deep.equal([['__warn_flushing_systemwide_wq', 'cxl_exit']]);
        expect(warningsOf(k, 'kasan').map(head), use).to.deep.equal([trace]);
        expect(k.log.records.map((r) => r.text), use).to.not.include(' flush_workqueue');
      }
    });

    it('flush_workqueue(NULL) oopses the calling task; the other tasks run on', async () => {
      const k = boot();
      const rec = new Recorder();
      const o = await runInit(k, async function dax_hmem_flush_work() {
        k.spawn('bystander', 'kthread', async () => {
          await k.api.msleep(1);
          rec.push('bystander ran');
        });
        await k.api.flush_workqueue(null);
        rec.push('unreachable');
      });
      expect(o.status).to.equal('idle');
      expect(rec.events).to.deep.equal(['bystander ran']);
      const oops = warningsOf(k, 'oops');
      expect(oops.map((x) => [x.function, x.message])).to.deep.equal([
        ['__flush_workqueue', 'Oops: general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 [#1] SMP KASAN NOPTI'],
      ]);
      // flush_workqueue() is a macro: the caller is the frame below __flush_workqueue.
      expect(oops[0]!.callTrace).to.deep.equal(['dax_hmem_flush_work']);
      // KASAN's check of the load faults first: the general protection fault, KASAN's null-ptr-deref line, RIP in the faulting function.
      expect(grep(k, 'KASAN: null-ptr-deref in range [0x0000000000000000-0x0000000000000007]')).to.have.length(1);
      expect(grep(k, '#PF: supervisor read access in kernel mode')).to.have.length(0);
      // In the registers of the oops, and again as oops_end()'s executive summary after the end marker.
      expect(grep(k, 'RIP: 0010:__flush_workqueue')).to.have.length(2);
      // A general protection fault has no faulting address to report: no CR2 line.
      expect(grep(k, 'CR2:')).to.have.length(0);
      expect(k.sched.allTasks()[0]!.state).to.equal('dead');
    });

    it('an oops in a work function kills its kworker and leaves the item in flight: a later flush_workqueue never returns, and the report names the dead kworker', async () => {
      const k = boot();
      const rec = new Recorder();
      const o = await runInit(k, async function dax_hmem_init() {
        const wq = k.api.alloc_ordered_workqueue('dax_hmem_wq', 0)!;
        k.api.queue_work(
          wq,
          k.api.__WORK_INITIALIZER(async function process_defer_work() {
            const dev: { parent: unknown } | null = null;
            rec.push(String(dev!.parent));
          }),
        );
        await k.api.msleep(1);
        await k.api.flush_workqueue(wq);
        rec.push('flushed');
      });
      expect(warningsOf(k, 'oops').map((x) => x.function)).to.deep.equal(['process_defer_work']);
      expect(rec.events).to.deep.equal([]);
      expect(o.status).to.equal('deadlock');
      expect(o.deadlock!.message).to.match(/swapper\/0 \(pid 1\) waits for flush_workqueue\(dax_hmem_wq\), held by kworker\S+ \(pid \d+\) \[dead\]/);
    });

    it('queue_work(NULL, work) oopses in __queue_work', async () => {
      const k = boot();
      await runInit(k, async () => {
        k.api.queue_work(null, k.api.__WORK_INITIALIZER(() => {}));
      });
      expect(warningsOf(k, 'oops').map((x) => x.function)).to.deep.equal(['__queue_work']);
    });
  });

  describe('ordered and system workqueues', () => {
    it('an ordered workqueue runs one item at a time, in queue order, whatever the schedule', async () => {
      // Two tasks queue a, b and c; the schedule (untimed: any timing) decides the queue order.
      const queueOrders = new Set<string>();
      const schedules = await everySchedule(async (strategy) => {
        const k = boot({ scheduler: { strategy, timeMode: 'untimed' } });
        const rec = new Recorder();
        const wq = orderedWq(k);
        const a = k.api.__WORK_INITIALIZER(sleeper(k, rec, 'a', 30));
        const b = k.api.__WORK_INITIALIZER(sleeper(k, rec, 'b', 10));
        const c = k.api.__WORK_INITIALIZER(sleeper(k, rec, 'c', 20));
        const queued: string[] = [];
        const queue = (name: string, w: work_struct): void => {
          queued.push(name);
          k.api.queue_work(wq, w);
        };
        const o = await runInit(k, async () => {
          k.spawn('modprobe', 'user', async () => {
            queue('a', a);
            await k.api.msleep(5);
            queue('c', c);
          });
          k.spawn('udev', 'user', async () => {
            queue('b', b);
          });
        });
        const what = `schedule [${k.sched.choices.join(',')}], queued ${queued.join(',')}: ${rec.events.join(', ')}`;
        expect(o.status, what).to.equal('idle');
        // One at a time: each start is followed by its own end; in queue order.
        const runs = rec.events.map((e) => e.replace(/@.*/, ''));
        expect(runs, what).to.deep.equal(queued.flatMap((n) => [`${n} start`, `${n} end`]));
        queueOrders.add(queued.join(','));
        return k;
      });
      expect(schedules.length).to.be.greaterThan(1);
      expect([...queueOrders].sort()).to.deep.equal(['a,b,c', 'a,c,b', 'b,a,c']);
    });

    it('system_long_wq runs two items concurrently: their steps interleave and both finish at 20 ms', async () => {
      const k = boot();
      const rec = new Recorder();
      const step = (name: string) =>
        k.api.__WORK_INITIALIZER(async () => {
          rec.push(`${name}1`);
          await k.api.msleep(10);
          rec.push(`${name}2`);
          await k.api.msleep(10);
          rec.push(`${name}3`);
        });
      await runInit(k, async () => {
        k.api.queue_work(k.api.system_long_wq, step('a'));
        k.api.queue_work(k.api.system_long_wq, step('b'));
      });
      expect(rec.events).to.deep.equal(['a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
      expect(k.sched.now).to.equal(20_000);
    });

    it('system_long_wq imposes no order between items: over several seeds either item may start first', async () => {
      const firsts = new Set<string>();
      for (let seed = 1; seed <= 12; seed++) {
        const k = boot({ scheduler: { strategy: new RandomStrategy(seed) } });
        const rec = new Recorder();
        await runInit(k, async () => {
          k.api.queue_work(k.api.system_long_wq, k.api.__WORK_INITIALIZER(() => rec.push('a')));
          k.api.queue_work(k.api.system_long_wq, k.api.__WORK_INITIALIZER(() => rec.push('b')));
        });
        firsts.add(rec.events[0]!);
      }
      expect([...firsts].sort()).to.deep.equal(['a', 'b']);
    });

    it('a kworker of system_long_wq shows "events_long <func>" in its Workqueue: line while it runs the item', async () => {
      const k = boot();
      const lines: (string | null)[] = [];
      await runInit(k, async () => {
        k.api.queue_work(
          k.api.system_long_wq,
          k.api.__WORK_INITIALIZER(function cxl_dax_region_driver_register() {
            lines.push(k.sched.current!.workqueueLine);
          }),
        );
      });
      expect(lines).to.deep.equal(['events_long cxl_dax_region_driver_register']);
    });

    it('queue_delayed_work runs the item after the delay in virtual time (HZ=1000)', async () => {
      const k = boot();
      const rec = new Recorder();
      const dw = new delayed_work();
      k.api.INIT_DELAYED_WORK(dw, () => rec.push(`run@${k.sched.now / 1000}`));
      await runInit(k, async () => {
        k.api.queue_delayed_work(k.api.system_wq, dw, 50);
      });
      expect(rec.events).to.deep.equal(['run@50']);
    });
  });

  describe('cancel_work_sync', () => {
    it('returns true for a pending item, which then never runs', async () => {
      const k = boot();
      const rec = new Recorder();
      const wq = orderedWq(k);
      const b = k.api.__WORK_INITIALIZER(sleeper(k, rec, 'b', 10));
      let rc: boolean | null = null;
      await runInit(k, async () => {
        k.api.queue_work(wq, k.api.__WORK_INITIALIZER(sleeper(k, rec, 'a', 10)));
        k.api.queue_work(wq, b);
        await k.api.msleep(1);
        rc = await k.api.cancel_work_sync(b);
      });
      expect(rc).to.equal(true);
      expect(rec.events).to.deep.equal(['a start@0', 'a end@10']);
    });

    it('returns false for an idle item', async () => {
      const k = boot();
      let rc: boolean | null = null;
      await runInit(k, async () => {
        rc = await k.api.cancel_work_sync(k.api.__WORK_INITIALIZER(() => {}));
      });
      expect(rc).to.equal(false);
    });

    it('waits for the running instance and refuses a requeue while it waits; queueing works again afterwards', async () => {
      const k = boot();
      const rec = new Recorder();
      const w: work_struct = k.api.__WORK_INITIALIZER(async function rearm() {
        rec.push(`run@${k.sched.now / 1000}`);
        await k.api.msleep(10);
        rec.push(`requeue ${k.api.schedule_work(w)}`);
      });
      await runInit(k, async () => {
        k.api.schedule_work(w);
        await k.api.msleep(5);
        const rc = await k.api.cancel_work_sync(w);
        rec.push(`cancel ${rc}@${k.sched.now / 1000} pending=${k.api.work_pending(w)}`);
        rec.push(`queue again ${k.api.schedule_work(w)}`);
        await k.api.cancel_work_sync(w);
      });
      expect(rec.events.slice(0, 4)).to.deep.equal(['run@0', 'requeue false', 'cancel false@10 pending=false', 'queue again true']);
    });

    it('an item running and queued again: cancel_work_sync returns true, drops the queued instance and waits for the running one', async () => {
      const k = boot();
      const rec = new Recorder();
      const w = k.api.__WORK_INITIALIZER(sleeper(k, rec, 'w', 10));
      await runInit(k, async () => {
        k.api.schedule_work(w);
        await k.api.msleep(5);
        k.api.schedule_work(w);
        const rc = await k.api.cancel_work_sync(w);
        rec.push(`cancel ${rc}@${k.sched.now / 1000}`);
      });
      expect(rec.events).to.deep.equal(['w start@0', 'w end@10', 'cancel true@10']);
    });

    it('cancel_work_sync of the running item from the item itself deadlocks and is reported', async () => {
      const k = boot();
      const w: work_struct = k.api.__WORK_INITIALIZER(async function self_cancel() {
        await k.api.cancel_work_sync(w);
      });
      const o = await runInit(k, async () => {
        k.api.schedule_work(w);
      });
      expect(o.status).to.equal('deadlock');
      expect(o.deadlock!.message).to.contain('kworker/0:0 (pid 2) waits for cancel_work_sync(self_cancel), held by kworker/0:0 (pid 2)');
    });

    it('cancel_work_sync of a delayed work whose timer is armed returns true and the item never runs', async () => {
      const k = boot();
      const rec = new Recorder();
      const dw = new delayed_work();
      k.api.INIT_DELAYED_WORK(dw, () => rec.push('run'));
      let rc: boolean | null = null;
      await runInit(k, async () => {
        k.api.schedule_delayed_work(dw, 100);
        await k.api.msleep(10);
        rc = await k.api.cancel_delayed_work_sync(dw);
      });
      expect(rc).to.equal(true);
      expect(rec.events).to.deep.equal([]);
    });
  });

  describe('drain and destroy', () => {
    it('destroy_workqueue waits for the queued items to run before it returns', async () => {
      const k = boot();
      const rec = new Recorder();
      const wq = orderedWq(k);
      await runInit(k, async () => {
        k.api.queue_work(wq, k.api.__WORK_INITIALIZER(sleeper(k, rec, 'a', 10)));
        k.api.queue_work(wq, k.api.__WORK_INITIALIZER(sleeper(k, rec, 'b', 10)));
        await k.api.destroy_workqueue(wq);
        rec.push(`destroyed@${k.sched.now / 1000}`);
      });
      expect(rec.events).to.deep.equal(['a start@0', 'a end@10', 'b start@10', 'b end@20', 'destroyed@20']);
    });

    it('queue_work on a destroyed workqueue is reported as a KASAN use-after-free in __queue_work', async () => {
      const k = boot();
      const rec = new Recorder();
      const wq = orderedWq(k);
      await runInit(k, async () => {
        await k.api.destroy_workqueue(wq);
        k.api.queue_work(wq, k.api.__WORK_INITIALIZER(() => rec.push('run')));
      });
      expect(rec.events).to.deep.equal([]);
      const kasan = warningsOf(k, 'kasan');
      expect(kasan.map((x) => x.message)).to.deep.equal(['BUG: KASAN: slab-use-after-free in __queue_work']);
      expect(kasan[0]!.text).to.match(/^Read of size 4 at addr ffff8881[0-9a-f]{8} by task swapper\/0\/1$/);
      // destroy_workqueue() frees the queue through call_rcu(): freed by the RCU core in softirq context (task 0), and the
      // call_rcu() is the last related work creation.
      const dmesg = k.dmesg().map((l) => l.replace(/^\[[ \d.]+\] /, ''));
      expect(dmesg).to.include.members(['Freed by task 0:', 'Last potentially related work creation:', ' which belongs to the cache kmalloc-512 of size 512', 'The buggy address is located 256 bytes inside of']);
    });

    it('queueing onto a draining workqueue from outside WARNs once with "workqueue: cannot queue <func> on wq <name>" and drops the item', async () => {
      const k = boot();
      const rec = new Recorder();
      const wq = orderedWq(k);
      const late = k.api.__WORK_INITIALIZER(function hmem_late_work() {
        rec.push('late ran');
      });
      const later = k.api.__WORK_INITIALIZER(function hmem_later_work() {
        rec.push('later ran');
      });
      const rcs: boolean[] = [];
      await runInit(k, async () => {
        k.api.queue_work(wq, k.api.__WORK_INITIALIZER(sleeper(k, rec, 'a', 10)));
        k.spawn('udev', 'udev', async () => {
          await k.api.msleep(5);
          rcs.push(k.api.queue_work(wq, late), k.api.queue_work(wq, later));
        });
        await k.api.destroy_workqueue(wq);
      });
      expect(rcs).to.deep.equal([true, true]);
      expect(rec.events).to.deep.equal(['a start@0', 'a end@10']);
      expect(k.api.work_pending(late)).to.equal(false);
      const ws = warningsOf(k);
      expect(ws.map((x) => [x.function, x.text])).to.deep.equal([['__queue_work', 'workqueue: cannot queue hmem_late_work on wq dax_hmem_wq']]);
      const lines = k.log.records.map((r) => r.text);
      const at = lines.indexOf('workqueue: cannot queue hmem_late_work on wq dax_hmem_wq');
      expect(lines[at - 1]).to.equal('------------[ cut here ]------------');
      expect(lines[at + 1]).to.match(/^WARNING: kernel\/workqueue\.c:\d+ at __queue_work, CPU#0: \S+\/3$/);
      expect(grep(k, 'cannot queue')).to.have.length(1);
    });

    it('an item of a draining workqueue may queue itself again (chained work), and the drain waits for it', async () => {
      const k = boot();
      const rec = new Recorder();
      const wq = orderedWq(k);
      let runs = 0;
      const w: work_struct = k.api.__WORK_INITIALIZER(async function chained() {
        runs++;
        await k.api.msleep(1);
        if (runs < 3) rec.push(`requeue ${k.api.queue_work(wq, w)}`);
      });
      await runInit(k, async () => {
        k.api.queue_work(wq, w);
        await k.api.destroy_workqueue(wq);
        rec.push(`destroyed after ${runs} runs`);
      });
      expect(rec.events).to.deep.equal(['requeue true', 'requeue true', 'destroyed after 3 runs']);
      expect(k.panic.warnings).to.deep.equal([]);
    });

    it('drain_workqueue warns "isn\'t complete after 10 tries" only when work is left after the 10th flush', async () => {
      const drain = async (total: number): Promise<string[]> => {
        const k = boot();
        const wq = orderedWq(k);
        let runs = 0;
        const w: work_struct = k.api.__WORK_INITIALIZER(async function chained() {
          runs++;
          await k.api.msleep(1);
          if (runs < total) k.api.queue_work(wq, w);
        });
        await runInit(k, async () => {
          k.api.queue_work(wq, w);
          await k.api.drain_workqueue(wq);
        });
        expect(runs).to.equal(total);
        return grep(k, "isn't complete");
      };
      expect(await drain(10)).to.deep.equal([]);
      expect(await drain(11)).to.deep.equal(["workqueue dax_hmem_wq: drain_workqueue() isn't complete after 10 tries"]);
    });
  });

  describe('allocation', () => {
    it('alloc_ordered_workqueue returns NULL when alloc_workqueue fails under fault injection', () => {
      const k = boot();
      k.faults.add({ function: 'alloc_workqueue', match: 'dax_hmem_wq' });
      expect(k.api.alloc_ordered_workqueue('dax_hmem_wq', 0)).to.equal(null);
      expect(k.api.alloc_ordered_workqueue('other_wq', 0)).to.not.equal(null);
      expect(grep(k, 'FAULT_INJECTION: forcing a failure of alloc_workqueue(dax_hmem_wq)')).to.have.length(1);
    });
  });
});
