// SPDX-License-Identifier: GPL-2.0-only
/**
 * Bus notifiers (drivers/base/bus.c, core.c, dd.c): which event comes when,
 * relative to probe, remove and devres release: kernel-semantics §1.9.
 */
import { expect } from 'chai';
import { ENOMEM } from '../../framework/include/errno.js';
import { bus_notifier_event, type notifier_block } from '../../framework/include/linux/device.js';
import { boot, pdev, pdrv, Recorder, runInit, type Kernel } from './fixture.js';

/** A notifier that records "<EVENT> <dev>" (BUS_NOTIFY_ stripped). */
function recorder(k: Kernel, rec: Recorder, tag = ''): notifier_block {
  return {
    notifier_call: (_nb, action, dev) => {
      rec.push(`${tag}${bus_notifier_event[action].replace('BUS_NOTIFY_', '')} ${k.api.dev_name(dev)}`);
      return 0;
    },
  };
}

describe('driver core: bus notifiers', () => {
  it('a successful bind: ADD_DEVICE before probe, then BIND_DRIVER, probe, BOUND_DRIVER', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      k.api.bus_register_notifier(k.api.platform_bus_type, recorder(k, rec));
      await k.api.platform_driver_register(
        pdrv('n', () => {
          rec.push('probe');
          return 0;
        }),
      );
      await k.api.platform_device_register(pdev('n', 0));
    });
    expect(rec.events).to.deep.equal(['ADD_DEVICE n.0', 'BIND_DRIVER n.0', 'probe', 'BOUND_DRIVER n.0']);
  });

  it('a device added with dev->driver already set is bound without probe (device_bind_driver): BIND_DRIVER, then BOUND_DRIVER', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      k.api.bus_register_notifier(k.api.platform_bus_type, recorder(k, rec));
      const drv = pdrv('preset', () => {
        rec.push('probe');
        return 0;
      });
      await k.api.platform_driver_register(drv);
      const pd = pdev('other', 0);
      k.api.device_initialize(pd.dev);
      pd.dev.driver = drv.driver;
      await k.api.platform_device_add(pd);
      rec.push(`bound: ${k.api.device_is_bound(pd.dev)}`);
    });
    expect(rec.events).to.deep.equal(['ADD_DEVICE other.0', 'BIND_DRIVER other.0', 'BOUND_DRIVER other.0', 'bound: true']);
  });

  it('a failed probe: BIND_DRIVER, probe, DRIVER_NOT_BOUND, then the devres release; never BOUND_DRIVER', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      k.api.bus_register_notifier(k.api.platform_bus_type, recorder(k, rec));
      await k.api.platform_device_register(pdev('f', 0));
      await k.api.platform_driver_register(
        pdrv('f', (p) => {
          rec.push('probe');
          k.api.devm_add_action(p.dev, () => rec.push('devres release'), null);
          return -ENOMEM;
        }),
      );
    });
    expect(rec.events).to.deep.equal(['ADD_DEVICE f.0', 'BIND_DRIVER f.0', 'probe', 'DRIVER_NOT_BOUND f.0', 'devres release']);
  });

  it('unbind: UNBIND_DRIVER before remove(), UNBOUND_DRIVER after the devres release', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('u', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(
        pdrv(
          'u',
          (p) => {
            k.api.devm_add_action(p.dev, () => rec.push('devres release'), null);
            return 0;
          },
          { remove: () => rec.push('remove') },
        ),
      );
      k.api.bus_register_notifier(k.api.platform_bus_type, recorder(k, rec));
      await k.api.device_release_driver(pd.dev);
    });
    expect(rec.events).to.deep.equal(['UNBIND_DRIVER u.0', 'remove', 'devres release', 'UNBOUND_DRIVER u.0']);
  });

  it('device_del: DEL_DEVICE first, then the unbind events, REMOVED_DEVICE last', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('d', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(pdrv('d', () => 0, { remove: () => rec.push('remove') }));
      k.api.bus_register_notifier(k.api.platform_bus_type, recorder(k, rec));
      await k.api.platform_device_unregister(pd);
    });
    expect(rec.events).to.deep.equal(['DEL_DEVICE d.0', 'UNBIND_DRIVER d.0', 'remove', 'UNBOUND_DRIVER d.0', 'REMOVED_DEVICE d.0']);
  });

  it('notifiers run in registration order, synchronously in the task that caused the event', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      k.api.bus_register_notifier(k.api.platform_bus_type, recorder(k, rec, 'first '));
      k.api.bus_register_notifier(k.api.platform_bus_type, {
        notifier_call: () => {
          rec.push(`second in ${k.sched.current!.comm}`);
          return 0;
        },
      });
      await k.api.platform_device_register(pdev('o', 0));
      rec.push('device_add returned');
    });
    expect(rec.events).to.deep.equal(['first ADD_DEVICE o.0', 'second in swapper/0', 'device_add returned']);
  });

  it('bus_unregister_notifier stops the callbacks', async () => {
    const k = boot();
    const rec = new Recorder();
    const nb = recorder(k, rec);
    await runInit(k, async () => {
      k.api.bus_register_notifier(k.api.platform_bus_type, nb);
      await k.api.platform_device_register(pdev('x', 0));
      k.api.bus_unregister_notifier(k.api.platform_bus_type, nb);
      await k.api.platform_device_register(pdev('x', 1));
    });
    expect(rec.events).to.deep.equal(['ADD_DEVICE x.0']);
  });
});
