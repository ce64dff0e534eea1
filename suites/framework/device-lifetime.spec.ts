// SPDX-License-Identifier: GPL-2.0-only
/**
 * Device object lifetime (drivers/base/core.c, lib/kobject.c): initialize,
 * add, del, register, unregister, get/put with release, and the
 * diagnostics of kernel-semantics §1.1.
 */
import { expect } from 'chai';
import { EEXIST, EINVAL } from '../../framework/include/errno.js';
import { device } from '../../framework/include/linux/device.js';
import { boot, grep, pdev, pdrv, Recorder, runInit, warningsOf } from './fixture.js';

function plainDevice(name: string | null, rec?: Recorder): device {
  const dev = new device();
  if (name !== null) dev.init_name = name;
  if (rec) dev.release = rec.release(name ?? '(null)');
  return dev;
}

describe('driver core: device lifetime', () => {
  it('device_initialize sets the refcount to 1; get_device and put_device count references; the last put calls release once', async () => {
    const k = boot();
    const { device_initialize, get_device, put_device } = k.api;
    const rec = new Recorder();
    const dev = plainDevice('d0', rec);
    device_initialize(dev);
    expect(dev.kref).to.equal(1);
    expect(get_device(dev)).to.equal(dev);
    expect(dev.kref).to.equal(2);
    put_device(dev);
    expect(rec.events).to.deep.equal([]);
    put_device(dev);
    expect(dev.kref).to.equal(0);
    expect(rec.events).to.deep.equal(['release d0']);
    expect(k.panic.warnings).to.deep.equal([]);
  });

  it('get_device(NULL) returns NULL and put_device(NULL) does nothing', () => {
    const k = boot();
    expect(k.api.get_device(null)).to.equal(null);
    k.api.put_device(null);
    expect(k.panic.warnings).to.deep.equal([]);
  });

  it('without dev->release the last put falls back to type->release', () => {
    const k = boot();
    const rec = new Recorder();
    const dev = plainDevice('typed');
    dev.type = { name: 'dax_type', release: rec.release('type') };
    k.api.device_initialize(dev);
    k.api.put_device(dev);
    expect(rec.events).to.deep.equal(['release type']);
    expect(k.panic.warnings).to.deep.equal([]);
  });

  it('the last put of a device without any release function WARNs "does not have a release() function" in device_release', () => {
    const k = boot();
    const dev = plainDevice('norel');
    k.api.device_initialize(dev);
    k.api.put_device(dev);
    const w = warningsOf(k);
    expect(w).to.have.length(1);
    expect(w[0]!.function).to.equal('device_release');
    expect(w[0]!.message).to.match(/^WARNING: drivers\/base\/core\.c:\d+ at device_release, CPU#0: \S+\/0$/);
    expect(w[0]!.text).to.equal(
      "Device 'norel' does not have a release() function, it is broken and must be fixed. See Documentation/core-api/kobject.rst.",
    );
  });

  it('put_device after the last reference WARNs "refcount_t: underflow; use-after-free." and does not release again', () => {
    const k = boot();
    const rec = new Recorder();
    const dev = plainDevice('uaf', rec);
    k.api.device_initialize(dev);
    k.api.put_device(dev);
    k.api.put_device(dev);
    expect(rec.events).to.deep.equal(['release uaf']);
    const w = warningsOf(k);
    expect(w.map((x) => [x.function, x.text])).to.deep.equal([['refcount_warn_saturate', 'refcount_t: underflow; use-after-free.']]);
  });

  it('get_device after the last reference WARNs "refcount_t: addition on 0; use-after-free."', () => {
    const k = boot();
    const dev = plainDevice('uaf2', new Recorder());
    k.api.device_initialize(dev);
    k.api.put_device(dev);
    k.api.get_device(dev);
    expect(warningsOf(k).map((x) => x.text)).to.deep.equal(['refcount_t: addition on 0; use-after-free.']);
    expect(dev.kref).to.equal(0);
  });

  it('put_device on a never-initialised device WARNs "is not initialized, yet kobject_put() is being called" in kobject_put, then the refcount underflow', () => {
    const k = boot();
    const rec = new Recorder();
    k.api.put_device(plainDevice('raw', rec));
    const w = warningsOf(k);
    expect(w.map((x) => [x.function, x.text])).to.deep.equal([
      ['kobject_put', "kobject: '(null)' (00000000deadbeef): is not initialized, yet kobject_put() is being called."],
      ['refcount_warn_saturate', 'refcount_t: underflow; use-after-free.'],
    ]);
    expect(rec.events).to.deep.equal([]);
  });

  it('get_device on a never-initialised device WARNs "is not initialized, yet kobject_get() is being called" in kobject_get, then "addition on 0"', () => {
    const k = boot();
    const dev = plainDevice(null, new Recorder());
    k.api.dev_set_name(dev, 'raw');
    k.api.get_device(dev);
    const w = warningsOf(k);
    expect(w.map((x) => [x.function, x.text])).to.deep.equal([
      ['kobject_get', "kobject: 'raw' (00000000deadbeef): is not initialized, yet kobject_get() is being called."],
      ['refcount_warn_saturate', 'refcount_t: addition on 0; use-after-free.'],
    ]);
  });

  it('device_initialize on an initialised device prints "tried to init an initialized object, something is seriously wrong." with a stack dump', async () => {
    const k = boot();
    const dev = plainDevice('twice', new Recorder());
    await runInit(k, async function hmem_test_init() {
      k.api.device_initialize(dev);
      k.api.device_initialize(dev);
    });
    const bugs = warningsOf(k, 'bug');
    expect(bugs).to.have.length(1);
    expect(bugs[0]!.message).to.contain('tried to init an initialized object, something is seriously wrong.');
    expect(bugs[0]!.callTrace).to.deep.equal(['kobject_init', 'device_initialize', 'hmem_test_init']);
    const lines = k.log.records.map((r) => r.text);
    const at = lines.findIndex((l) => l.includes('tried to init an initialized object'));
    expect(lines.slice(at + 1)).to.include('Call Trace:');
    expect(k.log.records[at]!.level).to.equal(3);
  });

  it('a device initialised twice and leaked after device_del is reported once by the leak check', async () => {
    const k = boot();
    const dev = plainDevice('reused', new Recorder());
    await runInit(k, async () => {
      k.api.device_initialize(dev);
      k.api.device_initialize(dev);
      await k.api.device_add(dev);
      await k.api.device_del(dev);
    });
    expect(k.leaks().map((l) => l.what)).to.deep.equal(['reused: 1 reference left after device_del()']);
  });

  it('device_add of a device without a name fails with -EINVAL and the caller keeps its reference', async () => {
    const k = boot();
    const rec = new Recorder();
    const dev = plainDevice(null, rec);
    let rc = 0;
    await runInit(k, async () => {
      k.api.device_initialize(dev);
      rc = await k.api.device_add(dev);
    });
    expect(rc).to.equal(-EINVAL);
    expect(dev.kref).to.equal(1);
    expect(dev.state_in_sysfs).to.equal(false);
    k.api.put_device(dev);
    expect(rec.events).to.deep.equal(['release (null)']);
  });

  it('device_add takes a reference on the parent and device_del drops it', async () => {
    const k = boot();
    const parent = plainDevice('parent', new Recorder());
    const child = plainDevice('child', new Recorder());
    child.parent = parent;
    const seen: number[] = [];
    await runInit(k, async () => {
      await k.api.device_register(parent);
      seen.push(parent.kref);
      await k.api.device_register(child);
      seen.push(parent.kref);
      await k.api.device_del(child);
      seen.push(parent.kref);
    });
    expect(seen).to.deep.equal([1, 2, 1]);
  });

  it('device_register is initialize + add: the device is in sysfs with one reference held by the caller', async () => {
    const k = boot();
    const dev = plainDevice('reg0', new Recorder());
    let rc = -1;
    await runInit(k, async () => {
      rc = await k.api.device_register(dev);
    });
    expect(rc).to.equal(0);
    expect(dev.kref).to.equal(1);
    expect(dev.state_in_sysfs).to.equal(true);
    expect(k.api.dev_name(dev)).to.equal('reg0');
  });

  it('device_unregister is device_del + put_device: the release runs after the device left sysfs', async () => {
    const k = boot();
    const rec = new Recorder();
    const dev = plainDevice('unreg', rec);
    await runInit(k, async () => {
      await k.api.device_register(dev);
      k.base.ueventListeners.push((action, d) => rec.push(`uevent ${action} ${k.api.dev_name(d)}`));
      await k.api.device_unregister(dev);
    });
    expect(rec.events).to.deep.equal(['uevent remove unreg', 'release unreg']);
  });

  it('device_del keeps the memory until the last put_device', async () => {
    const k = boot();
    const rec = new Recorder();
    const dev = plainDevice('held', rec);
    await runInit(k, async () => {
      await k.api.device_register(dev);
      k.api.get_device(dev);
      await k.api.device_unregister(dev);
    });
    expect(dev.state_in_sysfs).to.equal(false);
    expect(rec.events).to.deep.equal([]);
    expect(k.leaks().map((l) => l.what)).to.deep.equal(['held: 1 reference left after device_del()']);
    k.api.put_device(dev);
    expect(rec.events).to.deep.equal(['release held']);
    expect(k.leaks()).to.deep.equal([]);
  });

  it('a second device with the same name under the same parent: -EEXIST, "sysfs: cannot create duplicate filename" with a stack dump, the first stays', async () => {
    const k = boot();
    const rec = new Recorder();
    const a = pdev('dup', 0, rec);
    const b = pdev('dup', 0, rec);
    let rc = 0;
    await runInit(k, async () => {
      await k.api.platform_device_register(a);
      rc = await k.api.platform_device_register(b);
    });
    expect(rc).to.equal(-EEXIST);
    expect(grep(k, 'sysfs: cannot create duplicate filename')).to.deep.equal(["sysfs: cannot create duplicate filename '/devices/platform/dup.0'"]);
    expect(grep(k, 'kobject_add_internal failed')).to.deep.equal([
      "kobject: kobject_add_internal failed for dup.0 with -EEXIST, don't try to register things with the same name in the same directory.",
    ]);
    expect(warningsOf(k, 'bug').map((w) => w.function)).to.deep.equal(['sysfs_warn_dup']);
    const dupLine = k.log.records.find((r) => r.text.startsWith('sysfs: cannot create duplicate filename'))!;
    const addLine = k.log.records.find((r) => r.text.startsWith('kobject: kobject_add_internal failed'))!;
    expect([dupLine.level, addLine.level]).to.deep.equal([4, 3]);
    expect(a.dev.state_in_sysfs).to.equal(true);
    expect(b.dev.state_in_sysfs).to.equal(false);
    expect(b.dev.kref).to.equal(1);
    k.api.platform_device_put(b);
    expect(rec.events).to.deep.equal(['release dup.0']);
  });

  it('the same name under two different parents is not a duplicate', async () => {
    const k = boot();
    const p1 = plainDevice('p1', new Recorder());
    const p2 = plainDevice('p2', new Recorder());
    const c1 = plainDevice('same', new Recorder());
    const c2 = plainDevice('same', new Recorder());
    c1.parent = p1;
    c2.parent = p2;
    const rcs: number[] = [];
    await runInit(k, async () => {
      for (const d of [p1, p2, c1, c2]) rcs.push(await k.api.device_register(d));
    });
    expect(rcs).to.deep.equal([0, 0, 0, 0]);
    expect(k.panic.warnings).to.deep.equal([]);
  });

  it('the same name on one bus under two different parents: the second bus_add_device fails with -EEXIST, "cannot create duplicate filename \'/bus/platform/devices/..\'"', async () => {
    const k = boot();
    const rec = new Recorder();
    const host = plainDevice('host', rec);
    const a = pdev('foo', 0, rec);
    const b = pdev('foo', 0, rec);
    b.dev.parent = host;
    const rcs: number[] = [];
    await runInit(k, async () => {
      rcs.push(await k.api.device_register(host));
      rcs.push(await k.api.platform_device_register(a));
      rcs.push(await k.api.platform_device_register(b));
    });
    expect(rcs).to.deep.equal([0, 0, -EEXIST]);
    expect(grep(k, 'sysfs: cannot create duplicate filename')).to.deep.equal(["sysfs: cannot create duplicate filename '/bus/platform/devices/foo.0'"]);
    expect([a.dev.state_in_sysfs, b.dev.state_in_sysfs]).to.deep.equal([true, false]);
    // The failed add left nothing behind: no child of host, and only the caller's reference.
    expect(host.p!.children).to.deep.equal([]);
    expect(b.dev.kref).to.equal(1);
  });

  it('device_add of a device that device_initialize() never saw: "tried to add an uninitialized object" with a stack dump, and -EINVAL', async () => {
    const k = boot();
    const dev = plainDevice('raw', new Recorder());
    let rc = 0;
    await runInit(k, async () => {
      rc = await k.api.device_add(dev);
    });
    expect(rc).to.equal(-EINVAL);
    expect(dev.state_in_sysfs).to.equal(false);
    expect(grep(k, 'tried to add an uninitialized object')).to.deep.equal(["kobject 'raw' (00000000deadbeef): tried to add an uninitialized object, something is seriously wrong."]);
    expect(warningsOf(k, 'bug').map((w) => w.function)).to.deep.equal(['kobject_add']);
  });

  it('a registered device is also held by its bus\'s device list and its parent\'s children list: one put_device too many frees nothing until device_unregister, whose last put is an underflow', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('extra', 0, rec);
    const seen: number[] = [];
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      seen.push(pd.dev.kref);
      k.api.put_device(pd.dev);
      seen.push(pd.dev.kref);
    });
    expect(seen).to.deep.equal([3, 2]);
    expect([rec.events, k.panic.warnings]).to.deep.equal([[], []]);
    await runInit(k, async () => {
      await k.api.platform_device_unregister(pd);
    });
    expect(rec.events).to.deep.equal(['release extra.0']);
    expect(grep(k, 'refcount_t:')).to.deep.equal(['refcount_t: underflow; use-after-free.']);
  });

  it('device_add of a device that is already added fails with -EEXIST and the duplicate-filename report', async () => {
    const k = boot();
    const dev = plainDevice('again', new Recorder());
    let rc = 0;
    await runInit(k, async () => {
      await k.api.device_register(dev);
      rc = await k.api.device_add(dev);
    });
    expect(rc).to.equal(-EEXIST);
    expect(grep(k, 'sysfs: cannot create duplicate filename')).to.deep.equal(["sysfs: cannot create duplicate filename '/devices/again'"]);
    expect(k.base.core.rootChildren.filter((d) => d === dev)).to.have.length(1);
  });

  it('device_del marks the device dead under device_lock: a later device_attach binds nothing', async () => {
    const k = boot();
    const rec = new Recorder();
    const pd = pdev('gone', 0);
    let rc = -1;
    await runInit(k, async () => {
      await k.api.platform_device_register(pd);
      k.api.get_device(pd.dev);
      await k.api.platform_device_del(pd);
      k.api.platform_bus_type.p!.drivers_autoprobe = false;
      const drv = pdrv('gone', () => {
        rec.push('probe');
        return 0;
      });
      await k.api.platform_driver_register(drv);
      rc = await k.api.device_attach(pd.dev);
    });
    expect(rc).to.equal(0);
    expect(rec.events).to.deep.equal([]);
    expect(pd.dev.p!.dead).to.equal(true);
  });
});
