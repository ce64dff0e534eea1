// SPDX-License-Identifier: GPL-2.0-only
/**
 * Deferred probe (drivers/base/dd.c): the pending and active lists, the
 * trigger on each bind, nothing retried before deferred_probe_initcall
 * (late_initcall), and the 10 s timeout: kernel-semantics §1.6.
 */
import { expect } from 'chai';
import { EPROBE_DEFER } from '../../framework/include/errno.js';
import { KERN_WARNING } from '../../framework/kernel/printk.js';
import { boot, grep, pdev, pdrv, Recorder, runInit, type Kernel } from './fixture.js';

/** A driver whose probe defers until `ready()` holds; each attempt is recorded. */
function deferringDriver(k: Kernel, name: string, rec: Recorder, ready: () => boolean) {
  return pdrv(name, (p) => {
    const ok = ready();
    rec.push(`probe ${k.api.dev_name(p.dev)} ${ok ? 'ok' : 'defer'}`);
    return ok ? 0 : -EPROBE_DEFER;
  });
}

describe('driver core: deferred probe', () => {
  it('a deferring device is put on deferred_probe_pending_list once, however often it defers', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('consumer', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(deferringDriver(k, 'consumer', rec, () => false));
      await k.api.device_attach(pd.dev);
    });
    expect(rec.events).to.deep.equal(['probe consumer.0 defer', 'probe consumer.0 defer']);
    expect(k.base.dd.deferred_probe_pending_list).to.deep.equal([pd.dev]);
    expect(grep(k, 'Added to deferred list')).to.have.length(1);
  });

  it('before deferred_probe_initcall a successful bind retries nothing', async () => {
    const k = boot();
    const rec = new Recorder();
    let supplier = false;
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('consumer', 0));
      await k.api.platform_driver_register(deferringDriver(k, 'consumer', rec, () => supplier));
      await k.api.platform_device_register(pdev('supplier', 0));
      await k.api.platform_driver_register(
        pdrv('supplier', () => {
          supplier = true;
          rec.push('probe supplier.0');
          return 0;
        }),
      );
    });
    expect(rec.events).to.deep.equal(['probe consumer.0 defer', 'probe supplier.0']);
    expect(k.base.dd.deferred_probe_pending_list.map((d) => k.api.dev_name(d))).to.deep.equal(['consumer.0']);
  });

  it('deferred_probe_initcall retries the pending devices ("Retrying from deferred list") before it returns', async () => {
    const k = boot();
    const rec = new Recorder();
    let supplier = false;
    const pd = pdev('consumer', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(deferringDriver(k, 'consumer', rec, () => supplier));
      supplier = true;
      await k.base.dd.deferred_probe_initcall();
      rec.push('late_initcall done');
    });
    expect(rec.events).to.deep.equal(['probe consumer.0 defer', 'probe consumer.0 ok', 'late_initcall done']);
    expect(grep(k, 'consumer.0: Retrying from deferred list')).to.have.length(1);
    expect(k.api.device_is_bound(pd.dev)).to.equal(true);
    expect(k.base.dd.deferred_probe_pending_list).to.deep.equal([]);
  });

  it('after deferred_probe_initcall each successful bind triggers a retry of the pending devices', async () => {
    const k = boot();
    const rec = new Recorder();
    let supplier = false;
    const pd = pdev('consumer', 0);
    await runInit(k, async () => {
      await k.base.dd.deferred_probe_initcall();
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(deferringDriver(k, 'consumer', rec, () => supplier));
      await k.api.platform_device_register(pdev('supplier', 0));
      await k.api.platform_driver_register(
        pdrv('supplier', () => {
          supplier = true;
          rec.push('probe supplier.0');
          return 0;
        }),
      );
      rec.push('supplier registered');
      await k.api.wait_for_device_probe();
    });
    expect(rec.events).to.deep.equal(['probe consumer.0 defer', 'probe supplier.0', 'supplier registered', 'probe consumer.0 ok']);
    expect(k.api.device_is_bound(pd.dev)).to.equal(true);
  });

  it('a bind that happens while a probe is deferring re-triggers, so the deferring device is retried', async () => {
    const k = boot();
    const rec = new Recorder();
    let attempts = 0;
    const pd = pdev('parent', 0);
    await runInit(k, async () => {
      await k.base.dd.deferred_probe_initcall();
      await k.api.platform_driver_register(pdrv('child', () => 0));
      await k.api.platform_driver_register(
        pdrv('parent', async () => {
          attempts++;
          rec.push(`probe parent.0 #${attempts}`);
          if (attempts > 1) return 0;
          // binds child.0 synchronously: a deferred-probe trigger while this probe runs
          await k.api.platform_device_register(pdev('child', 0));
          return -EPROBE_DEFER;
        }),
      );
      await k.api.platform_device_register(pd);
      await k.api.wait_for_device_probe();
    });
    expect(rec.events).to.deep.equal(['probe parent.0 #1', 'probe parent.0 #2']);
    expect(k.api.device_is_bound(pd.dev)).to.equal(true);
  });

  it('a device still deferring 10 s after deferred_probe_initcall is reported with dev_warn "deferred probe pending"', async () => {
    const k = boot();
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('stuck', 0));
      await k.api.platform_driver_register(pdrv('stuck', () => -EPROBE_DEFER));
      await k.base.dd.deferred_probe_initcall();
    });
    const r = k.log.records.filter((x) => x.text.includes('deferred probe pending'));
    expect(r.map((x) => [x.level, x.text])).to.deep.equal([[KERN_WARNING, 'platform stuck.0: deferred probe pending: (reason unknown)']]);
    expect(r[0]!.time).to.equal(10_000_000);
    expect(k.dmesg()).to.include('[   10.000000] platform stuck.0: deferred probe pending: (reason unknown)');
    expect(k.base.dd.driver_deferred_probe_timeout).to.equal(0);
  });

  it('driver_register pushes the deferred probe timeout out: registered at 4 s, the report comes at 14 s', async () => {
    const k = boot();
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('stuck', 0));
      await k.api.platform_driver_register(pdrv('stuck', () => -EPROBE_DEFER));
      await k.base.dd.deferred_probe_initcall();
      await k.api.msleep(4000);
      await k.api.platform_driver_register(pdrv('unrelated', () => 0));
    });
    const r = k.log.records.filter((x) => x.text.includes('deferred probe pending'));
    expect(r.map((x) => x.time)).to.deep.equal([14_000_000]);
    expect(grep(k, 'Extended deferred probe timeout by 10 secs')).to.have.length(1);
  });

  it('the timeout retries once more before reporting: a device that can bind by then is not reported', async () => {
    const k = boot();
    const rec = new Recorder();
    let ready = false;
    await runInit(k, async () => {
      await k.api.platform_device_register(pdev('slowdep', 0));
      await k.api.platform_driver_register(deferringDriver(k, 'slowdep', rec, () => ready));
      await k.base.dd.deferred_probe_initcall();
      ready = true;
    });
    expect(rec.events).to.deep.equal(['probe slowdep.0 defer', 'probe slowdep.0 defer', 'probe slowdep.0 defer', 'probe slowdep.0 ok']);
    expect(grep(k, 'deferred probe pending')).to.deep.equal([]);
  });

  it('device_del takes the device off the deferred list', async () => {
    const k = boot();
    const pd = pdev('going', 0);
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      await k.api.platform_driver_register(pdrv('going', () => -EPROBE_DEFER));
      await k.api.platform_device_unregister(pd);
    });
    expect(k.base.dd.deferred_probe_pending_list).to.deep.equal([]);
    expect(grep(k, 'going.0: Removed from deferred list')).to.have.length(1);
  });
});
