// SPDX-License-Identifier: GPL-2.0-only
/**
 * The platform bus (drivers/base/platform.c): naming, matching, platform
 * data, MODALIAS, two-phase registration and driver registration errors:
 * kernel-semantics §2 and §1.3.
 */
import { expect } from 'chai';
import { EBUSY, EEXIST } from '../../framework/include/errno.js';
import { PLATFORM_DEVID_AUTO, PLATFORM_DEVID_NONE, platform_device } from '../../framework/drivers/base/platform.js';
import { boot, grep, pdev, pdrv, Recorder, runInit, warningsOf, type Kernel } from './fixture.js';

/** Register a driver named `name` and report which devices it bound. */
async function bindWith(k: Kernel, name: string, devs: platform_device[], opts: Parameters<typeof pdrv>[2] = {}): Promise<string[]> {
  const bound: string[] = [];
  await runInit(k, async () => {
    for (const d of devs) await k.api.platform_device_register(d);
    await k.api.platform_driver_register(
      pdrv(
        name,
        (p) => {
          bound.push(k.api.dev_name(p.dev));
          return 0;
        },
        opts,
      ),
    );
  });
  return bound;
}

describe('platform bus', () => {
  it('a device with id >= 0 is named "<name>.<id>" (hmem.0) below /devices/platform', async () => {
    const k = boot();
    const env: string[] = [];
    k.base.ueventListeners.push((action, _d, e) => env.push(`${action} ${e.get('DEVPATH')}`));
    const pd = pdev('hmem', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
    });
    expect(k.api.dev_name(pd.dev)).to.equal('hmem.0');
    expect(pd.dev.parent).to.equal(k.api.platform_bus);
    expect(env).to.deep.equal(['add /devices/platform/hmem.0']);
  });

  it('PLATFORM_DEVID_NONE gives the bare name', async () => {
    const k = boot();
    const pd = pdev('cxl_acpi', PLATFORM_DEVID_NONE);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
    });
    expect(k.api.dev_name(pd.dev)).to.equal('cxl_acpi');
  });

  it('PLATFORM_DEVID_AUTO gives "<name>.<n>.auto", sets id_auto, and frees the id at platform_device_del for reuse', async () => {
    const k = boot();
    const a = pdev('auto', PLATFORM_DEVID_AUTO);
    const b = pdev('auto', PLATFORM_DEVID_AUTO);
    const c = pdev('auto', PLATFORM_DEVID_AUTO);
    const names: string[] = [];
    await runInit(k, async () => {
      await k.api.platform_device_register(a);
      await k.api.platform_device_register(b);
      names.push(k.api.dev_name(a.dev), k.api.dev_name(b.dev));
      await k.api.platform_device_unregister(a);
      names.push(`a.id=${a.id}`);
      await k.api.platform_device_register(c);
      names.push(k.api.dev_name(c.dev));
    });
    expect(names).to.deep.equal(['auto.0.auto', 'auto.1.auto', `a.id=${PLATFORM_DEVID_AUTO}`, 'auto.0.auto']);
    expect(b.id_auto).to.equal(true);
  });

  it('matching uses pdev->name, never dev_name: driver "hmem" binds hmem.3, driver "hmem.3" binds nothing', async () => {
    expect(await bindWith(boot(), 'hmem', [pdev('hmem', 3)])).to.deep.equal(['hmem.3']);
    expect(await bindWith(boot(), 'hmem.3', [pdev('hmem', 3)])).to.deep.equal([]);
  });

  it('driver_override binds the device only to the named driver, even when another driver\'s name matches', async () => {
    const k = boot();
    const pd = pdev('hmem', 0);
    pd.driver_override = 'vfio-platform';
    expect(await bindWith(k, 'hmem', [pd])).to.deep.equal([]);
    const bound: string[] = [];
    await runInit(k, async () => {
      await k.api.platform_driver_register(
        pdrv('vfio-platform', (p) => {
          bound.push(k.api.dev_name(p.dev));
          return 0;
        }),
      );
    });
    expect(bound).to.deep.equal(['hmem.0']);
  });

  it('an id_table decides alone: listed names match, the driver\'s own name does not', async () => {
    const k = boot();
    const bound = await bindWith(k, 'cxl_dax', [pdev('cxl_dax', 0), pdev('dax_a', 0), pdev('dax_b', 0)], {
      id_table: [{ name: 'dax_a' }, { name: 'dax_b' }],
    });
    expect(bound).to.deep.equal(['dax_a.0', 'dax_b.0']);
  });

  it('platform_device_add_data stores a copy: later changes to the caller\'s buffer are not seen; the copy keeps its type', async () => {
    const k = boot();
    const pd = k.api.platform_device_alloc('pdata', 0)!;
    const data = { start: 0x1000, nodes: [1, 2] };
    const arr = [10, 20, 30];
    expect(k.api.platform_device_add_data(pd, data)).to.equal(0);
    data.start = 0x2000;
    expect(pd.dev.platform_data).to.not.equal(data);
    expect((pd.dev.platform_data as typeof data).start).to.equal(0x1000);
    expect(k.api.platform_device_add_data(pd, arr)).to.equal(0);
    arr[0] = 99;
    expect(Array.isArray(pd.dev.platform_data)).to.equal(true);
    expect(pd.dev.platform_data).to.deep.equal([10, 20, 30]);
    k.api.platform_device_put(pd);
  });

  it('the KOBJ_ADD uevent carries MODALIAS=platform:<name> without the id, seen by a listener on k.base.ueventListeners', async () => {
    const k = boot();
    const seen: string[] = [];
    k.base.ueventListeners.push((action, dev, env) => seen.push(`${action} ${k.api.dev_name(dev)} ${env.get('SUBSYSTEM')} ${env.get('MODALIAS')}`));
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('hmem_platform', 0));
    });
    expect(seen).to.deep.equal(['add hmem_platform.0 platform platform:hmem_platform']);
  });

  it('two-phase registration: alloc gives one unnamed reference, add names and adds it (the platform bus and platform_bus\'s children each hold it too), del drops those and keeps the memory, put releases', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = k.api.platform_device_alloc('two', 1)!;
    const release = pd.dev.release!;
    pd.dev.release = (d) => {
      rec.push('platform_device_release');
      release(d);
    };
    const state: unknown[] = [];
    await runInit(k, async () => {
      state.push(pd.dev.kref, k.api.dev_name(pd.dev));
      k.api.platform_device_add_data(pd, { x: 1 });
      state.push(await k.api.platform_device_add(pd), k.api.dev_name(pd.dev), pd.dev.kref);
      await k.api.platform_device_del(pd);
      state.push(pd.dev.state_in_sysfs, pd.dev.kref, rec.events.length);
      k.api.platform_device_put(pd);
    });
    // After add: the caller's reference, klist_devices' of the platform bus and klist_children's of platform_bus.
    expect(state).to.deep.equal([1, '', 0, 'two.1', 3, false, 1, 0]);
    expect(rec.events).to.deep.equal(['platform_device_release']);
    expect(pd.dev.platform_data).to.equal(null);
  });

  it('after a failed platform_device_add the caller must platform_device_put; that put releases', async () => {
    const k = boot();
    const rec = new Recorder();
    const first = pdev('clash', 0);
    const pd = k.api.platform_device_alloc('clash', 0)!;
    pd.dev.release = rec.release('clash.0 (second)');
    let rc = 0;
    await runInit(k, async () => {
      await k.api.platform_device_register(first);
      rc = await k.api.platform_device_add(pd);
      rec.push(`kref ${pd.dev.kref}`);
      k.api.platform_device_put(pd);
    });
    expect(rc).to.equal(-EEXIST);
    expect(rec.events).to.deep.equal(['kref 1', 'release clash.0 (second)']);
  });

  it('platform_device_alloc returns NULL under fault injection', () => {
    const k = boot();
    k.faults.add({ function: 'platform_device_alloc', match: 'hmem' });
    expect(k.api.platform_device_alloc('hmem', 0)).to.equal(null);
    expect(k.api.platform_device_alloc('other', 0)).to.not.equal(null);
  });

  it('platform_device_unregister(NULL) and platform_device_put(NULL) do nothing', async () => {
    const k = boot();
    await runInit(k, async () => {
      await k.api.platform_device_unregister(null);
      k.api.platform_device_put(null);
    });
    expect(k.panic.warnings).to.deep.equal([]);
  });

  it('registering a platform driver twice: pr_err "Error: Driver \'%s\' is already registered, aborting..." and -EBUSY', async () => {
    const k = boot();
    const drv = pdrv('twice', () => 0);
    const rcs: number[] = [];
    await runInit(k, async () => {
      rcs.push(await k.api.platform_driver_register(drv));
      rcs.push(await k.api.platform_driver_register(drv));
    });
    expect(rcs).to.deep.equal([0, -EBUSY]);
    const r = k.log.records.filter((x) => x.text.includes('already registered'));
    expect(r.map((x) => [x.level, x.text])).to.deep.equal([[3, "Error: Driver 'twice' is already registered, aborting..."]]);
  });

  it('a second driver with a taken name fails -EBUSY and the first one stays bound', async () => {
    const k = boot();
    const pd = pdev('same', 0);
    const first = pdrv('same', () => 0);
    let rc = 0;
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(first);
      rc = await k.api.platform_driver_register(pdrv('same', () => 0));
    });
    expect(rc).to.equal(-EBUSY);
    expect(pd.dev.driver).to.equal(first.driver);
  });

  it('platform_driver_unregister of a driver that is not registered WARNs "Unexpected driver unregister!" in driver_unregister', async () => {
    const k = boot();
    await runInit(k, async function dax_hmem_exit() {
      await k.api.platform_driver_unregister(pdrv('never', () => 0));
    });
    const w = warningsOf(k);
    expect(w.map((x) => [x.function, x.text])).to.deep.equal([['driver_unregister', 'Unexpected driver unregister!']]);
    expect(w[0]!.message).to.match(/^WARNING: drivers\/base\/driver\.c:\d+ at driver_unregister, CPU#0: \S+\/1$/);
  });

  it('platform_driver_unregister twice: the second WARNs "Unexpected driver unregister!"', async () => {
    const k = boot();
    const drv = pdrv('once', () => 0);
    await runInit(k, async () => {
      await k.api.platform_driver_register(drv);
      await k.api.platform_driver_unregister(drv);
      await k.api.platform_driver_unregister(drv);
    });
    expect(warningsOf(k).map((x) => x.text)).to.deep.equal(['Unexpected driver unregister!']);
  });

  it('platform_device_register of a static device without release: its unregister WARNs "does not have a release() function"', async () => {
    const k = boot();
    const pd = new platform_device({ name: 'static', id: 0 });
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_device_unregister(pd);
    });
    expect(grep(k, "Device 'static.0' does not have a release() function")).to.have.length(1);
  });

  it('uevents: KOBJ_ADD (with MODALIAS) comes before the probe, KOBJ_BIND (with DRIVER) after it', async () => {
    const k = boot();
    const rec = new Recorder();
    k.base.ueventListeners.push((action, _d, env) => rec.push(`${action} DRIVER=${env.get('DRIVER') ?? '-'}`));
    await runInit(k, async () => {
      await k.api.platform_driver_register(
        pdrv('ev', () => {
          rec.push('probe');
          return 0;
        }),
      );
      await k.api.platform_device_register(pdev('ev', 0));
    });
    expect(rec.events).to.deep.equal(['add DRIVER=-', 'probe', 'bind DRIVER=ev']);
  });
});
