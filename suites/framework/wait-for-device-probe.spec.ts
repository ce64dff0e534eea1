// SPDX-License-Identifier: GPL-2.0-only
/**
 * wait_for_device_probe() (drivers/base/dd.c): flush the deferred-probe
 * work, wait for probe_count == 0, async_synchronize_full(). What it waits
 * for, and above all what it does not: kernel-semantics §1.7.
 */
import { expect } from 'chai';
import { EPROBE_DEFER } from '../../framework/include/errno.js';
import { PROBE_PREFER_ASYNCHRONOUS } from '../../framework/include/linux/device.js';
import { boot, pdev, pdrv, Recorder, runInit } from './fixture.js';

describe('driver core: wait_for_device_probe', () => {
  it('waits for a synchronous probe running in another task', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      k.spawn('udev', 'udev', async () => {
        await k.api.platform_device_register(pdev('sp', 0));
        await k.api.platform_driver_register(
          pdrv('sp', async () => {
            rec.push('probe start');
            await k.api.msleep(50);
            rec.push('probe end');
            return 0;
          }),
        );
      });
      await k.api.msleep(10);
      rec.push('wait');
      await k.api.wait_for_device_probe();
      rec.push(`wait returned at ${k.sched.now}`);
    });
    expect(rec.events).to.deep.equal(['probe start', 'wait', 'probe end', 'wait returned at 50000']);
  });

  it('waits for an asynchronous probe that is running', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('ap', 0));
      await k.api.platform_driver_register(
        pdrv(
          'ap',
          async () => {
            rec.push('probe start');
            await k.api.msleep(50);
            rec.push('probe end');
            return 0;
          },
          { probe_type: PROBE_PREFER_ASYNCHRONOUS },
        ),
      );
      await k.api.msleep(10);
      await k.api.wait_for_device_probe();
      rec.push(`wait returned at ${k.sched.now}`);
    });
    expect(rec.events).to.deep.equal(['probe start', 'probe end', 'wait returned at 50000']);
  });

  it('waits for an asynchronous probe that is scheduled but has not started (probe_count is still 0)', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('sched', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(
        pdrv(
          'sched',
          () => {
            rec.push('probe');
            return 0;
          },
          { probe_type: PROBE_PREFER_ASYNCHRONOUS },
        ),
      );
      rec.push(`probe_count=${k.base.dd.probe_count}`);
      await k.api.wait_for_device_probe();
      rec.push(`wait returned, bound=${k.api.device_is_bound(pd.dev)}`);
    });
    expect(rec.events).to.deep.equal(['probe_count=0', 'probe', 'wait returned, bound=true']);
  });

  it('waits for the deferred-probe work a bind just queued', async () => {
    const k = boot();
    const rec = new Recorder();
    let supplier = false;
    const consumer = pdev('consumer', 0);
    await runInit(k, async () => {
      await k.base.dd.deferred_probe_initcall();
      await k.api.platform_device_register(consumer);
      await k.api.platform_driver_register(pdrv('consumer', () => (supplier ? 0 : -EPROBE_DEFER)));
      await k.api.platform_device_register(pdev('supplier', 0));
      await k.api.platform_driver_register(
        pdrv('supplier', () => {
          supplier = true;
          return 0;
        }),
      );
      rec.push(`before wait bound=${k.api.device_is_bound(consumer.dev)}`);
      await k.api.wait_for_device_probe();
      rec.push(`after wait bound=${k.api.device_is_bound(consumer.dev)}`);
    });
    expect(rec.events).to.deep.equal(['before wait bound=false', 'after wait bound=true']);
  });

  it('does not wait for work on another workqueue (system_long_wq)', async () => {
    const k = boot();
    const rec = new Recorder();
    const work = k.api.__WORK_INITIALIZER(async function region_work() {
      await k.api.msleep(100);
      rec.push(`work done at ${k.sched.now}`);
    });
    await runInit(k, async () => {
      k.api.queue_work(k.api.system_long_wq, work);
      await k.api.msleep(1);
      await k.api.wait_for_device_probe();
      rec.push(`wait returned at ${k.sched.now}`);
    });
    expect(rec.events).to.deep.equal(['wait returned at 1000', 'work done at 100000']);
  });

  it('does not wait for a driver registered later (a module not loaded yet)', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('late', 0));
      k.spawn('modprobe', 'modprobe', async () => {
        await k.api.msleep(20);
        await k.api.platform_driver_register(
          pdrv('late', () => {
            rec.push(`probe at ${k.sched.now}`);
            return 0;
          }),
        );
      });
      await k.api.wait_for_device_probe();
      rec.push(`wait returned at ${k.sched.now}`);
    });
    expect(rec.events).to.deep.equal(['wait returned at 0', 'probe at 20000']);
  });

  it('does not wait for devices parked on the deferred pending list', async () => {
    const k = boot();
    const pd = pdev('parked', 0);
    const rec = new Recorder();
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(pdrv('parked', () => -EPROBE_DEFER));
      await k.api.wait_for_device_probe();
      rec.push(`wait returned at ${k.sched.now}, bound=${k.api.device_is_bound(pd.dev)}`);
    });
    expect(rec.events).to.deep.equal(['wait returned at 0, bound=false']);
    expect(k.base.dd.deferred_probe_pending_list).to.deep.equal([pd.dev]);
  });

  it('called from a probe it waits for its own probe: deadlock, reported with probe_count and the probing task', async () => {
    const k = boot();
    const o = await runInit(k, async () => {
      await k.api.platform_device_register(pdev('selfwait', 0));
      await k.api.platform_driver_register(
        pdrv('selfwait', async () => {
          await k.api.wait_for_device_probe();
          return 0;
        }),
      );
    });
    expect(o.status).to.equal('deadlock');
    expect(o.deadlock!.message).to.contain('swapper/0 (pid 1) waits for wait_for_device_probe: probe_count == 0 (now 1), held by swapper/0 (pid 1)');
    expect(o.deadlock!.message).to.contain('(the chain closes)');
  });

  it('called from an async function it waits for itself in async_synchronize_full: deadlock, reported', async () => {
    const k = boot();
    const o = await runInit(k, async () => {
      k.api.async_schedule(async function hmem_async_init() {
        await k.api.wait_for_device_probe();
      }, null);
    });
    expect(o.status).to.equal('deadlock');
    expect(o.deadlock!.message).to.contain('kworker/u4:0 (pid 2) waits for async_synchronize_full (1 pending: hmem_async_init), held by kworker/u4:0 (pid 2)');
  });

  it('an oops inside a probe leaves probe_count raised: a later wait_for_device_probe never returns, and the report names the dead prober', async () => {
    const k = boot();
    const rec = new Recorder();
    const o = await runInit(k, async () => {
      k.spawn('modprobe', 'modprobe', async () => {
        await k.api.platform_device_register(pdev('crash', 0));
        await k.api.platform_driver_register(
          pdrv('crash', () => k.api.BUG()),
        );
      });
      await k.api.msleep(1);
      await k.api.wait_for_device_probe();
      rec.push('unreachable');
    });
    expect(rec.events).to.deep.equal([]);
    expect(o.status).to.equal('deadlock');
    expect(o.deadlock!.message).to.contain('swapper/0 (pid 1) waits for wait_for_device_probe: probe_count == 0 (now 1), held by modprobe (pid 2) [dead]');
  });
});
