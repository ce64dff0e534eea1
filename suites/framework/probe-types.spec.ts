// SPDX-License-Identifier: GPL-2.0-only
/**
 * Probe types (drivers/base/dd.c driver_allows_async_probing,
 * __device_attach, __driver_attach, async helpers): kernel-semantics §1.5.
 */
import { expect } from 'chai';
import type { SchedulingStrategy } from '../../framework/sim/strategy.js';
import { PROBE_FORCE_SYNCHRONOUS, PROBE_PREFER_ASYNCHRONOUS } from '../../framework/include/linux/device.js';
import { boot, pdev, pdrv, Recorder, runInit, texts } from './fixture.js';

describe('driver core: probe types', () => {
  it('PROBE_PREFER_ASYNCHRONOUS: driver_register returns before the probe of an existing device runs', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('slow', 0));
      await k.api.platform_driver_register(
        pdrv(
          'slow',
          () => {
            rec.push('probe');
            return 0;
          },
          { probe_type: PROBE_PREFER_ASYNCHRONOUS },
        ),
      );
      rec.push('driver_register returned');
    });
    expect(rec.events).to.deep.equal(['driver_register returned', 'probe']);
  });

  it('PROBE_PREFER_ASYNCHRONOUS, driver first: dmesg says "probing driver slow asynchronously" for each device before the probes start; device first: "scheduling asynchronous probe"', async () => {
    const k = boot();
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('slow', 0));
      await k.api.platform_device_register(pdev('slow', 1));
      await k.api.platform_driver_register(pdrv('slow', () => 0, { probe_type: PROBE_PREFER_ASYNCHRONOUS }));
      await k.api.platform_device_register(pdev('slow', 2));
    });
    const lines = texts(k).filter((t) => /asynchronous|really_probe: probing/.test(t));
    expect(lines).to.deep.equal([
      'platform slow.0: probing driver slow asynchronously',
      'platform slow.1: probing driver slow asynchronously',
      "platform slow.0: bus: 'platform': really_probe: probing driver slow with device",
      "platform slow.1: bus: 'platform': really_probe: probing driver slow with device",
      'platform slow.2: scheduling asynchronous probe',
      "platform slow.2: bus: 'platform': really_probe: probing driver slow with device",
    ]);
  });

  it('PROBE_PREFER_ASYNCHRONOUS: device_add returns before the probe runs and the device is not yet bound', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('slow', 0);
    await runInit(k, async () => {
      await k.api.platform_driver_register(
        pdrv(
          'slow',
          () => {
            rec.push('probe');
            return 0;
          },
          { probe_type: PROBE_PREFER_ASYNCHRONOUS },
        ),
      );
      await k.api.platform_device_register(pd);
      rec.push(`device_add returned, bound=${k.api.device_is_bound(pd.dev)}`);
    });
    expect(rec.events).to.deep.equal(['device_add returned, bound=false', 'probe']);
    expect(k.api.device_is_bound(pd.dev)).to.equal(true);
  });

  it('PROBE_FORCE_SYNCHRONOUS: the probe has run when driver_register returns', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('sync', 0));
      await k.api.platform_driver_register(
        pdrv(
          'sync',
          () => {
            rec.push('probe');
            return 0;
          },
          { probe_type: PROBE_FORCE_SYNCHRONOUS },
        ),
      );
      rec.push('driver_register returned');
    });
    expect(rec.events).to.deep.equal(['probe', 'driver_register returned']);
  });

  it('PROBE_FORCE_SYNCHRONOUS: the device is bound when device_add returns', async () => {
    const k = boot();
    const pd = pdev('sync', 0);
    let bound = false;
    await runInit(k, async () => {
      await k.api.platform_driver_register(pdrv('sync', () => 0, { probe_type: PROBE_FORCE_SYNCHRONOUS }));
      await k.api.platform_device_register(pd);
      bound = k.api.device_is_bound(pd.dev);
    });
    expect(bound).to.equal(true);
  });

  it('PROBE_DEFAULT_STRATEGY probes synchronously, in the registering task', async () => {
    const k = boot();
    const rec = new Recorder();
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('dflt', 0));
      await k.api.platform_driver_register(
        pdrv('dflt', () => {
          rec.push(`probe in ${k.sched.current!.comm}`);
          return 0;
        }),
      );
      rec.push('driver_register returned');
    });
    expect(rec.events).to.deep.equal(['probe in swapper/0', 'driver_register returned']);
  });

  it('driver_async_probe=<name> makes a default-strategy driver probe asynchronously on an async worker', async () => {
    const k = boot();
    k.base.dd.async_probe_drivers.add('named');
    const rec = new Recorder();
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('named', 0));
      await k.api.platform_driver_register(
        pdrv('named', () => {
          rec.push(`probe async=${k.api.current_is_async()} in ${k.sched.current!.comm}`);
          return 0;
        }),
      );
      rec.push('driver_register returned');
    });
    expect(rec.events).to.deep.equal(['driver_register returned', 'probe async=true in kworker/u4:0']);
  });

  it('driver_async_probe=* makes every default-strategy driver asynchronous, but not PROBE_FORCE_SYNCHRONOUS ones', async () => {
    const k = boot();
    k.base.dd.async_probe_drivers.add('*');
    const rec = new Recorder();
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('one', 0));
      await k.api.platform_device_register(pdev('two', 0));
      await k.api.platform_driver_register(
        pdrv('one', () => {
          rec.push('probe one');
          return 0;
        }),
      );
      rec.push('one registered');
      await k.api.platform_driver_register(
        pdrv(
          'two',
          () => {
            rec.push('probe two');
            return 0;
          },
          { probe_type: PROBE_FORCE_SYNCHRONOUS },
        ),
      );
      rec.push('both registered');
    });
    const e = rec.events;
    expect(e.indexOf('one registered'), 'one probes after its registration returned').to.be.below(e.indexOf('probe one'));
    expect(e.indexOf('probe two'), 'two probes before its registration returns').to.be.below(e.indexOf('both registered'));
    expect(e).to.have.members(['one registered', 'probe one', 'probe two', 'both registered']);
  });

  it('driver_async_probe=*,<name> makes every default-strategy driver asynchronous except the listed one', async () => {
    const k = boot();
    k.base.dd.async_probe_drivers.add('*');
    k.base.dd.async_probe_drivers.add('listed');
    const rec = new Recorder();
    await runInit(k, async () => {
      for (const name of ['listed', 'other']) {
        await k.api.platform_device_register(pdev(name, 0));
        await k.api.platform_driver_register(
          pdrv(name, () => {
            rec.push(`probe ${name} async=${k.api.current_is_async()}`);
            return 0;
          }),
        );
      }
    });
    expect(rec.events).to.have.members(['probe listed async=false', 'probe other async=true']);
  });

  it('a default-strategy driver of a module loaded with async_probe=1 probes asynchronously; the same driver built in does not', async () => {
    const order = async (owner: string | null): Promise<string[]> => {
      const k = boot();
      k.base.dd.module_requested_async_probing = (mod) => mod === 'cxl_pci';
      const rec = new Recorder();
      const api = k.apiFor(owner);
      await runInit(k, async () => {
        await api.platform_device_register(pdev('cxl_pci', 0));
        await api.platform_driver_register(
          pdrv('cxl_pci', () => {
            rec.push('probe');
            return 0;
          }),
        );
        rec.push('registered');
      });
      return rec.events;
    };
    expect(await order('cxl_pci')).to.deep.equal(['registered', 'probe']);
    expect(await order(null)).to.deep.equal(['probe', 'registered']);
  });

  it('device_attach (as from sysfs bind) probes synchronously even for a PROBE_PREFER_ASYNCHRONOUS driver', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('manual', 0);
    let rc = 0;
    await runInit(k, async () => {
      k.api.platform_bus_type.p!.drivers_autoprobe = false;
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(
        pdrv(
          'manual',
          () => {
            rec.push('probe');
            return 0;
          },
          { probe_type: PROBE_PREFER_ASYNCHRONOUS },
        ),
      );
      rec.push('registered');
      rc = await k.api.device_attach(pd.dev);
      rec.push('device_attach returned');
    });
    expect(rec.events).to.deep.equal(['registered', 'probe', 'device_attach returned']);
    expect(rc).to.equal(1);
  });

  it('device_add tries the synchronous drivers first: a sync driver registered later wins over an async one registered earlier', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('race', 0);
    const syncDrv = pdrv(
      'race_sync',
      () => {
        rec.push('sync probe');
        return 0;
      },
      { id_table: [{ name: 'race' }] },
    );
    await runInit(k, async () => {
      await k.api.platform_driver_register(
        pdrv(
          'race',
          () => {
            rec.push('async probe');
            return 0;
          },
          { probe_type: PROBE_PREFER_ASYNCHRONOUS },
        ),
      );
      await k.api.platform_driver_register(syncDrv);
      await k.api.platform_device_register(pd);
    });
    expect(rec.events).to.deep.equal(['sync probe']);
    expect(pd.dev.driver).to.equal(syncDrv.driver);
  });

  it('a device deleted before its scheduled asynchronous probe ran is never probed', async () => {
    // PID 1 runs until it blocks: the async worker gets the CPU only after the device is gone.
    const pid1First: SchedulingStrategy = { choose: (p) => Math.max(0, p.candidates.findIndex((t) => t.pid === 1)) };
    const k = boot({ scheduler: { strategy: pid1First } });
    const rec = new Recorder();
    const pd = pdev('brief', 0);
    await runInit(k, async () => {
      await k.api.platform_driver_register(
        pdrv(
          'brief',
          () => {
            rec.push('probe');
            return 0;
          },
          { probe_type: PROBE_PREFER_ASYNCHRONOUS },
        ),
      );
      await k.api.platform_device_register(pd);
      await k.api.platform_device_unregister(pd);
    });
    expect(rec.events).to.deep.equal([]);
    expect(pd.dev.kref).to.equal(0);
  });

  it('asynchronous probes of three devices overlap: 100 ms each, all bound at 100 ms; synchronous ones take 300 ms', async () => {
    const run = async (probe_type?: typeof PROBE_PREFER_ASYNCHRONOUS) => {
      const k = boot();
      await runInit(k, async () => {
        for (const id of [0, 1, 2]) await k.api.platform_device_register(pdev('par', id));
        await k.api.platform_driver_register(
          pdrv(
            'par',
            async () => {
              await k.api.msleep(100);
              return 0;
            },
            { probe_type },
          ),
        );
        await k.api.wait_for_device_probe();
      });
      return k.sched.now;
    };
    expect(await run(PROBE_PREFER_ASYNCHRONOUS)).to.equal(100_000);
    expect(await run()).to.equal(300_000);
  });

  it('driver_unregister of an asynchronous driver first waits for its scheduled probes (async_synchronize_full), then unbinds', async () => {
    const k = boot();
    const rec = new Recorder();
    const drv = pdrv(
      'quick',
      async () => {
        await k.api.msleep(10);
        rec.push(`probe done@${k.sched.now / 1000}`);
        return 0;
      },
      { probe_type: PROBE_PREFER_ASYNCHRONOUS, remove: () => rec.push(`remove@${k.sched.now / 1000}`) },
    );
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('quick', 0));
      await k.api.platform_driver_register(drv);
      await k.api.platform_driver_unregister(drv);
      rec.push('unregistered');
    });
    expect(rec.events).to.deep.equal(['probe done@10', 'remove@10', 'unregistered']);
  });
});
