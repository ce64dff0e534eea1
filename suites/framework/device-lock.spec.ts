// SPDX-License-Identifier: GPL-2.0-only
/**
 * device_lock() and guard(device) (include/linux/device.h, drivers/base/dd.c):
 * kernel-semantics §1.2. The lock is a plain non-recursive mutex held by the
 * core around probe and unbind; guard(device) unlocks at the end of the
 * enclosing scope, after a trailing put_device().
 */
import { expect } from 'chai';
import { device, PROBE_PREFER_ASYNCHRONOUS } from '../../framework/include/linux/device.js';
import type { platform_device } from '../../framework/drivers/base/platform.js';
import { KERN_WARNING } from '../../framework/kernel/printk.js';
import { boot, pdev, pdrv, Recorder, runInit, warningsOf } from './fixture.js';

describe('driver core: device_lock and guard(device)', () => {
  it('the core holds the device lock while probe runs and drops it when the bind is done', async () => {
    const k = boot();
    const { mutex_is_locked } = k.api;
    const pd = pdev('locked', 0);
    const seen: boolean[] = [];
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(
        pdrv('locked', (p) => {
          seen.push(mutex_is_locked(p.dev.mutex));
          return 0;
        }),
      );
      seen.push(mutex_is_locked(pd.dev.mutex));
    });
    expect(seen).to.deep.equal([true, false]);
  });

  it('the core holds the device lock while remove() runs', async () => {
    const k = boot();
    const pd = pdev('rm', 0);
    const seen: boolean[] = [];
    const drv = pdrv('rm', () => 0, { remove: (p) => void seen.push(k.api.mutex_is_locked(p.dev.mutex)) });
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(drv);
      await k.api.device_release_driver(pd.dev);
    });
    expect(seen).to.deep.equal([true]);
  });

  it('device_del takes the device lock: it waits for an asynchronous probe in progress, then unbinds', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('busy', 0);
    const drv = pdrv(
      'busy',
      async () => {
        rec.push(`probe start@${k.sched.now / 1000}`);
        await k.api.msleep(10);
        rec.push(`probe end@${k.sched.now / 1000}`);
        return 0;
      },
      { probe_type: PROBE_PREFER_ASYNCHRONOUS, remove: () => rec.push(`remove@${k.sched.now / 1000}`) },
    );
    await runInit(k, async () => {
      await k.api.platform_driver_register(drv);
      await k.api.platform_device_register(pd);
      await k.api.msleep(1);
      await k.api.platform_device_unregister(pd);
      rec.push(`unregistered@${k.sched.now / 1000}`);
    });
    expect(rec.events).to.deep.equal(['probe start@0', 'probe end@10', 'remove@10', 'unregistered@10']);
  });

  it('device_lock is not recursive: device_lock(dev) from its own probe deadlocks and the report names the lock and its holder', async () => {
    const k = boot();
    const pd = pdev('recur', 0);
    const o = await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(
        pdrv('recur', async (p) => {
          await k.api.device_lock(p.dev);
          return 0;
        }),
      );
    });
    expect(o.status).to.equal('deadlock');
    expect(o.deadlock!.message).to.contain('(the chain closes)');
    expect(o.deadlock!.message).to.contain('swapper/0 (pid 1) waits for device_lock(recur.0), held by swapper/0 (pid 1)');
  });

  it('device_release_driver from the device\'s own remove() deadlocks on the device lock and is reported', async () => {
    const k = boot();
    const pd = pdev('selfunbind', 0);
    const drv = pdrv('selfunbind', () => 0, {
      remove: async (p) => {
        await k.api.device_release_driver(p.dev);
      },
    });
    const o = await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(drv);
      await k.api.platform_device_unregister(pd);
    });
    expect(o.status).to.equal('deadlock');
    expect(o.deadlock!.message).to.contain('waits for device_lock(selfunbind.0), held by swapper/0 (pid 1)');
  });

  it('a probe that flushes a work item taking guard(device) on the same device deadlocks: flush_work <-> device_lock', async () => {
    const k = boot();
    const { platform_device_register, platform_driver_register, queue_work, flush_work, __WORK_INITIALIZER, guard, system_wq } = k.api;
    const pd = pdev('cycle', 0);
    const work = __WORK_INITIALIZER(async function cycle_work() {
      using _g = await guard(device)(pd.dev);
    });
    const o = await runInit(k, async () => {
      await platform_device_register(pd);
      await platform_driver_register(
        pdrv('cycle', async () => {
          queue_work(system_wq, work);
          await flush_work(work);
          return 0;
        }),
      );
    });
    expect(o.status).to.equal('deadlock');
    const m = o.deadlock!.message;
    expect(m).to.contain('(the chain closes)');
    expect(m).to.contain('swapper/0 (pid 1) waits for flush_work(cycle_work), held by kworker/0:0 (pid 2)');
    expect(m).to.contain('kworker/0:0 (pid 2) waits for device_lock(cycle.0), held by swapper/0 (pid 1)');
  });

  it('a work item unbinding a device whose probe flushes that work deadlocks; the report names device_lock(<dev>)', async () => {
    const k = boot();
    const pd = pdev('unb', 0);
    const work = k.api.__WORK_INITIALIZER(async function unbind_work() {
      await k.api.device_release_driver(pd.dev);
    });
    const o = await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(
        pdrv('unb', async () => {
          k.api.schedule_work(work);
          await k.api.flush_work(work);
          return 0;
        }),
      );
    });
    expect(o.status).to.equal('deadlock');
    expect(o.deadlock!.message).to.contain('kworker/0:0 (pid 2) waits for device_lock(unb.0), held by swapper/0 (pid 1)');
  });

  it('guard(device) holds the lock to the end of the scope: another task\'s device_lock waits until then', async () => {
    const k = boot();
    const { guard, device_lock, device_unlock, msleep } = k.api;
    const rec = new Recorder();
    const pd = pdev('g', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      {
        using _g = await guard(device)(pd.dev);
        k.spawn('other', 'kthread', async () => {
          await device_lock(pd.dev);
          rec.push(`other locked at ${k.sched.now}`);
          device_unlock(pd.dev);
        });
        rec.push('scope start');
        await msleep(5);
        rec.push('scope end');
      }
      rec.push(`unlocked: ${!k.api.mutex_is_locked(pd.dev.mutex)}`);
    });
    expect(rec.events).to.deep.equal(['scope start', 'scope end', 'unlocked: true', 'other locked at 5000']);
  });

  it('guard(device) unlocks after a trailing put_device; if that put dropped the last reference the unlock is a KASAN use-after-free', async () => {
    const k = boot();
    const { guard, put_device, device_initialize, device_add, kzalloc, kfree } = k.api;
    const rec = new Recorder();
    const dev = kzalloc(() => new device(), 768)!;
    dev.init_name = 'hmem_platform.0';
    dev.release = (d) => {
      rec.push('release');
      kfree(d);
    };
    async function process_defer_work(d: device): Promise<void> {
      using _g = await guard(device)(d);
      rec.push('locked');
      // out:
      put_device(d);
    }
    const o = await runInit(k, async () => {
      device_initialize(dev);
      await device_add(dev);
      await process_defer_work(dev);
    });
    expect(o.status).to.equal('idle');
    expect(rec.events).to.deep.equal(['locked', 'release']);
    const kasan = warningsOf(k, 'kasan');
    expect(kasan).to.have.length(1);
    expect(kasan[0]!.message).to.equal('BUG: KASAN: slab-use-after-free in mutex_unlock');
    // mutex_unlock() stores to the owner word of dev->mutex, inside the freed struct.
    expect(kasan[0]!.text).to.match(/^Write of size 8 at addr ffff8881[0-9a-f]{8} by task swapper\/0\/1$/);
    expect(kasan[0]!.callTrace.slice(0, 3)).to.deep.equal(['mutex_unlock', 'device_unlock', 'process_defer_work']);
    expect(k.dmesg().map((l) => l.replace(/^\[[ \d.]+\] /, ''))).to.include.members([' which belongs to the cache kmalloc-1k of size 1024', 'The buggy address is located 128 bytes inside of']);
    const lines = k.log.records.map((r) => r.text);
    const at = lines.indexOf('BUG: KASAN: slab-use-after-free in mutex_unlock');
    expect(lines[at - 1]).to.match(/^=+$/);
    expect(lines.slice(at)).to.include('Call Trace:');
    // A KASAN report's stack comes from dump_stack_lvl(): no "Modules linked in:" line.
    const end = lines.indexOf(lines[at - 1]!, at);
    expect(lines.slice(at, end).filter((l) => l.startsWith('Modules linked in:'))).to.deep.equal([]);
  });

  it('guard(device) with a trailing put_device that is not the last reference unlocks cleanly', async () => {
    const k = boot();
    const { guard, put_device, get_device } = k.api;
    const pd = pdev('held', 0);
    async function worker_fn(p: platform_device): Promise<void> {
      using _g = await guard(device)(p.dev);
      put_device(p.dev);
    }
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      get_device(pd.dev);
      await worker_fn(pd);
    });
    expect(k.panic.warnings).to.deep.equal([]);
    expect(k.api.mutex_is_locked(pd.dev.mutex)).to.equal(false);
    // The registration's reference, and those of the platform bus's device list and platform_bus's children list.
    expect(pd.dev.kref).to.equal(3);
  });

  it('device_unlock by a task that does not own the lock WARNs DEBUG_LOCKS_WARN_ON in __mutex_unlock_slowpath', async () => {
    const k = boot();
    const pd = pdev('owner', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.device_lock(pd.dev);
      k.spawn('intruder', 'kthread', async () => {
        k.api.device_unlock(pd.dev);
      });
      await k.api.msleep(1);
    });
    const w = warningsOf(k);
    expect(w.map((x) => x.function)).to.deep.equal(['__mutex_unlock_slowpath']);
    expect(w[0]!.comm).to.equal('intruder');
    expect(w[0]!.text).to.equal('DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)');
  });

  it('DEBUG_LOCKS_WARN_ON reports once per boot: the first report turns lock debugging off (debug_locks_off)', async () => {
    const k = boot();
    const a = pdev('a', 0);
    const b = pdev('b', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(a);
      await k.api.platform_device_register(b);
      await k.api.device_lock(a.dev);
      await k.api.device_lock(b.dev);
      k.spawn('intruder', 'kthread', async () => {
        k.api.device_unlock(a.dev);
        k.api.device_unlock(b.dev);
      });
      await k.api.msleep(1);
    });
    expect(warningsOf(k).map((x) => x.text)).to.deep.equal(['DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)']);
  });

  /** A task that unlocks a device it does not own: DEBUG_LOCKS_WARN_ON while lock debugging is on. */
  function intrude(k: ReturnType<typeof boot>, pd: platform_device): void {
    k.spawn('intruder', 'kthread', async () => {
      k.api.device_unlock(pd.dev);
    });
  }

  it('after an oops lock debugging is off: oops_enter() turned it off silently, so TAINT_DIE prints no "Disabling lock debugging" line, and a later DEBUG_LOCKS_WARN_ON stays quiet', async () => {
    const k = boot();
    const pd = pdev('a', 0);
    await runInit(k, async () => {
      k.spawn('crasher', 'kthread', async function crasher() {
        k.api.BUG();
      });
      await k.api.msleep(1);
      await k.api.platform_device_register(pd);
      await k.api.device_lock(pd.dev);
      intrude(k, pd);
      await k.api.msleep(1);
    });
    expect(k.panic.warnings.map((w) => w.kind)).to.deep.equal(['oops']);
    expect(k.log.records.map((r) => r.text)).to.not.include('Disabling lock debugging due to kernel taint');
  });

  it('a KASAN report taints the kernel BAD_PAGE with lock state unreliable: "Disabling lock debugging due to kernel taint" (KERN_WARNING) after the report, and lock debugging stays off', async () => {
    const k = boot();
    const { guard, put_device, device_initialize, device_add } = k.api;
    const dev = new device();
    dev.init_name = 'hmem_platform.0';
    dev.release = () => {};
    async function process_defer_work(d: device): Promise<void> {
      using _g = await guard(device)(d);
      put_device(d);
    }
    const pd = pdev('a', 0);
    await runInit(k, async () => {
      device_initialize(dev);
      await device_add(dev);
      await process_defer_work(dev);
      await k.api.platform_device_register(pd);
      await k.api.device_lock(pd.dev);
      intrude(k, pd);
      await k.api.msleep(1);
    });
    expect(k.panic.warnings.map((w) => w.kind)).to.deep.equal(['kasan']);
    const r = k.log.records;
    const at = r.findIndex((x) => x.text === 'Disabling lock debugging due to kernel taint');
    expect(at, 'the add_taint() line').to.be.greaterThan(0);
    expect(r[at - 1]!.text).to.match(/^=+$/);
    expect(r[at]!.level).to.equal(KERN_WARNING);
    expect(r.filter((x) => x.text === 'Disabling lock debugging due to kernel taint')).to.have.length(1);
  });

  it('a WARN taints the kernel with lock debugging still OK: the next DEBUG_LOCKS_WARN_ON still reports', async () => {
    const k = boot();
    const pd = pdev('a', 0);
    await runInit(k, async () => {
      k.api.WARN_ON(true);
      await k.api.platform_device_register(pd);
      await k.api.device_lock(pd.dev);
      intrude(k, pd);
      await k.api.msleep(1);
    });
    expect(warningsOf(k).map((w) => w.text)).to.deep.equal([null, 'DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)']);
    expect(k.log.records.map((r) => r.text)).to.not.include('Disabling lock debugging due to kernel taint');
  });
});
