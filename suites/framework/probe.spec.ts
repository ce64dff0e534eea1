// SPDX-License-Identifier: GPL-2.0-only
/**
 * Matching and probe return handling (drivers/base/dd.c really_probe,
 * call_driver_probe, driver_bound, __device_release_driver, driver_detach):
 * kernel-semantics §1.3, §1.4, §1.8.
 */
import { expect } from 'chai';
import { EBUSY, EINVAL, ENODEV, ENOMEM, ENXIO, EPROBE_DEFER } from '../../framework/include/errno.js';
import { bus_type, dev_name, device_driver } from '../../framework/include/linux/device.js';
import { KERN_DEBUG, KERN_ERR } from '../../framework/kernel/printk.js';
import { boot, everySchedule, grep, pdev, pdrv, Recorder, runInit } from './fixture.js';

describe('driver core: matching and probe return handling', () => {
  it('dev->driver is set before probe runs, and device_is_bound() is still false inside probe', async () => {
    const k = boot();
    const pd = pdev('early', 0);
    const drv = pdrv('early', (p) => {
      seen.push(p.dev.driver === drv.driver, k.api.device_is_bound(p.dev));
      return 0;
    });
    const seen: boolean[] = [];
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(drv);
    });
    expect(seen).to.deep.equal([true, false]);
  });

  it('after a successful probe device_is_bound() is true and dev->driver stays set', async () => {
    const k = boot();
    const pd = pdev('ok', 0);
    const drv = pdrv('ok', () => 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(drv);
    });
    expect(k.api.device_is_bound(pd.dev)).to.equal(true);
    expect(pd.dev.driver).to.equal(drv.driver);
  });

  it('a probe failing with -ENOMEM logs dev_err "probe with driver %s failed with error -12" and leaves dev->driver NULL', async () => {
    const k = boot();
    const pd = pdev('hmem', 3);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(pdrv('hmem', () => -ENOMEM));
    });
    const rec = k.log.records.filter((r) => r.text.includes('failed with error'));
    expect(rec.map((r) => [r.level, r.text])).to.deep.equal([[KERN_ERR, 'hmem hmem.3: probe with driver hmem failed with error -12']]);
    expect(pd.dev.driver).to.equal(null);
    expect(k.api.device_is_bound(pd.dev)).to.equal(false);
    expect(pd.dev.state_in_sysfs).to.equal(true);
  });

  it('remove() is not called when probe fails', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('norm', 0);
    const drv = pdrv(
      'norm',
      () => {
        rec.push('probe');
        return -ENOMEM;
      },
      { remove: () => rec.push('remove') },
    );
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(drv);
      await k.api.platform_device_unregister(pd);
    });
    expect(rec.events).to.deep.equal(['probe']);
  });

  it('drvdata set by a failing probe is NULL afterwards', async () => {
    const k = boot();
    const pd = pdev('dd', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(
        pdrv('dd', (p) => {
          k.api.dev_set_drvdata(p.dev, { region: 1 });
          return -EBUSY;
        }),
      );
    });
    expect(k.api.dev_get_drvdata(pd.dev)).to.equal(null);
  });

  it('-ENODEV from probe is logged at debug level as "rejects match -19", never as a failure', async () => {
    const k = boot();
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('rej', 0));
      await k.api.platform_driver_register(pdrv('rej', () => -ENODEV));
    });
    const rec = k.log.records.filter((r) => r.text.includes('probe with driver'));
    expect(rec.map((r) => [r.level, r.text])).to.deep.equal([[KERN_DEBUG, 'rej rej.0: probe with driver rej rejects match -19']]);
  });

  it('-ENXIO from probe is logged at debug level as "rejects match -6"', async () => {
    const k = boot();
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('rej', 0));
      await k.api.platform_driver_register(pdrv('rej', () => -ENXIO));
    });
    const rec = k.log.records.filter((r) => r.text.includes('probe with driver'));
    expect(rec.map((r) => [r.level, r.text])).to.deep.equal([[KERN_DEBUG, 'rej rej.0: probe with driver rej rejects match -6']]);
  });

  it('-EPROBE_DEFER is logged at debug level as "Driver %s requests probe deferral" and parks the device on the pending list', async () => {
    const k = boot();
    const pd = pdev('later', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(pdrv('later', () => -EPROBE_DEFER));
    });
    const rec = k.log.records.filter((r) => r.text.includes('probe deferral'));
    expect(rec.map((r) => [r.level, r.text])).to.deep.equal([[KERN_DEBUG, 'later later.0: Driver later requests probe deferral']]);
    expect(grep(k, 'failed with error')).to.deep.equal([]);
    expect(k.base.dd.deferred_probe_pending_list).to.deep.equal([pd.dev]);
  });

  it('driver_register and device_add return 0 whatever the probe returned', async () => {
    const k = boot();
    const rcs: number[] = [];
    await runInit(k, async () => {
      rcs.push(await k.api.platform_device_register(pdev('a', 0)));
      rcs.push(await k.api.platform_driver_register(pdrv('a', () => -ENOMEM)));
      await k.api.platform_driver_register(pdrv('b', () => -EBUSY));
      rcs.push(await k.api.platform_device_register(pdev('b', 0)));
    });
    expect(rcs).to.deep.equal([0, 0, 0]);
    expect(grep(k, 'failed with error')).to.have.length(2);
  });

  it('a probe error does not stop the driver walk: the next matching driver gets its chance', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('multi', 0);
    const second = pdrv(
      'multi_alt',
      () => {
        rec.push('alt probe');
        return 0;
      },
      { id_table: [{ name: 'multi' }] },
    );
    await runInit(k, async () => {
      await k.api.platform_driver_register(
        pdrv('multi', () => {
          rec.push('multi probe');
          return -ENODEV;
        }),
      );
      await k.api.platform_driver_register(second);
      await k.api.platform_device_register(pd);
    });
    expect(rec.events).to.deep.equal(['multi probe', 'alt probe']);
    expect(pd.dev.driver).to.equal(second.driver);
  });

  it('a bound device is not probed again by a second matching driver', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('taken', 0);
    const first = pdrv('taken', () => 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(first);
      await k.api.platform_driver_register(
        pdrv(
          'taken_too',
          () => {
            rec.push('second probe');
            return 0;
          },
          { id_table: [{ name: 'taken' }] },
        ),
      );
    });
    expect(rec.events).to.deep.equal([]);
    expect(pd.dev.driver).to.equal(first.driver);
  });

  it('device_release_driver calls remove() and clears dev->driver; device_attach binds the device again', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('rebind', 0);
    const drv = pdrv(
      'rebind',
      () => {
        rec.push('probe');
        return 0;
      },
      { remove: () => rec.push('remove') },
    );
    let rc = 0;
    const state: unknown[] = [];
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(drv);
      await k.api.device_release_driver(pd.dev);
      state.push(pd.dev.driver, k.api.device_is_bound(pd.dev));
      rc = await k.api.device_attach(pd.dev);
    });
    expect(rec.events).to.deep.equal(['probe', 'remove', 'probe']);
    expect(state).to.deep.equal([null, false]);
    expect(rc).to.equal(1);
    expect(k.api.device_is_bound(pd.dev)).to.equal(true);
  });

  it('driver_unregister unbinds the devices newest-bound first', async () => {
    const k = boot();
    const rec = new Recorder();
    const drv = pdrv('many', () => 0, { remove: (p) => rec.push(`remove ${k.api.dev_name(p.dev)}`) });
    await runInit(k, async () => {
      await k.api.platform_driver_register(drv);
      for (const id of [2, 0, 1]) await k.api.platform_device_register(pdev('many', id));
      await k.api.platform_driver_unregister(drv);
    });
    expect(rec.events).to.deep.equal(['remove many.1', 'remove many.0', 'remove many.2']);
  });

  it('driver_unregister takes the driver off the bus before unbinding: a device added from remove() does not bind to it', async () => {
    const k = boot();
    const rec = new Recorder();
    const late = pdev('leaving', 1);
    const drv = pdrv(
      'leaving',
      (p) => {
        rec.push(`probe ${k.api.dev_name(p.dev)}`);
        return 0;
      },
      {
        remove: async (p) => {
          rec.push(`remove ${k.api.dev_name(p.dev)}`);
          if (p !== late) await k.api.platform_device_register(late);
        },
      },
    );
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('leaving', 0));
      await k.api.platform_driver_register(drv);
      await k.api.platform_driver_unregister(drv);
    });
    expect(rec.events).to.deep.equal(['probe leaving.0', 'remove leaving.0']);
    expect(late.dev.driver).to.equal(null);
  });

  it('CONFIG_DEBUG_TEST_DRIVER_REMOVE: a successful probe is followed by remove() and a second probe', async () => {
    const k = boot();
    k.base.dd.test_driver_remove = true;
    const rec = new Recorder();
    const pd = pdev('twice', 0);
    const drv = pdrv(
      'twice',
      async (p) => {
        rec.push('probe');
        k.api.devm_add_action(p.dev, () => rec.push('devm release'), null);
        return 0;
      },
      { remove: () => rec.push('remove') },
    );
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(drv);
    });
    expect(rec.events).to.deep.equal(['probe', 'remove', 'devm release', 'probe']);
    expect(k.api.device_is_bound(pd.dev)).to.equal(true);
  });

  it('prevent_deferred_probe turns -EPROBE_DEFER into -ENXIO with "probe deferral not supported"', async () => {
    const k = boot();
    const pd = pdev('nodefer', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(pdrv('nodefer', () => -EPROBE_DEFER, { prevent_deferred_probe: true }));
    });
    expect(grep(k, 'nodefer nodefer.0: probe deferral not supported')).to.have.length(1);
    expect(grep(k, 'rejects match -6')).to.have.length(1);
    expect(k.base.dd.deferred_probe_pending_list).to.deep.equal([]);
  });

  it('a device added while its driver registers in another task is probed exactly once, under every schedule', async () => {
    // racy.0 is on the bus first and its probe sleeps, so the driver's bus
    // walk (driver_attach) is still going when udev's device_add of racy.1
    // may land. Untimed: any sleeper may run next, i.e. any probe duration.
    const orders = new Set<string>();
    const schedules = await everySchedule(async (strategy) => {
      const k = boot({ scheduler: { strategy, timeMode: 'untimed' } });
      const ev: string[] = [];
      const probed: string[] = [];
      const pd0 = pdev('racy', 0);
      const pd1 = pdev('racy', 1);
      const drv = pdrv('racy', async (p) => {
        probed.push(dev_name(p.dev));
        ev.push(`probe ${dev_name(p.dev)} in ${k.sched.current!.comm}`);
        await k.api.msleep(10);
        return 0;
      });
      const o = await runInit(k, async () => {
        await k.api.platform_device_register(pd0);
        k.spawn('udev', 'user', async () => {
          ev.push('device_add racy.1');
          await k.api.platform_device_register(pd1);
          ev.push('device_add racy.1 returned');
        });
        k.spawn('modprobe', 'user', async () => {
          ev.push('driver_register');
          await k.api.platform_driver_register(drv);
          ev.push('driver_register returned');
        });
      });
      const what = `schedule [${k.sched.choices.join(',')}]: ${ev.join(', ')}`;
      expect(o.status, what).to.equal('idle');
      expect(probed.sort(), what).to.deep.equal(['racy.0', 'racy.1']);
      expect([pd0, pd1].map((pd) => k.api.device_is_bound(pd.dev)), what).to.deep.equal([true, true]);
      orders.add(ev.join(', '));
      return k;
    });
    expect(schedules.length).to.be.greaterThan(1);
    expect([...orders]).to.include.members([
      // device first: the driver's walk probes both
      'device_add racy.1, device_add racy.1 returned, driver_register, probe racy.0 in modprobe, probe racy.1 in modprobe, driver_register returned',
      // device_add lands mid-walk and probes racy.1 itself; the walk then finds it bound
      'driver_register, probe racy.0 in modprobe, device_add racy.1, probe racy.1 in udev, device_add racy.1 returned, driver_register returned',
      // driver first: device_add probes racy.1 after the walk
      'driver_register, probe racy.0 in modprobe, driver_register returned, device_add racy.1, probe racy.1 in udev, device_add racy.1 returned',
    ]);
  });

  it('bus_rescan_devices() returns the first device_attach() error and stops there: "Resources present before probing" on a.0 (-EBUSY) leaves b.0, later on the bus, unprobed', async () => {
    const k = boot();
    const rec = new Recorder();
    const a = pdev('rescan', 0);
    const b = pdev('rescan', 1);
    let rc: number | null = null;
    await runInit(k, async () => {
      // echo 0 > /sys/bus/platform/drivers_autoprobe: nothing binds until the rescan.
      k.api.platform_bus_type.p!.drivers_autoprobe = false;
      await k.api.platform_device_register(a);
      await k.api.platform_device_register(b);
      await k.api.platform_driver_register(pdrv('rescan', (pd) => (rec.push(`probe ${dev_name(pd.dev)}`), 0)));
      // A devres entry on a device without a driver: really_probe() refuses it.
      k.api.devm_add_action(a.dev, function leftover() {}, null);
      rc = await k.api.bus_rescan_devices(k.api.platform_bus_type);
    });
    expect(rc).to.equal(-EBUSY);
    expect(grep(k, 'Resources present before probing')).to.deep.equal(['platform rescan.0: Resources present before probing']);
    expect(rec.events).to.deep.equal([]);
    expect([a.dev.driver, b.dev.driver]).to.deep.equal([null, null]);
  });

  it('bus_rescan_devices() goes on past devices that bind or match no driver, and returns 0', async () => {
    const k = boot();
    const rec = new Recorder();
    let rc: number | null = null;
    await runInit(k, async () => {
      k.api.platform_bus_type.p!.drivers_autoprobe = false;
      await k.api.platform_device_register(pdev('nodriver', 0));
      await k.api.platform_device_register(pdev('rescan', 0));
      await k.api.platform_device_register(pdev('rescan', 1));
      await k.api.platform_driver_register(pdrv('rescan', (pd) => (rec.push(`probe ${dev_name(pd.dev)}`), 0)));
      rc = await k.api.bus_rescan_devices(k.api.platform_bus_type);
    });
    expect(rc).to.equal(0);
    expect(rec.events).to.deep.equal(['probe rescan.0', 'probe rescan.1']);
  });

  it('driver_register on a bus that was never registered fails with -EINVAL and says so', async () => {
    const k = boot();
    const drv = new device_driver('orphan');
    drv.bus = new bus_type('nobus');
    let rc = 0;
    await runInit(k, async () => {
      rc = await k.api.driver_register(drv);
    });
    expect(rc).to.equal(-EINVAL);
    expect(grep(k, "Driver 'orphan' was unable to register with bus_type 'nobus' because the bus was not initialized.")).to.have.length(1);
  });
});
