// SPDX-License-Identifier: GPL-2.0-only
/**
 * Managed resources (drivers/base/devres.c): strict LIFO release at unbind,
 * probe failure, device_del and final release; devm_add_action_or_reset;
 * "Resources present before probing": kernel-semantics §1.4, §1.8.
 */
import { expect } from 'chai';
import { EBUSY, ENOMEM } from '../../framework/include/errno.js';
import { device } from '../../framework/include/linux/device.js';
import { KERN_CRIT } from '../../framework/kernel/printk.js';
import { boot, grep, pdev, pdrv, Recorder, runInit, warningsOf, type Kernel } from './fixture.js';

/** A devm action that records its name when released. */
function action(rec: Recorder, name: string): (data: unknown) => void {
  const f = (): void => rec.push(`release ${name}`);
  Object.defineProperty(f, 'name', { value: name });
  return f;
}

/** A helper in "another file" that adds its own devm action, as a library would. */
function devm_helper(k: Kernel, dev: device, rec: Recorder, name: string): number {
  return k.api.devm_add_action(dev, action(rec, name), null);
}

describe('driver core: devres', () => {
  it('at unbind the devm actions of probe and of helpers it called run in strict reverse order, after remove()', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('lifo', 0);
    const drv = pdrv(
      'lifo',
      (p) => {
        k.api.devm_add_action(p.dev, action(rec, 'a'), null);
        devm_helper(k, p.dev, rec, 'helper-b');
        k.api.devm_add_action(p.dev, action(rec, 'c'), null);
        devm_helper(k, p.dev, rec, 'helper-d');
        return 0;
      },
      { remove: () => rec.push('remove') },
    );
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(drv);
      await k.api.device_release_driver(pd.dev);
    });
    expect(rec.events).to.deep.equal(['remove', 'release helper-d', 'release c', 'release helper-b', 'release a']);
  });

  it('devm actions run at unbind with dev->driver still set and the device lock held', async () => {
    const k = boot();
    const seen: unknown[] = [];
    const pd = pdev('ctx', 0);
    const drv = pdrv('ctx', (p) => {
      k.api.devm_add_action(p.dev, () => void seen.push(p.dev.driver === drv.driver, k.api.mutex_is_locked(p.dev.mutex)), null);
      return 0;
    });
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(drv);
      await k.api.device_release_driver(pd.dev);
    });
    expect(seen).to.deep.equal([true, true]);
    expect(pd.dev.driver).to.equal(null);
  });

  it('a failing probe releases its devm actions in reverse order, while dev->driver is still set', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('fail', 0);
    const drv = pdrv('fail', (p) => {
      k.api.devm_add_action(p.dev, action(rec, 'first'), null);
      k.api.devm_add_action(p.dev, () => rec.push(`release second driver=${p.dev.driver === drv.driver}`), null);
      return -ENOMEM;
    });
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(drv);
    });
    expect(rec.events).to.deep.equal(['release second driver=true', 'release first']);
    expect(pd.dev.devres_head).to.deep.equal([]);
  });

  it('device_del of an unbound device releases the devres entries left on it, newest first', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('unbound', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      k.api.devm_add_action(pd.dev, action(rec, 'x'), null);
      k.api.devm_add_action(pd.dev, action(rec, 'y'), null);
      rec.push('device_del');
      await k.api.platform_device_del(pd);
      rec.push('put');
      k.api.platform_device_put(pd);
    });
    expect(rec.events).to.deep.equal(['device_del', 'release y', 'release x', 'put']);
  });

  it('the last put_device releases devres entries added after device_del, before dev->release', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('final', 0, rec);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_device_del(pd);
      k.api.devm_add_action(pd.dev, action(rec, 'late1'), null);
      k.api.devm_add_action(pd.dev, action(rec, 'late2'), null);
      k.api.platform_device_put(pd);
    });
    expect(rec.events).to.deep.equal(['release late2', 'release late1', 'release final.0']);
  });

  it('devres added to an unbound device make its next probe fail: dev_crit "Resources present before probing", probe not called', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('dirty', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      // e.g. added by a work item while no driver was bound
      k.api.devm_add_action(pd.dev, action(rec, 'stale'), null);
      await k.api.platform_driver_register(
        pdrv('dirty', () => {
          rec.push('probe');
          return 0;
        }),
      );
    });
    expect(rec.events).to.deep.equal([]);
    const r = k.log.records.filter((x) => x.text.includes('Resources present'));
    expect(r.map((x) => [x.level, x.text])).to.deep.equal([[KERN_CRIT, 'platform dirty.0: Resources present before probing']]);
    expect(pd.dev.driver).to.equal(null);
    expect(pd.dev.devres_head).to.have.length(1);
  });

  it('"Resources present before probing" makes device_attach return -EBUSY', async () => {
    const k = boot();
    const pd = pdev('dirty', 0);
    let rc = 0;
    await runInit(k, async () => {
      k.api.platform_bus_type.p!.drivers_autoprobe = false;
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(pdrv('dirty', () => 0));
      k.api.devm_add_action(pd.dev, () => {}, null);
      rc = await k.api.device_attach(pd.dev);
    });
    expect(rc).to.equal(-EBUSY);
  });

  it('devm_add_action fails with -ENOMEM under fault injection and adds nothing', async () => {
    const k = boot();
    k.faults.add({ function: 'devm_add_action' });
    const rec = new Recorder();
    const pd = pdev('nomem', 0);
    let rc = 0;
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      rc = k.api.devm_add_action(pd.dev, action(rec, 'never'), null);
    });
    expect(rc).to.equal(-ENOMEM);
    expect(pd.dev.devres_head).to.deep.equal([]);
    expect(rec.events).to.deep.equal([]);
    expect(grep(k, 'FAULT_INJECTION: forcing a failure of devm_add_action')).to.have.length(1);
  });

  it('devm_add_action_or_reset runs the action at once and returns the error when devm_add_action fails', async () => {
    const k = boot();
    k.faults.add({ function: 'devm_add_action' });
    const rec = new Recorder();
    const pd = pdev('reset', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(
        pdrv('reset', async (p) => {
          const rc = await k.api.devm_add_action_or_reset(p.dev, action(rec, 'unregister_region'), null);
          rec.push(`rc=${rc}`);
          return rc;
        }),
      );
    });
    expect(rec.events).to.deep.equal(['release unregister_region', 'rc=-12']);
    expect(grep(k, 'probe with driver reset failed with error -12')).to.have.length(1);
  });

  it('devm_add_action_or_reset succeeds without running the action; it runs at unbind', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('ok', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(
        pdrv('ok', async (p) => {
          rec.push(`rc=${await k.api.devm_add_action_or_reset(p.dev, action(rec, 'r'), null)}`);
          return 0;
        }),
      );
      rec.push('bound');
      await k.api.platform_device_unregister(pd);
    });
    expect(rec.events).to.deep.equal(['rc=0', 'bound', 'release r']);
  });

  it('devm_release_action runs one action now and drops it; devm_remove_action drops one without running it', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('sel', 0);
    const a = action(rec, 'a');
    const b = action(rec, 'b');
    const c = action(rec, 'c');
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      for (const f of [a, b, c]) k.api.devm_add_action(pd.dev, f, null);
      await k.api.devm_release_action(pd.dev, b, null);
      k.api.devm_remove_action(pd.dev, a, null);
      rec.push('del');
      await k.api.platform_device_del(pd);
    });
    expect(rec.events).to.deep.equal(['release b', 'del', 'release c']);
    expect(k.panic.warnings).to.deep.equal([]);
  });

  it('devm_remove_action and devm_release_action of an action that was never added WARN', async () => {
    const k = boot();
    const pd = pdev('none', 0);
    const rec = new Recorder();
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      k.api.devm_remove_action(pd.dev, action(rec, 'ghost'), null);
      await k.api.devm_release_action(pd.dev, action(rec, 'ghost2'), null);
    });
    expect(warningsOf(k).map((w) => w.function)).to.deep.equal(['devm_remove_action', 'devm_release_action']);
    expect(rec.events).to.deep.equal([]);
  });

  it('an action added while the devres list is being released is kept for the next release, so the next probe sees "Resources present"', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('readd', 0);
    let probes = 0;
    const drv = pdrv('readd', (p) => {
      probes++;
      k.api.devm_add_action(
        p.dev,
        () => {
          rec.push('release outer');
          k.api.devm_add_action(p.dev, action(rec, 'inner'), null);
        },
        null,
      );
      return 0;
    });
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(drv);
      await k.api.device_release_driver(pd.dev);
      rec.push(`left ${pd.dev.devres_head.length}`);
      await k.api.device_attach(pd.dev);
    });
    expect(rec.events).to.deep.equal(['release outer', 'left 1']);
    expect(probes).to.equal(1);
    expect(grep(k, 'Resources present before probing')).to.have.length(1);
  });
});
